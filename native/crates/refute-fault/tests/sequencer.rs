//! The devnet sequencer and the fault program agree: blocks the sequencer
//! builds, batched into a blob the way the devnet's batcher posts them, are
//! derived and executed by the program to the same output roots.
#![allow(clippy::unwrap_used)]

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, SignableTransaction, TxEip1559, TxEip4844,
    TxEip4844Variant, TxEnvelope, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::{eip2718::Encodable2718, eip7685::EMPTY_REQUESTS_HASH};
use alloy_primitives::{address, keccak256, Address, Bytes, Log, LogData, Signature, TxKind, B256, U256};
use alloy_trie::{root::ordered_trie_root_with_encoder, EMPTY_ROOT_HASH};
use k256::ecdsa::SigningKey;
use refute_fault::{
    deposits::deposit_event_topic,
    input::INPUT_VERSION,
    l1::BlockTransactions,
    sequencer::{
        batch_blobs, blob_commitment, build_block, first_block_info, genesis, BlockRequest, BuiltBlock, ChainParams,
    },
    FaultError, FaultInput,
};
use refute_forks::OpHardfork;
use refute_stf::prestate::{FullAccount, FullState};

const GWEI: u128 = 1_000_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;
const L2_TIME: u64 = 1_800_000_000;
const DEPOSIT_CONTRACT: Address = address!("de9051700000000000000000000000000000de90");

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).unwrap()
}

fn address_of(key: &SigningKey) -> Address {
    Address::from_raw_public_key(&key.verifying_key().to_encoded_point(false).as_bytes()[1..])
}

fn signed<T: SignableTransaction<Signature>>(key: &SigningKey, tx: &T) -> Signature {
    let (sig, recovery) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).unwrap();
    let (r, s) = sig.split_bytes();
    Signature::new(U256::from_be_slice(&r), U256::from_be_slice(&s), recovery.is_y_odd())
}

fn transfer(key: &SigningKey, chain_id: u64, nonce: u64, to: Address) -> Bytes {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 10 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to: TxKind::Call(to),
        value: U256::from(ETHER / 10),
        ..Default::default()
    };
    let signature = signed(key, &tx);
    Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718())
}

fn root(items: &[Bytes]) -> B256 {
    ordered_trie_root_with_encoder(items, |item: &Bytes, buf: &mut Vec<u8>| buf.extend_from_slice(item))
}

/// An L1 header with consistent roots over its lists (L1 execution is not the point here).
fn l1_header(parent: B256, number: u64, timestamp: u64, txs: &[Bytes], receipts: &[Bytes]) -> Header {
    Header {
        parent_hash: parent,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: keccak256(number.to_be_bytes()),
        transactions_root: root(txs),
        receipts_root: root(receipts),
        number,
        gas_limit: 30_000_000,
        timestamp,
        mix_hash: keccak256([&number.to_be_bytes()[..], b"randao"].concat()),
        base_fee_per_gas: Some(GWEI as u64),
        withdrawals_root: Some(EMPTY_ROOT_HASH),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(0),
        parent_beacon_block_root: Some(keccak256([&number.to_be_bytes()[..], b"beacon"].concat())),
        requests_hash: Some(EMPTY_REQUESTS_HASH),
        ..Default::default()
    }
}

fn deposit_receipt(from: Address, to: Address) -> Bytes {
    let mut opaque = Vec::new();
    opaque.extend_from_slice(&U256::from(ETHER).to_be_bytes::<32>());
    opaque.extend_from_slice(&U256::from(ETHER / 2).to_be_bytes::<32>());
    opaque.extend_from_slice(&100_000u64.to_be_bytes());
    opaque.push(0);
    let mut data = Vec::new();
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(opaque.len()).to_be_bytes::<32>());
    data.extend_from_slice(&opaque);
    data.resize(64 + opaque.len().div_ceil(32) * 32, 0);
    let topics = vec![deposit_event_topic(), from.into_word(), to.into_word(), B256::ZERO];
    let log = Log { address: DEPOSIT_CONTRACT, data: LogData::new_unchecked(topics, Bytes::from(data)) };
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 100_000, logs: vec![log] };
    let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.into();
    Bytes::from(ReceiptEnvelope::Eip1559(with_bloom).encoded_2718())
}

struct Devnet {
    params: ChainParams,
    input_for_block_3: FaultInput,
    blocks: Vec<BuiltBlock>,
}

/// L1 100 (L2 genesis origin), 101 (a deposit), 102 (the batcher's blob), 103 (head);
/// L2 blocks 1 (origin 100), 2 (origin 101, with the deposit), 3 (origin 101).
fn devnet(fork: OpHardfork) -> Devnet {
    let user = key(0x11);
    let batcher = key(0x22);
    let l1_100 = l1_header(B256::repeat_byte(0x42), 100, L2_TIME - 12, &[], &[]);
    let params = ChainParams {
        fork,
        l1_chain_id: 900,
        l2_chain_id: 901,
        l1_genesis: l1_100.clone(),
        genesis_time: L2_TIME,
        block_time: 2,
        gas_limit: 30_000_000,
        batcher: address_of(&batcher),
        batch_inbox: address!("ff00000000000000000000000000000000000901"),
        deposit_contract: DEPOSIT_CONTRACT,
        system_config: address!("5c5c000000000000000000000000000000005c5c"),
        base_fee_scalar: 1368,
        blob_base_fee_scalar: 810_949,
    };
    let mut alloc = FullState::default();
    alloc.accounts.insert(address_of(&user), FullAccount { balance: U256::from(100 * ETHER), ..Default::default() });
    let mut passer = FullAccount::default();
    passer.storage.insert(U256::from(1), U256::from(7));
    alloc.accounts.insert(refute_stf::chain::MESSAGE_PASSER, passer);
    let genesis = genesis(&params, &alloc).unwrap();

    let deposit = deposit_receipt(address!("00000000000000000000000000000000000d0d01"), address_of(&user));
    // The deposit's L1 transaction is not read (only its receipt's log), so any bytes stand for it.
    let deposit_tx = Bytes::from_static(b"\x02an-l1-deposit-call");
    let l1_101 = l1_header(l1_100.hash_slow(), 101, L2_TIME + 1, &[deposit_tx], core::slice::from_ref(&deposit));

    let mut blocks: Vec<BuiltBlock> = Vec::new();
    let mut state = alloc;
    let mut ancestors = vec![genesis.header.clone()];
    let mut parent_txs: Vec<Bytes> = Vec::new();
    let template = first_block_info(&params).unwrap();
    let plan = [(&l1_100, vec![], 2u64), (&l1_101, vec![deposit], 3), (&l1_101, vec![], 1)];
    let mut nonce = 0;
    for (origin, receipts, count) in plan {
        let transactions = (0..count)
            .map(|i| {
                nonce += 1;
                transfer(&user, 901, nonce - 1, Address::left_padding_from(&(0xb0 + i).to_be_bytes()))
            })
            .collect();
        let request = BlockRequest {
            config: genesis.config.clone(),
            pre_state: state,
            ancestors: ancestors.clone(),
            parent_transactions: parent_txs,
            origin: origin.clone(),
            origin_receipts: receipts,
            transactions,
        };
        let block = build_block(&request, Some(&template)).unwrap();
        state = block.post_state.clone();
        ancestors.push(block.header.clone());
        parent_txs = block.transactions.clone();
        blocks.push(block);
    }

    let batches: Vec<_> = blocks.iter().map(|b| b.batch.clone()).collect();
    let mut blobs = batch_blobs(&batches, [0x5a; 16]).unwrap();
    assert_eq!(blobs.len(), 1, "three small blocks fit one blob");
    let blob = blobs.remove(0);
    let (_commitment, versioned_hash) = blob_commitment(&blob).unwrap();
    let blob_tx = {
        let tx = TxEip4844 {
            chain_id: 900,
            gas_limit: 21_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            to: params.batch_inbox,
            blob_versioned_hashes: vec![versioned_hash],
            max_fee_per_blob_gas: 10 * GWEI,
            ..Default::default()
        };
        let signature = signed(&batcher, &tx);
        Bytes::from(TxEnvelope::Eip4844(TxEip4844Variant::TxEip4844(tx).into_signed(signature)).encoded_2718())
    };
    let l1_102 = l1_header(l1_101.hash_slow(), 102, L2_TIME + 13, core::slice::from_ref(&blob_tx), &[]);
    let l1_103 = l1_header(l1_102.hash_slow(), 103, L2_TIME + 25, &[], &[]);

    let agreed = &blocks[1];
    let input_for_block_3 = FaultInput {
        version: INPUT_VERSION,
        payout: address!("00000000000000000000000000000000c0ffee01"),
        config: genesis.config.clone(),
        agreed_output_root: agreed.output_root,
        agreed_output: agreed.output,
        parent_transactions: agreed.transactions.clone(),
        l1_head: l1_103.hash_slow(),
        l1_headers: vec![l1_103, l1_102, l1_101.clone()],
        l1_transactions: vec![
            BlockTransactions { number: 102, transactions: vec![blob_tx] },
            BlockTransactions { number: 103, transactions: vec![] },
        ],
        l1_receipts: vec![],
        blobs: vec![Bytes::from(blob)],
        witness: blocks[2].witness.clone(),
    };
    Devnet { params, input_for_block_3, blocks }
}

#[test]
fn the_program_derives_and_executes_sequenced_blocks_to_the_same_root() {
    for fork in [OpHardfork::Isthmus, OpHardfork::Holocene] {
        let net = devnet(fork);
        let outcome = refute_fault::run(&net.input_for_block_3).unwrap_or_else(|e| panic!("{fork}: {e}"));
        assert_eq!(outcome.journal.computed_output_root, net.blocks[2].output_root, "{fork}");
        assert_eq!(outcome.journal.l2_block_number, 3);
        assert_eq!(outcome.derived.l1_origin, 101);
        assert_eq!(outcome.derived.payload.transactions, net.blocks[2].transactions);
    }
}

#[test]
fn blocks_follow_the_epoch_rules() {
    let net = devnet(OpHardfork::Isthmus);
    let [b1, b2, b3] = &net.blocks[..] else { panic!("three blocks") };
    assert_eq!((b1.l1_origin, b1.sequence_number), (100, 0));
    assert_eq!((b2.l1_origin, b2.sequence_number), (101, 0));
    assert_eq!((b3.l1_origin, b3.sequence_number), (101, 1));
    // Block 2 opens epoch 101: L1-info deposit, the user deposit, then three transfers.
    assert_eq!(b2.transactions.len(), 1 + 1 + 3);
    assert_eq!(b3.transactions.len(), 1 + 1);
    assert_eq!(b2.header.parent_hash, b1.output.block_hash);
    assert_eq!(net.params.l1_genesis.number, 100);
}

#[test]
fn a_corrupted_pre_state_is_refused() {
    let net = devnet(OpHardfork::Isthmus);
    let b1 = &net.blocks[0];
    let mut wrong = b1.post_state.clone();
    wrong.accounts.insert(Address::repeat_byte(0x77), FullAccount { balance: U256::from(1), ..Default::default() });
    let request = BlockRequest {
        config: net.input_for_block_3.config.clone(),
        pre_state: wrong,
        ancestors: vec![b1.header.clone()],
        parent_transactions: b1.transactions.clone(),
        origin: net.params.l1_genesis.clone(),
        origin_receipts: vec![],
        transactions: vec![],
    };
    let err = build_block(&request, None).unwrap_err();
    assert!(matches!(err, FaultError::Sequencer(ref m) if m.contains("pre-state root")), "{err}");
}

#[test]
fn an_origin_that_skips_an_l1_block_is_refused() {
    let net = devnet(OpHardfork::Isthmus);
    let b1 = &net.blocks[0];
    let skipped = l1_header(B256::repeat_byte(1), 105, L2_TIME, &[], &[]);
    let request = BlockRequest {
        config: net.input_for_block_3.config.clone(),
        pre_state: b1.post_state.clone(),
        ancestors: vec![b1.header.clone()],
        parent_transactions: b1.transactions.clone(),
        origin: skipped,
        origin_receipts: vec![],
        transactions: vec![],
    };
    let err = build_block(&request, None).unwrap_err();
    assert!(err.to_string().contains("neither the parent's origin"), "{err}");
}

#[test]
fn batches_spread_over_blobs_up_to_the_transaction_limit() {
    let net = devnet(OpHardfork::Isthmus);
    let incompressible = |kib: u32| -> Vec<Bytes> {
        (0..kib)
            .map(|i| Bytes::from((0..32u32).flat_map(|j| keccak256((i * 32 + j).to_be_bytes()).0).collect::<Vec<u8>>()))
            .collect()
    };
    let mut two = net.blocks[0].batch.clone();
    two.transactions = incompressible(160);
    assert_eq!(batch_blobs(&[two], [1; 16]).unwrap().len(), 2);
    let mut seven = net.blocks[0].batch.clone();
    seven.transactions = incompressible(7 * 128);
    let Err(err) = batch_blobs(&[seven], [1; 16]) else { panic!("896 KiB of random data fit six blobs") };
    assert!(err.to_string().contains("carries at most 6"), "{err}");
}

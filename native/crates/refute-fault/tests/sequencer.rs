//! The devnet sequencer and the fault program agree: blocks the sequencer
//! builds, batched into a blob the way the devnet's batcher posts them (one
//! singular batch per block, or one span batch of them all), are derived and
//! executed by the program to the same output roots.
#![allow(clippy::unwrap_used)]

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, SignableTransaction, TxEip1559, TxEip2930,
    TxEip4844, TxEip4844Variant, TxEip7702, TxEnvelope, TxLegacy, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::{
    eip2718::Encodable2718, eip2930::AccessList, eip2930::AccessListItem, eip7685::EMPTY_REQUESTS_HASH,
    eip7702::Authorization,
};
use alloy_primitives::{address, keccak256, Address, Bytes, Log, LogData, Signature, TxKind, B256, U256};
use alloy_trie::{root::ordered_trie_root_with_encoder, EMPTY_ROOT_HASH};
use k256::ecdsa::SigningKey;
use refute_da::{
    batch::{RawSpanBatch, SingularBatch, SPAN_BATCH_TYPE},
    derive::{batch_blocks, DeriveConfig},
    pipeline::{self, Input, InputKind, PipelineConfig},
};
use refute_fault::{
    deposits::DEPOSIT_EVENT_TOPIC,
    generate::{address_of, deposit_log_data, sign},
    input::{L2Ancestor, INPUT_VERSION},
    l1::{BlockReceipts, BlockTransactions},
    sequencer::{
        batch_blobs, blob_commitment, build_block, first_block_info, genesis, span_batch, BatchEncoding, BlockRequest,
        BuiltBlock, ChainParams,
    },
    FaultError, FaultInput, RollupConfig,
};
use refute_forks::{OpForkSchedule, OpHardfork};
use refute_stf::prestate::{FullAccount, FullState};

const GWEI: u128 = 1_000_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;
const L2_TIME: u64 = 1_800_000_000;
const DEPOSIT_CONTRACT: Address = address!("de9051700000000000000000000000000000de90");

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).unwrap()
}

fn signed<T: SignableTransaction<Signature>>(key: &SigningKey, tx: &T) -> Signature {
    sign(key, tx).unwrap()
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
        logs_bloom: receipts
            .iter()
            .map(|r| {
                <ReceiptEnvelope as alloy_eips::eip2718::Decodable2718>::decode_2718(&mut r.as_ref())
                    .unwrap()
                    .logs_bloom()
                    .to_owned()
            })
            .fold(alloy_primitives::Bloom::ZERO, |a, b| a | b),
        ..Default::default()
    }
}

/// A successful receipt with one `ConfigUpdate` of `system_config`: update type
/// `kind`, its ABI `bytes` data the single `word`.
fn update_receipt(system_config: Address, kind: u8, word: [u8; 32]) -> Bytes {
    let mut data = U256::from(32).to_be_bytes::<32>().to_vec();
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&word);
    let topics = vec![refute_fault::system_config::CONFIG_UPDATE_TOPIC, B256::ZERO, B256::with_last_byte(kind)];
    let log = Log { address: system_config, data: LogData::new_unchecked(topics, Bytes::from(data)) };
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 150_000, logs: vec![log] };
    let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.into();
    Bytes::from(ReceiptEnvelope::Eip1559(with_bloom).encoded_2718())
}

fn deposit_receipt(from: Address, to: Address) -> Bytes {
    let data = deposit_log_data(U256::from(ETHER), U256::from(ETHER / 2), 100_000, false, &[]);
    let topics = vec![DEPOSIT_EVENT_TOPIC, from.into_word(), to.into_word(), B256::ZERO];
    let log = Log { address: DEPOSIT_CONTRACT, data: LogData::new_unchecked(topics, Bytes::from(data)) };
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 100_000, logs: vec![log] };
    let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.into();
    Bytes::from(ReceiptEnvelope::Eip1559(with_bloom).encoded_2718())
}

/// How the devnet's batcher posts blocks 1-3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Posting {
    /// Three singular batches in one channel.
    Singular,
    /// One span batch of the three blocks.
    Span,
    /// One channel per block, each one span batch of one block (as the devnet's batcher posts).
    SpanPerBlock,
    /// Blocks 2 and 3 as one span batch whose parent check names another block than block 1.
    SpanOnAnotherParent,
    /// One span batch of the three blocks, block 3 carrying a set-code transaction (invalid before
    /// Isthmus).
    SpanWithSetCodeInBlock3,
    /// Singular batches of blocks 1, 3 and 2, in that order, in one channel.
    SingularBlock3First,
    /// Singular batches in one channel: block 1, block 2 on a wrong parent, block 2, block 3.
    SingularWrongBlock2First,
    /// Block 1's singular batch, then one span batch of blocks 2-4, in one channel.
    SingularThenSpan,
    /// One span batch of the four blocks whose block 2 carries one transaction fewer
    /// than the chain's block 2.
    SpanWithAnotherBlock2,
}

struct Devnet {
    params: ChainParams,
    /// Agreed block 1, disputed block 2 (the first of epoch 101).
    input_for_block_2: FaultInput,
    input_for_block_3: FaultInput,
    input_for_block_4: FaultInput,
    genesis: Header,
    blocks: Vec<BuiltBlock>,
}

impl Devnet {
    /// `input` (for block `N`) with L2 blocks `N − 2` down to `oldest` as ancestors;
    /// the transactions of those at or before `transactions_through`.
    fn with_ancestors(&self, input: &FaultInput, oldest: u64, transactions_through: u64) -> FaultInput {
        let agreed = self.blocks.iter().find(|b| b.output_root == input.agreed_output_root).unwrap();
        let mut input = input.clone();
        input.l2_ancestors = (oldest..agreed.header.number)
            .rev()
            .map(|n| match n {
                0 => L2Ancestor { header: self.genesis.clone(), transactions: vec![] },
                _ => {
                    let b = &self.blocks[n as usize - 1];
                    let transactions = if n <= transactions_through { b.transactions.clone() } else { vec![] };
                    L2Ancestor { header: b.header.clone(), transactions }
                }
            })
            .collect();
        input
    }

    /// `input` with every ancestor back to genesis, each with its transactions.
    fn with_all_ancestors(&self, input: &FaultInput) -> FaultInput {
        self.with_ancestors(input, 0, u64::MAX)
    }
}

/// L1 100 (L2 genesis origin), 101 (a deposit), 102 (the batcher's blob), 103 (head);
/// L2 blocks 1 (origin 100), 2 (origin 101, with the deposit), 3 and 4 (origin 101).
fn devnet(fork: OpHardfork) -> Devnet {
    devnet_posted(fork, Posting::Singular)
}

fn devnet_posted(fork: OpHardfork, posting: Posting) -> Devnet {
    devnet_with(fork, posting, |_| Vec::new())
}

/// [`devnet_posted`], with L1 101 (block 2's new origin) also carrying the
/// `ConfigUpdate` receipts `updates` makes for the system config's address.
fn devnet_with(fork: OpHardfork, posting: Posting, updates: impl Fn(Address) -> Vec<Bytes>) -> Devnet {
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
    // The deposit's L1 transaction (a call to the portal; only its receipt's log is derived from).
    let deposit_tx = transfer(&user, 900, 0, DEPOSIT_CONTRACT);
    let mut receipts_101 = vec![deposit.clone()];
    receipts_101.extend(updates(params.system_config));
    let l1_101 = l1_header(l1_100.hash_slow(), 101, L2_TIME + 1, core::slice::from_ref(&deposit_tx), &receipts_101);

    let mut blocks: Vec<BuiltBlock> = Vec::new();
    let mut state = alloc;
    let mut ancestors = vec![genesis.header.clone()];
    let mut parent_txs: Vec<Bytes> = Vec::new();
    let template = first_block_info(&params).unwrap();
    let plan =
        [(&l1_100, vec![], 2u64), (&l1_101, receipts_101.clone(), 3), (&l1_101, vec![], 1), (&l1_101, vec![], 1)];
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
    let span = |first_opens_epoch| BatchEncoding::Span { config: &genesis.config, first_opens_epoch };
    let blobs: Vec<Vec<u8>> = match posting {
        Posting::Singular => batch_blobs(&batches, [0x5a; 16], BatchEncoding::Singular).unwrap(),
        Posting::Span => batch_blobs(&batches, [0x5a; 16], span(true)).unwrap(),
        Posting::SpanPerBlock => blocks
            .iter()
            .zip(0u8..)
            .flat_map(|(b, i)| {
                batch_blobs(core::slice::from_ref(&b.batch), [i; 16], span(b.sequence_number == 0)).unwrap()
            })
            .collect(),
        Posting::SpanWithSetCodeInBlock3 => {
            let mut batches = batches.clone();
            let set_code = every_batchable_transaction().pop().unwrap();
            assert_eq!(set_code[0], 0x04);
            batches[2].transactions.push(set_code);
            batch_blobs(&batches, [0x5a; 16], span(true)).unwrap()
        }
        Posting::SingularBlock3First => {
            let reordered = [batches[0].clone(), batches[2].clone(), batches[1].clone(), batches[3].clone()];
            batch_blobs(&reordered, [0x5a; 16], BatchEncoding::Singular).unwrap()
        }
        Posting::SingularWrongBlock2First => {
            let mut wrong = batches[1].clone();
            wrong.parent_hash = B256::repeat_byte(0xba);
            let posted = [batches[0].clone(), wrong, batches[1].clone(), batches[2].clone(), batches[3].clone()];
            batch_blobs(&posted, [0x5a; 16], BatchEncoding::Singular).unwrap()
        }
        Posting::SpanOnAnotherParent => {
            let mut orphans = batches[1..].to_vec();
            orphans[0].parent_hash = B256::repeat_byte(0xba);
            batch_blobs(&orphans, [0x5a; 16], span(true)).unwrap()
        }
        Posting::SingularThenSpan => {
            let mut channel = batch_blobs(&batches[..1], [0x5a; 16], BatchEncoding::Singular).unwrap();
            channel.extend(batch_blobs(&batches[1..], [0x5b; 16], span(true)).unwrap());
            channel
        }
        Posting::SpanWithAnotherBlock2 => {
            let mut batches = batches.clone();
            batches[1].transactions.pop();
            batch_blobs(&batches, [0x5a; 16], span(true)).unwrap()
        }
    };
    let per_channel = match posting {
        Posting::SpanPerBlock => 4,
        Posting::SingularThenSpan => 2,
        _ => 1,
    };
    assert_eq!(blobs.len(), per_channel, "small blocks fit one blob per channel");
    let versioned_hashes: Vec<B256> = blobs.iter().map(|b| blob_commitment(b).unwrap().1).collect();
    let blob_tx = {
        let tx = TxEip4844 {
            chain_id: 900,
            gas_limit: 21_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            to: params.batch_inbox,
            blob_versioned_hashes: versioned_hashes,
            max_fee_per_blob_gas: 10 * GWEI,
            ..Default::default()
        };
        let signature = signed(&batcher, &tx);
        Bytes::from(TxEnvelope::Eip4844(TxEip4844Variant::TxEip4844(tx).into_signed(signature)).encoded_2718())
    };
    let l1_102 = l1_header(l1_101.hash_slow(), 102, L2_TIME + 13, core::slice::from_ref(&blob_tx), &[]);
    let l1_103 = l1_header(l1_102.hash_slow(), 103, L2_TIME + 25, &[], &[]);

    let input_for = |number: usize| {
        let agreed = &blocks[number - 2];
        let mut l1_headers = vec![l1_103.clone(), l1_102.clone(), l1_101.clone()];
        let mut l1_receipts = vec![];
        if number == 2 {
            // Block 1's origin is L1 100, and block 2 opens epoch 101 (its deposits are read).
            l1_headers.push(l1_100.clone());
            l1_receipts.push(BlockReceipts { number: 101, receipts: receipts_101.clone() });
        }
        // The data read starts right after the agreed block's L1 origin.
        let mut l1_transactions = vec![
            BlockTransactions { number: 102, transactions: vec![blob_tx.clone()] },
            BlockTransactions { number: 103, transactions: vec![] },
        ];
        if number == 2 {
            l1_transactions.insert(0, BlockTransactions { number: 101, transactions: vec![deposit_tx.clone()] });
        }
        FaultInput {
            version: INPUT_VERSION,
            payout: address!("00000000000000000000000000000000c0ffee01"),
            config: genesis.config.clone(),
            agreed_output_root: agreed.output_root,
            agreed_output: agreed.output,
            parent_transactions: agreed.transactions.clone(),
            l2_ancestors: vec![],
            l1_head: l1_103.hash_slow(),
            l1_headers,
            l1_transactions,
            l1_receipts,
            blobs: blobs.iter().map(|b| Bytes::from(b.clone())).collect(),
            witness: blocks[number - 1].witness.clone(),
        }
    };
    let input_for_block_2 = input_for(2);
    let input_for_block_3 = input_for(3);
    let input_for_block_4 = input_for(4);
    Devnet { params, input_for_block_2, input_for_block_3, input_for_block_4, genesis: genesis.header.clone(), blocks }
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
    let [b1, b2, b3, b4] = &net.blocks[..] else { panic!("four blocks") };
    assert_eq!((b1.l1_origin, b1.sequence_number), (100, 0));
    assert_eq!((b2.l1_origin, b2.sequence_number), (101, 0));
    assert_eq!((b3.l1_origin, b3.sequence_number), (101, 1));
    assert_eq!((b4.l1_origin, b4.sequence_number), (101, 2));
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
    assert_eq!(batch_blobs(&[two], [1; 16], BatchEncoding::Singular).unwrap().len(), 2);
    let mut seven = net.blocks[0].batch.clone();
    seven.transactions = incompressible(7 * 128);
    let Err(err) = batch_blobs(&[seven], [1; 16], BatchEncoding::Singular) else {
        panic!("896 KiB of random data fit six blobs")
    };
    assert!(err.to_string().contains("carries at most 6"), "{err}");
}

#[test]
fn the_program_derives_blocks_of_one_span_batch_to_the_sequencers_roots() {
    for fork in [OpHardfork::Isthmus, OpHardfork::Holocene, OpHardfork::Granite] {
        for posting in [Posting::Span, Posting::SpanPerBlock, Posting::Singular] {
            let net = devnet_posted(fork, posting);
            // Block 2 opens epoch 101 (origin bit set, deposit read); block 4 is the span's last
            // (its L1 origin check is the batch's); the span reaches back past block 3's and
            // block 4's agreed blocks to genesis, so their inputs carry ancestors.
            let inputs = [
                (net.input_for_block_2.clone(), &net.blocks[1], 101),
                (net.with_all_ancestors(&net.input_for_block_3), &net.blocks[2], 101),
                (net.with_all_ancestors(&net.input_for_block_4), &net.blocks[3], 101),
            ];
            for (input, built, origin) in &inputs {
                let at = format!("{fork} {posting:?} block {}", built.header.number);
                let outcome = refute_fault::run(input).unwrap_or_else(|e| panic!("{at}: {e}"));
                assert_eq!(outcome.journal.computed_output_root, built.output_root, "{at}");
                assert_eq!(outcome.journal.l2_block_number, built.header.number, "{at}");
                assert_eq!(outcome.derived.l1_origin, *origin, "{at}");
                assert_eq!(outcome.derived.payload.transactions, built.transactions, "{at}");
                assert!(outcome.derived.dropped.is_empty(), "{at}: {:?}", outcome.derived.dropped);
            }
            // The blobs the program read hold one span batch of four blocks, four of one block
            // each (in four channels), or four singular batches.
            let rec = reconstruct(&net.input_for_block_3.config, &net.input_for_block_3.blobs);
            let batches: Vec<(u8, usize)> =
                rec.channels.iter().flat_map(|c| c.batches.iter().map(|b| (b.1, b.2))).collect();
            let expected = match posting {
                Posting::Span => vec![(SPAN_BATCH_TYPE, 4)],
                Posting::SpanPerBlock => vec![(SPAN_BATCH_TYPE, 1); 4],
                Posting::Singular => vec![(0, 1); 4],
                _ => unreachable!("not posted here"),
            };
            assert_eq!(batches, expected, "{fork} {posting:?}");
        }
    }
}

/// Before Holocene a span batch is valid or invalid as a whole: an invalid block 3
/// drops it, so block 2 has no batch. From Holocene on only the blocks up to the
/// first invalid one count, so block 2 is derived from it.
#[test]
fn a_later_invalid_block_drops_the_whole_span_only_before_holocene() {
    let net = devnet_posted(OpHardfork::Granite, Posting::SpanWithSetCodeInBlock3);
    let err = refute_fault::run(&net.input_for_block_2).unwrap_err();
    assert!(
        matches!(err, FaultError::Derivation(ref m) if m.contains("span batch: L2 block 3: transaction 1 is an EIP-7702 transaction before Isthmus")),
        "{err}"
    );
    let net = devnet_posted(OpHardfork::Holocene, Posting::SpanWithSetCodeInBlock3);
    let outcome = refute_fault::run(&net.input_for_block_2).unwrap();
    assert_eq!(outcome.journal.computed_output_root, net.blocks[1].output_root);
}

/// From Holocene on batches must come in order, and a dropped batch drops the
/// rest of its channel: a batch for block 3 ahead of block 2's, or a batch for
/// block 2 on a wrong parent, leaves block 2 with no batch in that channel.
/// Before Holocene the later batch for block 2 is used.
#[test]
fn under_holocene_a_dropped_batch_drops_the_rest_of_its_channel() {
    for (posting, why) in [
        (Posting::SingularBlock3First, "is ahead of block N's"),
        (Posting::SingularWrongBlock2First, "parent hash is not the agreed block"),
    ] {
        let net = devnet_posted(OpHardfork::Holocene, posting);
        let err = refute_fault::run(&net.input_for_block_2).unwrap_err();
        assert!(
            matches!(err, FaultError::Derivation(ref m) if m.contains(why) && m.contains("the rest of its channel is dropped too")),
            "{posting:?}: {err}"
        );
        let net = devnet_posted(OpHardfork::Granite, posting);
        let outcome = refute_fault::run(&net.input_for_block_2).unwrap_or_else(|e| panic!("{posting:?}: {e}"));
        assert_eq!(outcome.journal.computed_output_root, net.blocks[1].output_root, "{posting:?}");
    }
}

#[test]
fn a_span_batch_on_another_parent_is_dropped_by_the_program() {
    let net = devnet_posted(OpHardfork::Isthmus, Posting::SpanOnAnotherParent);
    let err = refute_fault::run(&net.input_for_block_2).unwrap_err();
    assert!(
        matches!(err, FaultError::Derivation(ref m) if m.contains("span batch parent check does not match")),
        "{err}"
    );
}

/// A span batch that starts two or more blocks before `N` is judged against its
/// parent, an older block than the agreed one: the program asks for the L2
/// ancestors back to it (with its transactions, for its L1 origin; before
/// Holocene also the overlapped blocks' transactions) and, given them, derives `N`.
#[test]
fn a_span_reaching_past_the_agreed_block_asks_for_its_parent() {
    for (fork, posting, oldest, through_pre_holocene) in [
        (OpHardfork::Holocene, Posting::Span, 0, 2),
        (OpHardfork::Granite, Posting::Span, 0, 2),
        (OpHardfork::Holocene, Posting::SingularThenSpan, 1, 2),
        (OpHardfork::Granite, Posting::SingularThenSpan, 1, 2),
    ] {
        let at = format!("{fork} {posting:?}");
        let net = devnet_posted(fork, posting);
        let holocene = fork >= OpHardfork::Holocene;
        let through = if holocene { oldest } else { through_pre_holocene };
        let err = refute_fault::run(&net.input_for_block_4).unwrap_err();
        assert_eq!(err.kind(), "l2_ancestors", "{at}: {err}");
        assert!(
            matches!(err, FaultError::L2Ancestors { oldest: o, transactions_through: t, .. } if o == oldest && t == through),
            "{at}: {err}"
        );
        // Exactly what was asked for is enough; one transaction list less is not.
        let outcome = refute_fault::run(&net.with_ancestors(&net.input_for_block_4, oldest, through))
            .unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(outcome.journal.computed_output_root, net.blocks[3].output_root, "{at}");
        if through > 0 {
            let short = net.with_ancestors(&net.input_for_block_4, oldest, through - 1);
            assert_eq!(refute_fault::run(&short).unwrap_err().kind(), "l2_ancestors", "{at}");
        }
    }
}

/// The span's parent check is against the block before its first, however far
/// back: a span of blocks 2-4 on another parent than block 1 gives block 4 no batch.
#[test]
fn a_span_on_another_parent_is_dropped_however_far_back_it_starts() {
    let net = devnet_posted(OpHardfork::Isthmus, Posting::SpanOnAnotherParent);
    let err = refute_fault::run(&net.with_ancestors(&net.input_for_block_4, 1, 1)).unwrap_err();
    assert!(
        matches!(err, FaultError::Derivation(ref m) if m.contains("span batch parent check does not match L2 block 1")),
        "{err}"
    );
}

/// Before Holocene the blocks a span overlaps must equal the chain's; from
/// Holocene on only its prefix is judged, and block 4 is derived.
#[test]
fn an_overlapped_block_that_differs_drops_the_span_only_before_holocene() {
    let net = devnet_posted(OpHardfork::Granite, Posting::SpanWithAnotherBlock2);
    let err = refute_fault::run(&net.with_all_ancestors(&net.input_for_block_4)).unwrap_err();
    assert!(
        matches!(err, FaultError::Derivation(ref m) if m.contains("span batch's overlapped block 2 differs from its transactions")),
        "{err}"
    );
    let net = devnet_posted(OpHardfork::Holocene, Posting::SpanWithAnotherBlock2);
    let outcome = refute_fault::run(&net.with_all_ancestors(&net.input_for_block_4)).unwrap();
    assert_eq!(outcome.journal.computed_output_root, net.blocks[3].output_root);
}

/// Ancestors that are not the agreed chain's blocks are refused, whatever derivation needs.
#[test]
fn ancestors_that_do_not_link_to_the_agreed_block_are_refused() {
    let net = devnet_posted(OpHardfork::Holocene, Posting::Span);
    let good = net.with_all_ancestors(&net.input_for_block_4);
    let mut skipped = good.clone();
    skipped.l2_ancestors.remove(0);
    let mut wrong_transactions = good.clone();
    wrong_transactions.l2_ancestors[1].transactions.pop();
    let mut past_genesis = good.clone();
    past_genesis.l2_ancestors.push(good.l2_ancestors[0].clone());
    for (input, why) in [
        (skipped, "is not block 2 of the agreed chain"),
        (wrong_transactions, "the transactions given for L2 block 1 hash to"),
        (past_genesis, "past the L2 genesis block"),
    ] {
        let err = refute_fault::run(&input).unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
}

/// System config updates in a new L1 origin's receipts apply to the first
/// block of that epoch (and, through it, to the blocks after): the gas limit,
/// the fee scalars in the L1-info deposit, Holocene's EIP-1559 parameters and
/// Isthmus's operator fee. The sequencer builds with them, and the program
/// derives and executes the same blocks.
#[test]
fn system_config_updates_at_a_new_origin_reach_its_first_block() {
    let word = |bytes: &[u8]| {
        let mut w = [0u8; 32];
        w[32 - bytes.len()..].copy_from_slice(bytes);
        w
    };
    let mut scalars = [0u8; 32];
    scalars[0] = 1;
    scalars[24..28].copy_from_slice(&11u32.to_be_bytes());
    scalars[28..32].copy_from_slice(&13u32.to_be_bytes());
    let mut operator_fee = [0u8; 32];
    operator_fee[20..24].copy_from_slice(&17u32.to_be_bytes());
    operator_fee[24..32].copy_from_slice(&19u64.to_be_bytes());
    for fork in [OpHardfork::Granite, OpHardfork::Holocene, OpHardfork::Isthmus] {
        let net = devnet_with(fork, Posting::Singular, |system_config| {
            let mut fee_scalars = U256::from(32).to_be_bytes::<32>().to_vec();
            fee_scalars.extend_from_slice(&U256::from(64).to_be_bytes::<32>());
            fee_scalars.extend_from_slice(&[0u8; 32]);
            fee_scalars.extend_from_slice(&scalars);
            let topics = vec![refute_fault::system_config::CONFIG_UPDATE_TOPIC, B256::ZERO, B256::with_last_byte(1)];
            let log = Log { address: system_config, data: LogData::new_unchecked(topics, Bytes::from(fee_scalars)) };
            let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 1, logs: vec![log] };
            let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.into();
            vec![
                update_receipt(system_config, 2, word(&45_000_000u64.to_be_bytes())),
                Bytes::from(ReceiptEnvelope::Eip1559(with_bloom).encoded_2718()),
                update_receipt(system_config, 4, word(&[0, 0, 0, 50, 0, 0, 0, 4])),
                update_receipt(system_config, 5, operator_fee),
            ]
        });
        let b2 = &net.blocks[1];
        assert_eq!(b2.header.gas_limit, 45_000_000, "{fork}");
        let info = refute_fault::l1_info::parse_deposit(
            refute_fault::l1_info::L1InfoFormat::for_fork(fork).unwrap(),
            &b2.transactions[0],
        )
        .unwrap();
        assert_eq!((info.blob_base_fee_scalar, info.base_fee_scalar), (11, 13), "{fork}");
        if fork >= OpHardfork::Isthmus {
            assert_eq!((info.operator_fee_scalar, info.operator_fee_constant), (17, 19), "{fork}");
        }
        for (input, built) in [(&net.input_for_block_2, b2), (&net.input_for_block_3, &net.blocks[2])] {
            let outcome = refute_fault::run(input).unwrap_or_else(|e| panic!("{fork}: {e}"));
            assert_eq!(outcome.journal.computed_output_root, built.output_root, "{fork}");
            assert_eq!(outcome.derived.payload.gas_limit, 45_000_000, "{fork}");
            let params = outcome.derived.payload.eip1559_params;
            assert_eq!(params.map(|p| p.0), (fork >= OpHardfork::Holocene).then_some([0, 0, 0, 50, 0, 0, 0, 4]));
        }
    }
}

/// The blocks the derivation pipeline reads out of blobs.
fn reconstruct(config: &RollupConfig, blobs: &[Bytes]) -> pipeline::Reconstruction {
    let derive = DeriveConfig {
        chain_id: config.l2_chain_id,
        l2_genesis_time: config.genesis_l2_time,
        block_time: config.block_time,
    };
    let rules = PipelineConfig::at(derive, &config.forks, config.genesis_l2_time, config.channel_timeout_bedrock);
    let inputs: Vec<Input> =
        blobs.iter().map(|b| Input { l1_block: 102, kind: InputKind::OpBlob, data: b.clone() }).collect();
    pipeline::run(&inputs, &rules).unwrap()
}

#[test]
fn a_span_batch_decodes_to_the_blocks_of_its_singular_batches() {
    let net = devnet(OpHardfork::Isthmus);
    let config = &net.input_for_block_3.config;
    let batches: Vec<SingularBatch> = net.blocks.iter().take(3).map(|b| b.batch.clone()).collect();

    let span = span_batch(&batches, config, true).unwrap();
    assert_eq!(span.rel_timestamp, 2);
    assert_eq!(span.l1_origin_num, 101);
    assert_eq!(span.parent_check[..], batches[0].parent_hash[..20]);
    assert_eq!(span.l1_origin_check[..], batches[2].epoch_hash[..20]);
    assert_eq!(span.origin_bits, [true, true, false]);
    assert_eq!(span.block_tx_counts, [2, 3, 1]);
    // Its bytes decode back to the same batch (the decoder's offsets aside) and re-encode byte for byte.
    let bytes = span.encode();
    let decoded = RawSpanBatch::decode(&bytes, 0).unwrap();
    assert_eq!(decoded.encode(), bytes);
    assert_eq!(
        (decoded.origin_bits.clone(), decoded.block_tx_counts.clone()),
        (span.origin_bits, span.block_tx_counts)
    );

    // Through blob, frame, channel and batch decoding: the singular batches' blocks.
    let blob = |encoding| {
        let blobs = batch_blobs(&batches, [7; 16], encoding).unwrap();
        assert_eq!(blobs.len(), 1);
        vec![Bytes::from(blobs[0].clone())]
    };
    let from_span = reconstruct(config, &blob(BatchEncoding::Span { config, first_opens_epoch: true })).blocks;
    let from_singular = reconstruct(config, &blob(BatchEncoding::Singular)).blocks;
    assert_eq!(from_span.len(), 3);
    for (i, (span, single)) in from_span.iter().zip(&from_singular).enumerate() {
        assert_eq!(span.timestamp, single.timestamp, "block {}", i + 1);
        assert_eq!(span.l1_origin_number, single.l1_origin_number, "block {}", i + 1);
        assert_eq!(span.transactions, single.transactions, "block {}", i + 1);
        let batched: Vec<Vec<u8>> = batches[i].transactions.iter().map(|t| t.to_vec()).collect();
        assert_eq!(span.transactions, batched, "block {}", i + 1);
    }
    // Only the first block names its parent and only the last its L1 origin, by 20-byte prefixes.
    assert_eq!(from_span[0].parent_check, from_singular[0].parent_check[..20]);
    assert_eq!(from_span[2].l1_origin_check, from_singular[2].l1_origin_check[..20]);
    assert!(from_span[1].parent_check.is_empty() && from_span[1].l1_origin_check.is_empty());

    // The first origin bit is op-batcher's convention only: the blocks decode the same without it.
    let unset = span_batch(&batches, config, false).unwrap();
    let blocks = |b: &RawSpanBatch| {
        let derive = DeriveConfig {
            chain_id: config.l2_chain_id,
            l2_genesis_time: config.genesis_l2_time,
            block_time: config.block_time,
        };
        batch_blocks(&refute_da::batch::Batch::Span(b.clone()), 0, &derive).unwrap()
    };
    assert_eq!(blocks(&unset), blocks(&decoded));
}

/// One signed transaction of every type a span batch carries, for chain 901.
fn every_batchable_transaction() -> Vec<Bytes> {
    let key = key(0x33);
    let to = TxKind::Call(address!("00000000000000000000000000000000000c0de1"));
    let legacy = |chain_id: Option<u64>, to: TxKind, nonce: u64| {
        let tx = TxLegacy {
            chain_id,
            nonce,
            gas_price: 2 * GWEI,
            gas_limit: 60_000,
            to,
            value: U256::from(5),
            input: Bytes::from_static(b"\x60\x00"),
        };
        let sig = signed(&key, &tx);
        Bytes::from(TxEnvelope::Legacy(tx.into_signed(sig)).encoded_2718())
    };
    let access_list = AccessList(vec![AccessListItem {
        address: address!("00000000000000000000000000000000000ac1e5"),
        storage_keys: vec![B256::repeat_byte(1), B256::repeat_byte(2)],
    }]);
    let eip2930 = {
        let tx = TxEip2930 {
            chain_id: 901,
            nonce: 3,
            gas_price: 3 * GWEI,
            gas_limit: 70_000,
            to,
            value: U256::ZERO,
            access_list: access_list.clone(),
            input: Bytes::from_static(b"call"),
        };
        let sig = signed(&key, &tx);
        Bytes::from(TxEnvelope::Eip2930(tx.into_signed(sig)).encoded_2718())
    };
    let eip1559_create = {
        let tx = TxEip1559 {
            chain_id: 901,
            nonce: 4,
            gas_limit: 200_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            to: TxKind::Create,
            value: U256::from(ETHER),
            access_list,
            input: Bytes::from_static(b"\x60\x00\x60\x00\xf3"),
        };
        let sig = signed(&key, &tx);
        Bytes::from(TxEnvelope::Eip1559(tx.into_signed(sig)).encoded_2718())
    };
    let eip7702 = {
        let auth = Authorization {
            chain_id: U256::from(901),
            address: address!("0000000000000000000000000000000000de1e9a"),
            nonce: 7,
        };
        let (sig, recovery) = key.sign_prehash_recoverable(auth.signature_hash().as_slice()).unwrap();
        let (r, s) = sig.split_bytes();
        let auth_sig = Signature::new(U256::from_be_slice(&r), U256::from_be_slice(&s), recovery.is_y_odd());
        let tx = TxEip7702 {
            chain_id: 901,
            nonce: 6,
            gas_limit: 100_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            to: address!("00000000000000000000000000000000000c0de1"),
            value: U256::ZERO,
            access_list: AccessList::default(),
            authorization_list: vec![auth.into_signed(auth_sig)],
            input: Bytes::new(),
        };
        let sig = signed(&key, &tx);
        Bytes::from(TxEnvelope::Eip7702(tx.into_signed(sig)).encoded_2718())
    };
    vec![
        legacy(Some(901), to, 0),
        legacy(None, to, 1),
        legacy(Some(901), TxKind::Create, 2),
        eip2930,
        eip1559_create,
        eip7702,
    ]
}

#[test]
fn every_batchable_transaction_type_survives_a_span_batch() {
    let net = devnet(OpHardfork::Isthmus);
    let config = &net.input_for_block_3.config;
    let txs = every_batchable_transaction();
    let mut batches: Vec<SingularBatch> = net.blocks.iter().take(3).map(|b| b.batch.clone()).collect();
    // Split over the blocks, one block left empty: 4 + 0 + 2.
    batches[0].transactions = txs[..4].to_vec();
    batches[1].transactions = vec![];
    batches[2].transactions = txs[4..].to_vec();
    let span = span_batch(&batches, config, true).unwrap();
    assert_eq!(span.block_tx_counts, [4, 0, 2]);
    assert_eq!(span.txs.tx_types, [0, 0, 0, 1, 2, 4]);
    assert_eq!(span.txs.protected_bits, [true, false, true]);
    assert_eq!(span.txs.contract_creation_bits, [false, false, true, false, true, false]);
    assert_eq!(span.txs.tos.len(), 4);
    let decoded = RawSpanBatch::decode(&span.encode(), 0).unwrap();
    let derive = DeriveConfig { chain_id: 901, l2_genesis_time: config.genesis_l2_time, block_time: config.block_time };
    let blocks = batch_blocks(&refute_da::batch::Batch::Span(decoded), 0, &derive).unwrap();
    let got: Vec<Vec<Vec<u8>>> = blocks.iter().map(|b| b.transactions.clone()).collect();
    let want: Vec<Vec<Vec<u8>>> = batches.iter().map(|b| b.transactions.iter().map(|t| t.to_vec()).collect()).collect();
    assert_eq!(got, want, "every transaction rebuilt byte for byte");
    let timestamps: Vec<u64> = blocks.iter().map(|b| b.timestamp).collect();
    assert_eq!(timestamps, [L2_TIME + 2, L2_TIME + 4, L2_TIME + 6]);
}

#[test]
fn bad_span_batch_inputs_are_refused() {
    let net = devnet(OpHardfork::Isthmus);
    let config = &net.input_for_block_3.config;
    let batches: Vec<SingularBatch> = net.blocks.iter().map(|b| b.batch.clone()).collect();
    let refused = |batches: &[SingularBatch], config: &RollupConfig, what: &str| {
        let err = span_batch(batches, config, true).unwrap_err();
        assert!(matches!(err, FaultError::Sequencer(ref m) if m.contains(what)), "{what}: {err}");
        let Err(err) = batch_blobs(batches, [1; 16], BatchEncoding::Span { config, first_opens_epoch: true }) else {
            panic!("{what}: posted");
        };
        assert!(matches!(err, FaultError::Sequencer(_)), "{what}: {err}");
    };
    refused(&[], config, "no batches");

    // Not consecutive: a gap, the wrong order, a repeated block.
    refused(&[batches[0].clone(), batches[2].clone()], config, "does not follow batch 0");
    refused(&[batches[1].clone(), batches[0].clone()], config, "does not follow batch 0");
    refused(&[batches[0].clone(), batches[0].clone()], config, "does not follow batch 0");

    // L1 origins that skip an L1 block, go back, or change hash without changing number.
    let mut skip = batches.clone();
    skip[2].epoch_num = 103;
    refused(&skip, config, "neither batch 1's origin 101 nor the next");
    let mut back = batches.clone();
    back[2].epoch_num = 100;
    refused(&back, config, "neither batch 1's origin 101 nor the next");
    let mut forked = batches.clone();
    forked[2].epoch_hash = B256::repeat_byte(9);
    refused(&forked, config, "another hash");

    // Transactions a span batch cannot carry: a deposit, a blob transaction, another chain's, garbage.
    let mut deposit = batches.clone();
    deposit[1].transactions.push(Bytes::from_static(b"\x7e\xc0"));
    refused(&deposit, config, "batch 1 transaction 3 is a deposit");
    let blob_tx = {
        let tx = TxEip4844 { chain_id: 901, to: Address::ZERO, ..Default::default() };
        let sig = signed(&key(0x11), &tx);
        Bytes::from(TxEnvelope::Eip4844(TxEip4844Variant::TxEip4844(tx).into_signed(sig)).encoded_2718())
    };
    let mut blob = batches.clone();
    blob[0].transactions = vec![blob_tx];
    refused(&blob, config, "cannot go into a span batch");
    let mut other_chain = batches.clone();
    other_chain[2].transactions = vec![transfer(&key(0x11), 902, 0, Address::ZERO)];
    refused(&other_chain, config, "chain id 902 is not the rollup's 901");
    let mut garbage = batches.clone();
    garbage[0].transactions = vec![Bytes::from_static(b"\x02\x01\x02")];
    refused(&garbage, config, "batch 0");

    // Times the span batch cannot express: before L2 genesis, or before Delta.
    let mut early = batches.clone();
    early[0].timestamp = L2_TIME - 1;
    refused(&early[..1], config, "before L2 genesis");
    let mut pre_delta = config.clone();
    pre_delta.forks = OpForkSchedule { delta: None, ..OpForkSchedule::active_through(OpHardfork::Canyon) };
    refused(&batches, &pre_delta, "need Delta");

    // The singular encoding takes the same inputs as they are (it does not check them).
    assert_eq!(batch_blobs(&skip, [1; 16], BatchEncoding::Singular).unwrap().len(), 1);
}

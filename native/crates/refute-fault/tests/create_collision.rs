//! EIP-7610 on the OP path: a CREATE at an address that has storage but no
//! nonce and no code collides. revm checks only nonce and code; refute runs a
//! transaction without inspector hooks unless it read such an account, and then
//! again with the storage check. These blocks are built by the devnet
//! sequencer, which executes them with the shared OP executor.
#![allow(clippy::unwrap_used)]

use alloy_consensus::{Header, SignableTransaction, TxEip1559, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{address, bytes, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_trie::EMPTY_ROOT_HASH;
use k256::ecdsa::SigningKey;
use refute_fault::{
    generate::{address_of, sign},
    sequencer::{build_block, first_block_info, genesis, BlockRequest, BuiltBlock, ChainParams},
};
use refute_forks::OpHardfork;
use refute_stf::prestate::{FullAccount, FullState};

const GWEI: u128 = 1_000_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;
const L2_TIME: u64 = 1_800_000_000;
const CREATE_GAS: u64 = 200_000;
/// Init code: `SSTORE(0, 0x2a)`, then return empty runtime code.
const INIT_CODE: Bytes = bytes!("602a60005560006000f3");
/// The slot the pre-existing storage of the colliding address holds.
const OLD_VALUE: u64 = 0x11;

fn user() -> SigningKey {
    SigningKey::from_bytes(&[0x11; 32].into()).unwrap()
}

/// Where the user's first CREATE deploys.
fn target() -> Address {
    address_of(&user()).create(0)
}

fn signed(tx: TxEip1559) -> Bytes {
    let signature = sign(&user(), &tx).unwrap();
    Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718())
}

fn user_tx(to: TxKind, value: U256, input: Bytes, gas_limit: u64) -> Bytes {
    signed(TxEip1559 {
        chain_id: 901,
        nonce: 0,
        gas_limit,
        max_fee_per_gas: 10 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to,
        value,
        input,
        ..Default::default()
    })
}

fn create() -> Bytes {
    user_tx(TxKind::Create, U256::ZERO, INIT_CODE, CREATE_GAS)
}

/// A storage-only account: no nonce, no balance, no code, one slot set.
fn storage_only() -> FullAccount {
    FullAccount { storage: [(U256::ZERO, U256::from(OLD_VALUE))].into(), ..Default::default() }
}

/// Block 1 of an Isthmus chain whose genesis holds the user (100 ETH), the
/// message passer and `extra`, with `transactions` batched after the L1-info deposit.
fn block_1(extra: Option<(Address, FullAccount)>, transactions: Vec<Bytes>) -> BuiltBlock {
    let l1_genesis = Header {
        parent_hash: B256::repeat_byte(0x42),
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: keccak256(100u64.to_be_bytes()),
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        number: 100,
        gas_limit: 30_000_000,
        timestamp: L2_TIME - 12,
        base_fee_per_gas: Some(7),
        withdrawals_root: Some(EMPTY_ROOT_HASH),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(0),
        parent_beacon_block_root: Some(B256::repeat_byte(0xbe)),
        requests_hash: Some(alloy_eips::eip7685::EMPTY_REQUESTS_HASH),
        ..Default::default()
    };
    let params = ChainParams {
        fork: OpHardfork::Isthmus,
        l1_chain_id: 900,
        l2_chain_id: 901,
        l1_genesis: l1_genesis.clone(),
        genesis_time: L2_TIME,
        block_time: 2,
        gas_limit: 30_000_000,
        batcher: address!("ba7c000000000000000000000000000000000ba7"),
        batch_inbox: address!("ff00000000000000000000000000000000000901"),
        deposit_contract: address!("de9051700000000000000000000000000000de90"),
        system_config: address!("5c5c000000000000000000000000000000005c5c"),
        base_fee_scalar: 1368,
        blob_base_fee_scalar: 810_949,
    };
    let mut alloc = FullState::default();
    alloc.accounts.insert(address_of(&user()), FullAccount { balance: U256::from(100 * ETHER), ..Default::default() });
    let passer = FullAccount { storage: [(U256::from(1), U256::from(7))].into(), ..Default::default() };
    alloc.accounts.insert(refute_stf::chain::MESSAGE_PASSER, passer);
    alloc.accounts.extend(extra);
    let genesis = genesis(&params, &alloc).unwrap();
    let request = BlockRequest {
        config: genesis.config.clone(),
        pre_state: alloc,
        ancestors: vec![genesis.header.clone()],
        parent_transactions: Vec::new(),
        origin: l1_genesis,
        origin_receipts: Vec::new(),
        transactions,
    };
    build_block(&request, Some(&first_block_info(&params).unwrap())).unwrap()
}

/// Gas the block's batched transactions used (the block's, less its L1-info deposit's).
fn user_gas(block: &BuiltBlock, extra: Option<(Address, FullAccount)>) -> u64 {
    block.header.gas_used - block_1(extra, Vec::new()).header.gas_used
}

fn account(block: &BuiltBlock, address: Address) -> Option<&FullAccount> {
    block.post_state.accounts.get(&address)
}

#[test]
fn a_create_at_an_address_with_storage_collides_and_consumes_its_gas() {
    let colliding = Some((target(), storage_only()));
    let block = block_1(colliding.clone(), vec![create()]);
    assert_eq!(account(&block, target()), Some(&storage_only()), "the colliding address is left as it was");
    assert_eq!(account(&block, address_of(&user())).unwrap().nonce, 1, "the creator's nonce is spent");
    assert_eq!(user_gas(&block, colliding), CREATE_GAS, "a collision consumes all the gas given");
}

#[test]
fn the_same_create_on_a_fresh_address_deploys() {
    let block = block_1(None, vec![create()]);
    let deployed = account(&block, target()).unwrap();
    assert_eq!((deployed.nonce, deployed.storage.get(&U256::ZERO)), (1, Some(&U256::from(0x2a))));
    assert!(user_gas(&block, None) < CREATE_GAS);
}

#[test]
fn a_transaction_that_only_reads_such_an_account_runs_once_in_effect() {
    // A value transfer to the storage-only account marks it read, so the transaction runs a
    // second time with the collision check; the first run's changes must not count as well.
    let extra = Some((target(), storage_only()));
    let value = U256::from(ETHER / 10);
    let block = block_1(extra.clone(), vec![user_tx(TxKind::Call(target()), value, Bytes::new(), 21_000)]);
    let receiver = account(&block, target()).unwrap();
    assert_eq!((receiver.balance, &receiver.storage), (value, &storage_only().storage));
    assert_eq!(account(&block, address_of(&user())).unwrap().nonce, 1);
    assert_eq!(user_gas(&block, extra), 21_000);
}

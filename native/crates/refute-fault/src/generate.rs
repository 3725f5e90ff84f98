//! The chain-fixture generator: a small OP Stack chain and its L1, built so the
//! fault program has something real to prove.
//!
//! L2: a genesis state, block 1 (the agreed block) and block 2 (the disputed
//! one), each built from payload attributes and executed by the shared OP
//! executor (`op-revm` through `alloy-op-evm`), so every state root, receipt
//! root and block hash is the executor's. L1: five headers linked by parent
//! hash, with consistent transaction and receipt roots: block 2's L1 origin
//! holds a deposit (a `TransactionDeposited` log of the deposit contract) and a
//! later block holds the batcher's blob transaction carrying block 2's batch
//! (singular batch → zlib channel → one frame → OP blob encoding; the
//! commitment and versioned hash by `c-kzg` with the Ethereum trusted setup).
//! L1 headers are built, not executed: no L1 state root is claimed to be
//! meaningful, only the links and roots derivation reads.
//!
//! A proposer that claims a wrong root for block 2 completes the fixture.

use alloc::{collections::BTreeMap, format, vec, vec::Vec};

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, SignableTransaction, TxEip1559, TxEip4844,
    TxEip4844Variant, TxEnvelope, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::{eip2718::Encodable2718, eip7685::EMPTY_REQUESTS_HASH};
use alloy_primitives::{address, keccak256, Address, Bytes, Log, LogData, Signature, TxKind, B256, B64, U256};
use alloy_trie::{root::ordered_trie_root_with_encoder, EMPTY_ROOT_HASH};
use k256::ecdsa::SigningKey;
use refute_da::{
    batch::SingularBatch,
    frame::{encode_frames, Frame},
};
use refute_forks::{OpForkSchedule, OpHardfork};
use refute_stf::{
    mpt::NodeStore,
    op::{execute_payload, OpPayload},
    prestate::{apply_changes, FullAccount, FullState},
    Witness,
};

use crate::{
    agreed::message_passer_root,
    config::{BlobFeeStep, RollupConfig, CONFIG_VERSION},
    deposits::{user_deposits, DEPOSIT_EVENT_TOPIC},
    derivation::SEQUENCER_FEE_VAULT,
    error::{FaultError, FaultResult},
    input::{FaultInput, OutputPreimage, INPUT_VERSION},
    l1::{BlockReceipts, BlockTransactions},
    l1_info::{L1Info, L1InfoFormat},
    sequencer::{batch_blobs, blob_commitment, BatchEncoding},
};

/// The devnet's L2 chain ID.
pub const L2_CHAIN_ID: u64 = 901;
/// The devnet's L1 chain ID.
pub const L1_CHAIN_ID: u64 = 900;
/// The batch inbox (op-deployer's convention: `0xff00…` ‖ chain ID).
pub const BATCH_INBOX: Address = address!("ff00000000000000000000000000000000000901");
/// The deposit contract (`OptimismPortal`) address on the devnet L1.
pub const DEPOSIT_CONTRACT: Address = address!("de9051700000000000000000000000000000de90");
/// The system config contract address on the devnet L1.
pub const SYSTEM_CONFIG: Address = address!("5c5c000000000000000000000000000000005c5c");
/// L2 genesis time.
pub const GENESIS_TIME: u64 = 1_750_000_000;
/// EIP-7691 (Prague) blob base fee update fraction.
pub const PRAGUE_BLOB_UPDATE_FRACTION: u64 = 5_007_716;
const GAS_LIMIT: u64 = 30_000_000;
const GWEI: u128 = 1_000_000_000;
const ETHER: u128 = 1_000_000_000_000_000_000;

/// The kind of user transaction the disputed block is filled with (the `refute bench` workloads).
///
/// Contracts are small hand-written EVM programs (see [`token_runtime`],
/// [`storage_runtime`], [`precompile_runtime`]), placed in the L2 genesis state
/// only for the workloads that call them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Workload {
    /// Plain ETH transfers to fresh accounts (21 000 gas each).
    #[default]
    EthTransfer,
    /// ERC-20 `transfer(address,uint256)` of a token to fresh holders (two balance writes and a `Transfer` log).
    Erc20Transfer,
    /// Contract creations deploying the token's runtime code.
    Deployment,
    /// Calls that each write [`STORAGE_SLOTS_PER_CALL`] fresh storage slots.
    StorageHeavy,
    /// Calls that each run `ecrecover`, `sha256` and BN254 `ecMul` through the precompiles.
    PrecompileHeavy,
}

impl Workload {
    /// Every workload, in the order benchmarks report them.
    pub const ALL: [Workload; 5] = [
        Workload::EthTransfer,
        Workload::Erc20Transfer,
        Workload::Deployment,
        Workload::StorageHeavy,
        Workload::PrecompileHeavy,
    ];

    /// The workload's name in options and reports.
    pub fn name(self) -> &'static str {
        match self {
            Workload::EthTransfer => "eth_transfer",
            Workload::Erc20Transfer => "erc20_transfer",
            Workload::Deployment => "deployment",
            Workload::StorageHeavy => "storage_heavy",
            Workload::PrecompileHeavy => "precompile_heavy",
        }
    }

    /// The workload named `name`, if any.
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The gas limit of one transaction of this kind (each stays well under it).
    fn gas_limit(self) -> u64 {
        match self {
            Workload::EthTransfer => 21_000,
            Workload::Erc20Transfer | Workload::PrecompileHeavy => 100_000,
            Workload::Deployment => 200_000,
            Workload::StorageHeavy => 300_000,
        }
    }
}

/// Fresh slots each storage-heavy call writes.
pub const STORAGE_SLOTS_PER_CALL: u64 = 10;
/// The token contract of the ERC-20 workload.
pub const TOKEN: Address = address!("0000000000000000000000000000000000070c00");
/// The contract of the storage-heavy workload.
pub const STORAGE_CONTRACT: Address = address!("0000000000000000000000000000000000057000");
/// The contract of the precompile-heavy workload.
pub const PRECOMPILE_CONTRACT: Address = address!("00000000000000000000000000000000000bc000");
/// The most transactions one generated block may batch.
pub const MAX_TRANSACTIONS: usize = 1_000;

/// What the generator is asked for.
#[derive(Debug, Clone)]
pub struct ExampleOptions {
    /// Batched user transactions in the disputed block (besides the L1-info deposit and one user deposit).
    pub transactions: usize,
    /// What those transactions do.
    pub workload: Workload,
    /// The journal's payout recipient.
    pub payout: Address,
    /// The fork every block runs under (active from genesis).
    pub fork: OpHardfork,
    /// Post, in the L1 block after the agreed block's origin, batcher calldata
    /// carrying a later frame of a channel opened before it (as when a channel's
    /// frames straddle the start of the data read), so the input must start at
    /// [`crate::window::full_start`] instead.
    pub stray_frame: bool,
}

impl Default for ExampleOptions {
    fn default() -> Self {
        ExampleOptions {
            transactions: 10,
            workload: Workload::EthTransfer,
            payout: address!("00000000000000000000000000000000c0ffee01"),
            fork: OpHardfork::Isthmus,
            stray_frame: false,
        }
    }
}

/// A generated fixture.
#[derive(Debug, Clone)]
pub struct Example {
    pub input: FaultInput,
    /// Block 2's output root by the executor.
    pub true_output_root: B256,
    /// What the faulty proposer claims for block 2.
    pub claimed_output_root: B256,
    /// The KZG commitment of each blob (48 bytes), in input order.
    pub commitments: Vec<Vec<u8>>,
}

fn gen_err(what: impl core::fmt::Display) -> FaultError {
    FaultError::Generate(format!("{what}"))
}

fn key(seed: u8) -> FaultResult<SigningKey> {
    SigningKey::from_bytes(&[seed; 32].into()).map_err(gen_err)
}

/// The Ethereum address of `key`.
pub fn address_of(key: &SigningKey) -> Address {
    let point = key.verifying_key().to_encoded_point(false);
    Address::from_raw_public_key(&point.as_bytes()[1..])
}

/// `key`'s recoverable signature of `tx`'s signature hash.
pub fn sign<T: SignableTransaction<Signature>>(key: &SigningKey, tx: &T) -> FaultResult<Signature> {
    let (sig, recovery) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).map_err(gen_err)?;
    let (r, s) = sig.split_bytes();
    Ok(Signature::new(U256::from_be_slice(&r), U256::from_be_slice(&s), recovery.is_y_odd()))
}

fn transfer(key: &SigningKey, chain_id: u64, nonce: u64, to: Address, value: u128) -> FaultResult<Bytes> {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 10 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to: TxKind::Call(to),
        value: U256::from(value),
        ..Default::default()
    };
    let signature = sign(key, &tx)?;
    Ok(Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718()))
}

/// A signed EIP-1559 transaction from `key` (call or creation).
fn signed_call(key: &SigningKey, nonce: u64, to: TxKind, gas_limit: u64, input: Vec<u8>) -> FaultResult<Bytes> {
    let tx = TxEip1559 {
        chain_id: L2_CHAIN_ID,
        nonce,
        gas_limit,
        max_fee_per_gas: 10 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to,
        input: Bytes::from(input),
        ..Default::default()
    };
    let signature = sign(key, &tx)?;
    Ok(Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718()))
}

// EVM opcodes the hand-written contracts use.
const ADD: u8 = 0x01;
const SUB: u8 = 0x03;
const LT: u8 = 0x10;
const CALLER: u8 = 0x33;
const CALLDATALOAD: u8 = 0x35;
const CALLDATASIZE: u8 = 0x36;
const CALLDATACOPY: u8 = 0x37;
const CODECOPY: u8 = 0x39;
const POP: u8 = 0x50;
const MSTORE: u8 = 0x52;
const SLOAD: u8 = 0x54;
const SSTORE: u8 = 0x55;
const JUMPI: u8 = 0x57;
const GAS: u8 = 0x5a;
const JUMPDEST: u8 = 0x5b;
const PUSH1: u8 = 0x60;
const PUSH2: u8 = 0x61;
const PUSH32: u8 = 0x7f;
const DUP1: u8 = 0x80;
const DUP2: u8 = 0x81;
const DUP3: u8 = 0x82;
const SWAP1: u8 = 0x90;
const LOG0: u8 = 0xa0;
const LOG3: u8 = 0xa3;
const RETURN: u8 = 0xf3;
const STATICCALL: u8 = 0xfa;
const REVERT: u8 = 0xfd;

/// `transfer(address,uint256)`'s selector.
const TRANSFER_SELECTOR: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];

/// The token's runtime: `transfer(to, amount)` moves `amount` from the caller's
/// balance (storage slot = holder address) to `to`'s, reverts when the balance
/// is short, logs `Transfer(caller, to, amount)` and returns `true`. It reads
/// only the two arguments (no selector dispatch): the workload calls nothing else.
pub fn token_runtime() -> Vec<u8> {
    let topic = keccak256("Transfer(address,address,uint256)");
    let mut code = vec![PUSH1, 0x04, CALLDATALOAD, PUSH1, 0x24, CALLDATALOAD, CALLER, SLOAD, DUP2, DUP2, LT, PUSH2];
    let revert_at = code.len();
    code.extend_from_slice(&[0, 0, JUMPI]);
    code.extend_from_slice(&[DUP2, SWAP1, SUB, CALLER, SSTORE]); // caller's balance -= amount
    code.extend_from_slice(&[DUP1, DUP3, SLOAD, ADD, DUP3, SSTORE]); // to's balance += amount
    code.extend_from_slice(&[PUSH1, 0, MSTORE, CALLER, PUSH32]);
    code.extend_from_slice(topic.as_slice());
    code.extend_from_slice(&[PUSH1, 0x20, PUSH1, 0, LOG3]);
    code.extend_from_slice(&[PUSH1, 1, PUSH1, 0, MSTORE, PUSH1, 0x20, PUSH1, 0, RETURN]);
    let target = code.len() as u16;
    code[revert_at..revert_at + 2].copy_from_slice(&target.to_be_bytes());
    code.extend_from_slice(&[JUMPDEST, PUSH1, 0, DUP1, REVERT]);
    code
}

/// The storage-heavy contract's runtime: writes `i + 1` to slot `base + i` for
/// `i` below [`STORAGE_SLOTS_PER_CALL`], `base` being the first calldata word.
pub fn storage_runtime() -> Vec<u8> {
    let mut code = Vec::new();
    for i in 0..STORAGE_SLOTS_PER_CALL as u8 {
        code.extend_from_slice(&[PUSH1, i + 1, PUSH1, 0, CALLDATALOAD, PUSH1, i, ADD, SSTORE]);
    }
    code
}

/// The precompile-heavy contract's runtime: copies the calldata (128 bytes of
/// `ecrecover` input, then 96 bytes of BN254 `ecMul` input) to memory, calls
/// `ecrecover` (0x01) and `sha256` (0x02) on the first 128 bytes and `ecMul`
/// (0x07) on the rest, logs the recovered address (zero when there is none)
/// and returns it. The log puts each recovery's result in the receipts, so the
/// block hash, and with it the output root, depends on it: a guest that
/// recovered differently from the host would compute another root.
pub fn precompile_runtime() -> Vec<u8> {
    let mut code = vec![CALLDATASIZE, PUSH1, 0, DUP1, CALLDATACOPY];
    // STATICCALL(gas, address, args offset, args size, return offset, return size)
    for (address, args_offset, args_size, ret_offset, ret_size) in
        [(1u8, 0u8, 128u8, 0xe0u16, 32u8), (2, 0, 128, 0x100, 32), (7, 128, 96, 0x120, 64)]
    {
        code.extend_from_slice(&[PUSH1, ret_size, PUSH2]);
        code.extend_from_slice(&ret_offset.to_be_bytes());
        code.extend_from_slice(&[PUSH1, args_size, PUSH1, args_offset, PUSH1, address, GAS, STATICCALL, POP]);
    }
    code.extend_from_slice(&[PUSH1, 0x20, PUSH1, 0xe0, LOG0, PUSH1, 0x20, PUSH1, 0xe0, RETURN]);
    code
}

/// Creation code returning `runtime` (at most 255 bytes).
fn init_code(runtime: &[u8]) -> FaultResult<Vec<u8>> {
    let len = u8::try_from(runtime.len()).map_err(|_| gen_err("runtime code longer than 255 bytes"))?;
    let mut code = vec![PUSH1, len, PUSH1, 12, PUSH1, 0, CODECOPY, PUSH1, len, PUSH1, 0, RETURN];
    code.extend_from_slice(runtime);
    Ok(code)
}

/// The `i`-th user transaction of `workload` in the disputed block, with nonce `nonce`.
fn workload_transaction(workload: Workload, key: &SigningKey, nonce: u64, i: u64) -> FaultResult<Bytes> {
    let fresh = Address::left_padding_from(&(0xa000 + i).to_be_bytes());
    let gas = workload.gas_limit();
    match workload {
        Workload::EthTransfer => transfer(key, L2_CHAIN_ID, nonce, fresh, ETHER / 100),
        Workload::Erc20Transfer => {
            let mut input = TRANSFER_SELECTOR.to_vec();
            input.extend_from_slice(fresh.into_word().as_slice());
            input.extend_from_slice(&U256::from(1_000 + i).to_be_bytes::<32>());
            signed_call(key, nonce, TxKind::Call(TOKEN), gas, input)
        }
        Workload::Deployment => signed_call(key, nonce, TxKind::Create, gas, init_code(&token_runtime())?),
        Workload::StorageHeavy => {
            let base = U256::from(i) * U256::from(STORAGE_SLOTS_PER_CALL);
            signed_call(key, nonce, TxKind::Call(STORAGE_CONTRACT), gas, base.to_be_bytes::<32>().to_vec())
        }
        Workload::PrecompileHeavy => {
            let mut input = ecrecover_input(key, i)?.to_vec();
            // BN254 generator (1, 2) times i + 1.
            input.extend_from_slice(&U256::from(1).to_be_bytes::<32>());
            input.extend_from_slice(&U256::from(2).to_be_bytes::<32>());
            input.extend_from_slice(&U256::from(i + 1).to_be_bytes::<32>());
            signed_call(key, nonce, TxKind::Call(PRECOMPILE_CONTRACT), gas, input)
        }
    }
}

/// The `ecrecover` input (hash, v, r, s) of the precompile-heavy call number
/// `i`: a signature of `keccak256(i)` by `key`, except that every third call
/// from the second on is built so that `u1·G + u2·R` meets equal operands and
/// every third from the third on opposite ones, which recovery must settle
/// exactly (a doubling; the point at infinity, so no address).
///
/// With R = k·G for a small k, u₂ = s/r and u₁ = −z/r: s = u₂·r and
/// z = −u₁·r (mod n) give u₁·G + u₂·R = (u₁ + u₂·k)·G, which is 2·u₂·k·G for
/// u₁ = u₂·k and infinity for u₁ = −u₂·k.
fn ecrecover_input(key: &SigningKey, i: u64) -> FaultResult<[u8; 128]> {
    use k256::elliptic_curve::{sec1::ToEncodedPoint, PrimeField};
    use k256::{ProjectivePoint, Scalar};
    let mut out = [0u8; 128];
    if i.is_multiple_of(3) {
        let hash = keccak256(i.to_be_bytes());
        let (sig, recovery) = key.sign_prehash_recoverable(hash.as_slice()).map_err(gen_err)?;
        out[..32].copy_from_slice(hash.as_slice());
        out[63] = 27 + recovery.to_byte();
        out[64..].copy_from_slice(&sig.to_bytes());
        return Ok(out);
    }
    let k = 2 + i;
    let r_point = (ProjectivePoint::GENERATOR * Scalar::from(k)).to_affine().to_encoded_point(false);
    let (x, y) = (
        r_point.x().ok_or_else(|| gen_err("k·G at infinity"))?,
        r_point.y().ok_or_else(|| gen_err("k·G at infinity"))?,
    );
    let r = Option::<Scalar>::from(Scalar::from_repr(*x)).ok_or_else(|| gen_err("x(k·G) is not below n"))?;
    let u2 = Scalar::from(1 + i);
    let u1 = if i % 3 == 1 { u2 * Scalar::from(k) } else { -(u2 * Scalar::from(k)) };
    let s = u2 * r;
    let z = -(u1 * r);
    out[..32].copy_from_slice(&z.to_bytes());
    out[63] = 27 + (y[31] & 1);
    out[64..96].copy_from_slice(x);
    out[96..].copy_from_slice(&s.to_bytes());
    Ok(out)
}

/// The L2 block gas limit: the devnet's 30 M, raised when the batched
/// transactions' gas limits (plus deposits) need more.
fn l2_gas_limit(options: &ExampleOptions) -> u64 {
    let batched = options.workload.gas_limit().saturating_mul(options.transactions as u64);
    GAS_LIMIT.max(batched.saturating_add(5_000_000))
}

fn ordered_root(items: &[Bytes]) -> B256 {
    ordered_trie_root_with_encoder(items, |item: &Bytes, buf: &mut Vec<u8>| buf.extend_from_slice(item))
}

/// One L1 block: header fields derivation reads, with roots over its lists.
struct L1BlockSpec {
    number: u64,
    timestamp: u64,
    transactions: Vec<Bytes>,
    receipts: Vec<Bytes>,
    blob_gas_used: u64,
}

fn l1_header(parent: B256, block: &L1BlockSpec) -> Header {
    let seed = keccak256(block.number.to_be_bytes());
    Header {
        parent_hash: parent,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: Address::ZERO,
        state_root: keccak256([seed.as_slice(), b"state"].concat()),
        transactions_root: ordered_root(&block.transactions),
        receipts_root: ordered_root(&block.receipts),
        number: block.number,
        gas_limit: GAS_LIMIT,
        gas_used: 21_000 * block.transactions.len() as u64,
        timestamp: block.timestamp,
        mix_hash: keccak256([seed.as_slice(), b"randao"].concat()),
        base_fee_per_gas: Some(GWEI as u64),
        withdrawals_root: Some(EMPTY_ROOT_HASH),
        blob_gas_used: Some(block.blob_gas_used),
        excess_blob_gas: Some(0),
        parent_beacon_block_root: Some(keccak256([seed.as_slice(), b"beacon"].concat())),
        requests_hash: Some(EMPTY_REQUESTS_HASH),
        ..Default::default()
    }
}

fn receipt(cumulative_gas_used: u64, logs: Vec<Log>, eip1559: bool) -> Bytes {
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used, logs };
    let with_bloom: ReceiptWithBloom<Receipt<Log>> = receipt.into();
    let envelope = if eip1559 { ReceiptEnvelope::Eip1559(with_bloom) } else { ReceiptEnvelope::Eip4844(with_bloom) };
    Bytes::from(envelope.encoded_2718())
}

/// The batcher's calldata transaction carrying frame 1 (the last) of a channel
/// whose frame 0 was posted before the L1 data the program reads.
fn stray_frame_transaction(batcher_key: &SigningKey) -> FaultResult<Bytes> {
    let frame =
        Frame { channel_id: [0x3c; 16], number: 1, data: b"the rest of an earlier channel".to_vec(), is_last: true };
    let tx = TxEip1559 {
        chain_id: L1_CHAIN_ID,
        gas_limit: 21_000,
        max_fee_per_gas: 10 * GWEI,
        max_priority_fee_per_gas: GWEI,
        to: TxKind::Call(BATCH_INBOX),
        input: encode_frames(&[frame]).into(),
        ..Default::default()
    };
    let signature = sign(batcher_key, &tx)?;
    Ok(Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718()))
}

/// The data of a `TransactionDeposited` log as `OptimismPortal` emits it: ABI
/// `bytes` (offset word, length word) holding the packed opaque data (mint,
/// value, gas, creation flag, calldata), zero-padded to a whole word.
pub fn deposit_log_data(mint: U256, value: U256, gas: u64, is_creation: bool, calldata: &[u8]) -> Vec<u8> {
    let mut opaque = Vec::new();
    opaque.extend_from_slice(&mint.to_be_bytes::<32>());
    opaque.extend_from_slice(&value.to_be_bytes::<32>());
    opaque.extend_from_slice(&gas.to_be_bytes());
    opaque.push(u8::from(is_creation));
    opaque.extend_from_slice(calldata);
    let mut data = Vec::new();
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(opaque.len()).to_be_bytes::<32>());
    data.extend_from_slice(&opaque);
    data.resize(64 + opaque.len().div_ceil(32) * 32, 0);
    data
}

/// A `TransactionDeposited` log: `from` deposits `mint`, sends `value` to `to`.
fn deposit_log(from: Address, to: Address, mint: u128, value: u128, gas: u64) -> Log {
    let data = deposit_log_data(U256::from(mint), U256::from(value), gas, false, &[]);
    let topics = vec![DEPOSIT_EVENT_TOPIC, from.into_word(), to.into_word(), B256::ZERO];
    Log { address: DEPOSIT_CONTRACT, data: LogData::new_unchecked(topics, Bytes::from(data)) }
}

/// The devnet's rollup configuration.
pub fn devnet_config(fork: OpHardfork, genesis_l1: (u64, B256), genesis_l2: B256, batcher: Address) -> RollupConfig {
    RollupConfig {
        version: CONFIG_VERSION,
        l2_chain_id: L2_CHAIN_ID,
        l1_chain_id: L1_CHAIN_ID,
        genesis_l1_hash: genesis_l1.1,
        genesis_l1_number: genesis_l1.0,
        genesis_l2_hash: genesis_l2,
        genesis_l2_number: 0,
        genesis_l2_time: GENESIS_TIME,
        block_time: 2,
        max_sequencer_drift: 600,
        seq_window_size: 3600,
        channel_timeout_bedrock: 300,
        batch_inbox: BATCH_INBOX,
        batcher,
        deposit_contract: DEPOSIT_CONTRACT,
        system_config: SYSTEM_CONFIG,
        forks: OpForkSchedule::active_through(fork),
        eip1559_elasticity: 6,
        eip1559_denominator: 50,
        eip1559_denominator_canyon: 250,
        l1_blob_schedule: vec![BlobFeeStep { time: 0, update_fraction: PRAGUE_BLOB_UPDATE_FRACTION }],
    }
}

/// The L2 genesis state: a funded user, the message passer with one
/// withdrawal recorded (so its storage root is not the empty root), and the
/// contract `workload` calls, if any (the token with the user's balance).
fn genesis_state(user: Address, workload: Workload) -> FullState {
    let mut accounts = BTreeMap::new();
    accounts.insert(user, FullAccount { balance: U256::from(1_000 * ETHER), ..Default::default() });
    let contract = |code: Vec<u8>| FullAccount { nonce: 1, code: Bytes::from(code), ..Default::default() };
    match workload {
        Workload::EthTransfer | Workload::Deployment => {}
        Workload::Erc20Transfer => {
            let mut token = contract(token_runtime());
            token.storage.insert(U256::from_be_slice(user.as_slice()), U256::from(1_000_000 * ETHER));
            accounts.insert(TOKEN, token);
        }
        Workload::StorageHeavy => {
            accounts.insert(STORAGE_CONTRACT, contract(storage_runtime()));
        }
        Workload::PrecompileHeavy => {
            accounts.insert(PRECOMPILE_CONTRACT, contract(precompile_runtime()));
        }
    }
    let mut passer = FullAccount::default();
    passer.storage.insert(U256::from(1), U256::from(0x5eed));
    accounts.insert(refute_stf::chain::MESSAGE_PASSER, passer);
    FullState { accounts }
}

fn genesis_header(state_root: B256, passer_root: B256, config_fork: OpHardfork, gas_limit: u64) -> Header {
    let holocene = OpForkSchedule::active_through(config_fork).is_active(OpHardfork::Holocene, GENESIS_TIME);
    // Holocene's extraData: version 0, denominator (Canyon), elasticity.
    let extra = if holocene { [&[0u8][..], &250u32.to_be_bytes(), &6u32.to_be_bytes()].concat() } else { Vec::new() };
    Header {
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root,
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        number: 0,
        gas_limit,
        timestamp: GENESIS_TIME,
        extra_data: Bytes::from(extra),
        base_fee_per_gas: Some(GWEI as u64),
        withdrawals_root: Some(passer_root),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(0),
        parent_beacon_block_root: Some(B256::ZERO),
        requests_hash: Some(EMPTY_REQUESTS_HASH),
        nonce: B64::ZERO,
        ..Default::default()
    }
}

/// Builds the chain and the fault-program input for block 2.
pub fn example(options: &ExampleOptions) -> FaultResult<Example> {
    let user_key = key(0x11)?;
    let batcher_key = key(0x22)?;
    let depositor_key = key(0x33)?;
    let user = address_of(&user_key);
    let batcher = address_of(&batcher_key);
    let depositor = address_of(&depositor_key);
    let format = L1InfoFormat::for_fork(options.fork)?;
    if options.transactions > MAX_TRANSACTIONS {
        return Err(gen_err(format!(
            "{} transactions asked for; the generator batches at most {MAX_TRANSACTIONS}",
            options.transactions
        )));
    }
    let gas_limit = l2_gas_limit(options);

    // L1: A (origin of block 1), B (origin of block 2, with a deposit), C (the
    // batcher's blob transaction), D (the head), after a first block L0.
    let a_number = 101;
    let mut l1 = vec![
        L1BlockSpec {
            number: 100,
            timestamp: GENESIS_TIME - 22,
            transactions: vec![],
            receipts: vec![],
            blob_gas_used: 0,
        },
        L1BlockSpec {
            number: a_number,
            timestamp: GENESIS_TIME - 10,
            transactions: vec![],
            receipts: vec![],
            blob_gas_used: 0,
        },
    ];
    let deposit_tx = {
        let tx = TxEip1559 {
            chain_id: L1_CHAIN_ID,
            gas_limit: 120_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            to: TxKind::Call(DEPOSIT_CONTRACT),
            value: U256::from(ETHER),
            ..Default::default()
        };
        let signature = sign(&depositor_key, &tx)?;
        Bytes::from(TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718())
    };
    let recipient = address!("00000000000000000000000000000000000d0d02");
    let log = deposit_log(depositor, recipient, ETHER, ETHER / 2, 100_000);
    let mut transactions = vec![deposit_tx];
    let mut receipts = vec![receipt(120_000, vec![log], true)];
    if options.stray_frame {
        transactions.push(stray_frame_transaction(&batcher_key)?);
        receipts.push(receipt(120_000 + 21_000, vec![], true));
    }
    l1.push(L1BlockSpec {
        number: a_number + 1,
        timestamp: GENESIS_TIME + 2,
        transactions,
        receipts,
        blob_gas_used: 0,
    });
    let mut headers: Vec<Header> = Vec::new();
    let mut parent = B256::repeat_byte(0x99);
    for block in &l1 {
        let header = l1_header(parent, block);
        parent = header.hash_slow();
        headers.push(header);
    }
    let (a, b) = (headers[1].clone(), headers[2].clone());

    // L2 genesis and block 1 (origin A).
    let state0 = genesis_state(user, options.workload);
    let (root0, nodes0, codes0) = state0.build_tries();
    let store0 = NodeStore::from_nodes(nodes0);
    let passer0 = message_passer_root(&store0, root0)?;
    let genesis = genesis_header(root0, passer0, options.fork, gas_limit);
    let config = devnet_config(options.fork, (a.number, a.hash_slow()), genesis.hash_slow(), batcher);
    let spec = config.chain_spec();
    let info_a = L1Info {
        format,
        base_fee_scalar: 1368,
        blob_base_fee_scalar: 810_949,
        sequence_number: 0,
        l1_timestamp: 0,
        l1_number: 0,
        l1_base_fee: U256::ZERO,
        l1_blob_base_fee: U256::ZERO,
        l1_hash: B256::ZERO,
        batcher_hash: batcher.into_word(),
        operator_fee_scalar: 0,
        operator_fee_constant: 0,
        da_footprint_gas_scalar: if format == L1InfoFormat::Jovian { 400 } else { 0 },
        l1_fee_overhead: U256::ZERO,
        l1_fee_scalar: U256::ZERO,
    }
    .with_origin(&a, || Ok(PRAGUE_BLOB_UPDATE_FRACTION))?;
    let holocene = spec.is_active(OpHardfork::Holocene, GENESIS_TIME);
    let jovian = spec.is_active(OpHardfork::Jovian, GENESIS_TIME);
    let payload = |parent_hash, timestamp, origin: &Header, transactions| OpPayload {
        parent_hash,
        timestamp,
        prev_randao: origin.mix_hash,
        fee_recipient: SEQUENCER_FEE_VAULT,
        gas_limit,
        transactions,
        parent_beacon_block_root: origin.parent_beacon_block_root,
        eip1559_params: holocene.then_some(B64::ZERO),
        min_base_fee: jovian.then_some(0),
    };
    let mut block1_txs = vec![info_a.deposit_transaction()];
    for nonce in 0..2 {
        block1_txs.push(transfer(
            &user_key,
            L2_CHAIN_ID,
            nonce,
            address!("00000000000000000000000000000000000b0b01"),
            ETHER,
        )?);
    }
    let payload1 = payload(genesis.hash_slow(), GENESIS_TIME + 2, &a, block1_txs.clone());
    let run1 = execute_payload(&spec, &payload1, core::slice::from_ref(&genesis), &store0, &codes0)?;
    let header1 = run1.outcome.header.clone();
    let state1 = apply_changes(&state0, &run1.changes);
    let agreed = OutputPreimage {
        state_root: header1.state_root,
        message_passer_storage_root: run1
            .outcome
            .message_passer_storage_root
            .ok_or_else(|| gen_err("no passer root"))?,
        block_hash: run1.outcome.block_hash,
    };

    // Block 2 (origin B): the sequencer's attributes, executed for the true root.
    let b_receipts = l1[2].receipts.clone();
    let receipts_b: Vec<ReceiptEnvelope> = b_receipts
        .iter()
        .map(|r| alloy_eips::Decodable2718::decode_2718(&mut r.as_ref()).map_err(gen_err))
        .collect::<FaultResult<_>>()?;
    let deposits = user_deposits(&receipts_b, b.hash_slow(), DEPOSIT_CONTRACT)?;
    let info_b = info_a.with_origin(&b, || Ok(PRAGUE_BLOB_UPDATE_FRACTION))?;
    let mut batched = Vec::with_capacity(options.transactions);
    for i in 0..options.transactions as u64 {
        batched.push(workload_transaction(options.workload, &user_key, 2 + i, i)?);
    }
    let mut block2_txs = vec![info_b.deposit_transaction()];
    block2_txs.extend(deposits);
    block2_txs.extend(batched.iter().cloned());
    let payload2 = payload(agreed.block_hash, GENESIS_TIME + 4, &b, block2_txs);
    let (root1, nodes1, codes1) = state1.build_tries();
    if root1 != header1.state_root {
        return Err(gen_err(format!("post-state root {root1} is not block 1's {}", header1.state_root)));
    }
    let store1 = NodeStore::from_nodes(nodes1);
    message_passer_root(&store1, root1)?;
    let ancestors = vec![genesis.clone(), header1.clone()];
    let run2 = execute_payload(&spec, &payload2, &ancestors, &store1, &codes1)?;
    // A reverted workload transaction would measure a revert, not the workload.
    if let Some((i, tx)) = run2.outcome.transactions.iter().enumerate().find(|(_, tx)| !tx.success) {
        return Err(gen_err(format!("{} transaction {i} of block 2 ({}) failed", options.workload.name(), tx.hash)));
    }
    let true_output_root = run2.outcome.output_root.ok_or_else(|| gen_err("no output root for block 2"))?;
    let witness = Witness {
        headers: ancestors,
        codes: codes1.iter().filter(|c| run2.used_codes.contains(&keccak256(c))).cloned().collect(),
        state: store1.used_nodes(),
        keys: Vec::new(),
    };

    // L1 C: the batcher's blob transaction with block 2's batch; D: the head.
    let blobs = batch_blobs(
        &[SingularBatch {
            parent_hash: agreed.block_hash,
            epoch_num: b.number,
            epoch_hash: b.hash_slow(),
            timestamp: GENESIS_TIME + 4,
            transactions: batched,
        }],
        [0x5a; 16],
        BatchEncoding::Singular,
    )?;
    let committed = blobs.iter().map(|blob| blob_commitment(blob)).collect::<FaultResult<Vec<_>>>()?;
    let blob_tx = {
        let tx = TxEip4844 {
            chain_id: L1_CHAIN_ID,
            gas_limit: 21_000,
            max_fee_per_gas: 10 * GWEI,
            max_priority_fee_per_gas: GWEI,
            nonce: u64::from(options.stray_frame),
            to: BATCH_INBOX,
            blob_versioned_hashes: committed.iter().map(|(_, hash)| *hash).collect(),
            max_fee_per_blob_gas: 10 * GWEI,
            ..Default::default()
        };
        let signature = sign(&batcher_key, &tx)?;
        Bytes::from(TxEnvelope::Eip4844(TxEip4844Variant::TxEip4844(tx).into_signed(signature)).encoded_2718())
    };
    l1.push(L1BlockSpec {
        number: a_number + 2,
        timestamp: GENESIS_TIME + 14,
        transactions: vec![blob_tx],
        receipts: vec![receipt(21_000, vec![], false)],
        blob_gas_used: 131_072 * blobs.len() as u64,
    });
    l1.push(L1BlockSpec {
        number: a_number + 3,
        timestamp: GENESIS_TIME + 26,
        transactions: vec![],
        receipts: vec![],
        blob_gas_used: 0,
    });
    for block in &l1[3..] {
        let header = l1_header(parent, block);
        parent = header.hash_slow();
        headers.push(header);
    }
    let l1_head = parent;
    // The data read starts right after the agreed block's origin A, or a channel
    // timeout before that when a stray frame there needs it.
    let first_read =
        if options.stray_frame { crate::window::full_start(&config, a.number, GENESIS_TIME + 4) } else { a.number + 1 };
    let l1_transactions = l1
        .iter()
        .filter(|b| b.number >= first_read)
        .map(|b| BlockTransactions { number: b.number, transactions: b.transactions.clone() })
        .collect();
    headers.reverse();
    let input = FaultInput {
        version: INPUT_VERSION,
        payout: options.payout,
        config,
        agreed_output_root: agreed.root(),
        agreed_output: agreed,
        parent_transactions: block1_txs,
        l2_ancestors: Vec::new(),
        l1_head,
        l1_headers: headers,
        l1_transactions,
        l1_receipts: vec![BlockReceipts { number: b.number, receipts: b_receipts }],
        blobs: blobs.into_iter().map(Bytes::from).collect(),
        witness,
    };
    let claimed_output_root = keccak256([true_output_root.as_slice(), b"a proposer's misconfigured node"].concat());
    let commitments = committed.into_iter().map(|(commitment, _)| commitment).collect();
    Ok(Example { input, true_output_root, claimed_output_root, commitments })
}

/// Why a generated example would not serve (the program must agree with the executor).
pub fn self_check(example: &Example) -> FaultResult<()> {
    let outcome = crate::run(&example.input)?;
    if outcome.journal.computed_output_root != example.true_output_root {
        return Err(gen_err(format!(
            "the fault program computes {} but the executor built {}",
            outcome.journal.computed_output_root, example.true_output_root
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use refute_da::batch::{encode_batch, Batch};

    use super::*;

    fn generated(workload: Workload, transactions: usize) -> Example {
        let ex = example(&ExampleOptions { transactions, workload, ..Default::default() }).unwrap();
        self_check(&ex).unwrap();
        ex
    }

    #[test]
    fn the_precompile_workload_meets_equal_and_opposite_operands() {
        use k256::{elliptic_curve::sec1::ToEncodedPoint, ProjectivePoint, Scalar};
        let key = key(7).unwrap();
        for i in 0..9u64 {
            let input = ecrecover_input(&key, i).unwrap();
            let word = |at: usize| U256::from_be_slice(&input[at..at + 32]);
            let recovered = refute_stf::secp256k1::recover_address_precompile(
                B256::from_slice(&input[..32]),
                word(64),
                word(96),
                input[63] == 28,
            );
            match i % 3 {
                0 => assert_eq!(recovered, Ok(address_of(&key)), "call {i}"),
                1 => {
                    // (u₁ + u₂·k)·G with u₁ = u₂·k: 2·u₂·k·G.
                    let q = ProjectivePoint::GENERATOR * Scalar::from(2 * (1 + i) * (2 + i));
                    let point = q.to_affine().to_encoded_point(false);
                    assert_eq!(recovered, Ok(Address::from_raw_public_key(&point.as_bytes()[1..])), "call {i}");
                }
                _ => assert_eq!(recovered, Err("the recovered key is the point at infinity"), "call {i}"),
            }
        }
    }

    #[test]
    fn every_workload_runs_through_the_program_and_its_transactions_succeed() {
        for workload in Workload::ALL {
            let ex = generated(workload, 3);
            let outcome = crate::run(&ex.input).unwrap();
            // L1-info deposit, user deposit, then the three workload transactions.
            assert_eq!(outcome.derived.payload.transactions.len(), 5, "{}", workload.name());
            assert_eq!(Workload::parse(workload.name()), Some(workload));
        }
    }

    #[test]
    fn token_transfers_log_and_storage_calls_use_their_gas() {
        let token = generated(Workload::Erc20Transfer, 2);
        let storage = generated(Workload::StorageHeavy, 2);
        let gas = |ex: &Example| crate::run(&ex.input).unwrap().execution.gas_used;
        // Two fresh slots per transfer vs. ten per storage call: the storage block costs far more gas.
        assert!(gas(&storage) > gas(&token) + 2 * 150_000, "{} vs {}", gas(&storage), gas(&token));
    }

    #[test]
    fn a_batch_larger_than_a_blob_is_split_over_several_blobs_in_frame_order() {
        // Incompressible transactions (a keccak chain), 200 kB in all.
        let mut word = B256::ZERO;
        let transactions: Vec<Bytes> = (0..1_000)
            .map(|_| {
                let mut tx = Vec::new();
                for _ in 0..7 {
                    word = keccak256(word);
                    tx.extend_from_slice(word.as_slice());
                }
                Bytes::from(tx)
            })
            .collect();
        let batch = SingularBatch {
            parent_hash: B256::ZERO,
            epoch_num: 1,
            epoch_hash: B256::ZERO,
            timestamp: 2,
            transactions: transactions.clone(),
        };
        let channel = encode_batch(&Batch::Singular(batch.clone()));
        let blobs = batch_blobs(&[batch], [0x5a; 16], BatchEncoding::Singular).unwrap();
        assert_eq!(blobs.len(), 2);
        let mut compressed = Vec::new();
        for (i, blob) in blobs.iter().enumerate() {
            let frames = refute_da::frame::parse_frames(&refute_da::blob::decode(blob).unwrap()).unwrap();
            assert_eq!(frames.len(), 1);
            assert_eq!((usize::from(frames[0].number), frames[0].is_last), (i, i == blobs.len() - 1));
            compressed.extend_from_slice(&frames[0].data);
        }
        assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&compressed).unwrap(), channel);
    }

    #[test]
    fn too_many_transactions_are_refused() {
        let options = ExampleOptions { transactions: MAX_TRANSACTIONS + 1, ..Default::default() };
        assert!(matches!(example(&options), Err(FaultError::Generate(_))));
    }

    #[test]
    fn unknown_workload_names_are_not_parsed() {
        assert_eq!(Workload::parse("erc721"), None);
    }
}

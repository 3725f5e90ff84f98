//! Stateless block execution: block + witness → post-state and header fields.
//!
//! Order of work follows the execution specs (Paris … Prague):
//! 1. decode the block, bind the witness to it (headers chain to the parent hash,
//!    the parent's state root anchors every trie node), check the header;
//! 2. pre-block system calls (EIP-4788 beacon root, EIP-2935 history);
//! 3. transactions with revm, each checked against the block's gas and blob budget;
//! 4. withdrawals, then the EIP-7685 requests (deposits, EIP-7002, EIP-7251);
//! 5. apply the changes to the partial tries and compute every root.
//!
//! The header built from the computed fields gives the true block hash and the
//! OP Stack output root; with `check_header` every claimed field must match.

use alloc::{collections::BTreeMap, format, string::String, string::ToString, vec::Vec};

use alloy_consensus::{
    proofs::{calculate_receipt_root, calculate_transaction_root, calculate_withdrawals_root},
    Block, Eip658Value, EthereumTxEnvelope, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom,
    Transaction, TxEip4844, TxType,
};
use alloy_eips::{eip7685::Requests, Typed2718};
use alloy_primitives::{b256, keccak256, logs_bloom, map::B256Set, Address, Bloom, Bytes, Log, B256, U256};
use revm::{
    context::{BlockEnv, CfgEnv, Context, ContextTr, TxEnv},
    context_interface::{block::BlobExcessGasAndPrice, result::EVMError},
    handler::system_call::SYSTEM_ADDRESS,
    inspector::Inspector,
    interpreter::{CreateInputs, CreateOutcome, Gas, InstructionResult, InterpreterResult, interpreter::EthInterpreter},
    context_interface::{journaled_state::account::JournaledAccountTr, JournalTr},
    DatabaseCommit, InspectCommitEvm, MainBuilder, MainContext, SystemCallEvm,
};

use crate::{
    chain::{ChainConfig, Fork, MESSAGE_PASSER},
    db::{list_hashes, AccountChange, WitnessDb},
    error::StfError,
    mpt::NodeStore,
    spec::ChainSpec,
    validate::{validate_header, GAS_PER_BLOB},
    witness::Witness,
};

/// A block as it appears on the wire (typed transactions; blob txs without sidecars).
pub type EthBlock = Block<EthereumTxEnvelope<TxEip4844>>;

/// EIP-4788 beacon roots contract.
pub const BEACON_ROOTS_ADDRESS: Address = alloy_primitives::address!("000F3df6D732807Ef1319fB7B8bB8522d0Beac02");
/// EIP-2935 history storage contract.
pub const HISTORY_STORAGE_ADDRESS: Address = alloy_primitives::address!("0000F90827F1C53a10cb7A02335B175320002935");
/// EIP-7002 withdrawal request contract.
pub const WITHDRAWAL_REQUEST_ADDRESS: Address = alloy_primitives::address!("00000961Ef480Eb55e80D19ad83579A64c007002");
/// EIP-7251 consolidation request contract.
pub const CONSOLIDATION_REQUEST_ADDRESS: Address = alloy_primitives::address!("0000BBdDc7CE488642fb579F8B00f3a590007251");
/// keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)").
const DEPOSIT_EVENT_TOPIC: B256 = b256!("649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5");

/// How strictly to execute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecOptions {
    /// Every header field the block claims (state root, receipts root, gas used,
    /// bloom, ...) must equal the computed one. Off: compute the true values only
    /// (a fraud proof's use: the claimed header may be wrong).
    pub check_header: bool,
    /// Reject witnesses with nodes or codes the block does not use.
    pub strict_witness: bool,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions { check_header: true, strict_witness: false }
    }
}

/// What one transaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOutcome {
    pub hash: B256,
    pub tx_type: u8,
    pub sender: Address,
    pub success: bool,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub logs: usize,
}

/// Everything stateless execution of one block yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockOutcome {
    pub number: u64,
    /// The Ethereum rules in force (for an OP block, those its fork includes).
    pub fork: Fork,
    /// The OP Stack fork, for OP blocks.
    pub op_fork: Option<alloy_op_hardforks::OpHardfork>,
    pub parent_hash: B256,
    pub pre_state_root: B256,
    pub state_root: B256,
    pub transactions_root: B256,
    pub receipts_root: B256,
    pub withdrawals_root: Option<B256>,
    pub requests_hash: Option<B256>,
    pub logs_bloom: Bloom,
    pub gas_used: u64,
    pub blob_gas_used: Option<u64>,
    /// The header with every computed field filled in.
    pub header: Header,
    pub block_hash: B256,
    /// Storage root of the L2ToL1MessagePasser predeploy in the post-state.
    pub message_passer_storage_root: Option<B256>,
    /// OP Stack output root v0; None when the witness cannot show the message passer.
    pub output_root: Option<B256>,
    /// Why `output_root` is None.
    pub output_root_unavailable: Option<String>,
    /// Header fields that differ from the claimed header (only with `check_header` off).
    pub mismatches: Vec<(&'static str, String, String)>,
    pub transactions: Vec<TxOutcome>,
    pub witness_nodes: usize,
    pub unused_nodes: usize,
    pub unused_codes: usize,
}

/// Decodes an RLP block, rejecting trailing bytes.
pub fn decode_block(mut bytes: &[u8]) -> Result<EthBlock, StfError> {
    let block = <EthBlock as alloy_rlp::Decodable>::decode(&mut bytes).map_err(|e| StfError::MalformedBlock(e.to_string()))?;
    if !bytes.is_empty() {
        return Err(StfError::MalformedBlock(format!("{} trailing bytes after the block", bytes.len())));
    }
    Ok(block)
}

/// Encodes a block as RLP.
pub fn encode_block(block: &EthBlock) -> Vec<u8> {
    alloy_rlp::encode(block)
}

/// What to execute: a block, or (OP Stack only) the payload attributes a block is built from.
#[derive(Debug, Clone, Copy)]
pub enum Request<'a> {
    /// An RLP block whose header is checked (or, without `check_header`, compared).
    Block(&'a [u8]),
    /// An RLP [`crate::op::OpPayload`]: the block is built from it, nothing claimed is trusted.
    Payload(&'a [u8]),
}

/// Executes an RLP block against a witness.
pub fn execute_block(chain: &ChainConfig, block_rlp: &[u8], witness: &Witness, opts: ExecOptions) -> Result<BlockOutcome, StfError> {
    execute_request(&ChainSpec::Ethereum(chain.clone()), Request::Block(block_rlp), witness, opts)
}

/// Executes a block or a payload under `chain`'s rules against a witness.
pub fn execute_request(chain: &ChainSpec, request: Request<'_>, witness: &Witness, opts: ExecOptions) -> Result<BlockOutcome, StfError> {
    let store = NodeStore::from_nodes(witness.state.iter().cloned());
    let run = match (chain, request) {
        (ChainSpec::Ethereum(c), Request::Block(bytes)) => {
            let block = decode_block(bytes)?;
            execute_with_store(c, &block, &witness.headers, &store, &witness.codes, opts)?
        }
        (ChainSpec::Op(spec), Request::Block(bytes)) => {
            crate::op::block::execute_op_block(spec, bytes, &witness.headers, &store, &witness.codes, opts)?
        }
        (ChainSpec::Op(spec), Request::Payload(bytes)) => {
            let payload = crate::op::OpPayload::decode(bytes)?;
            crate::op::execute_payload(spec, &payload, &witness.headers, &store, &witness.codes)?
        }
        (ChainSpec::Ethereum(_), Request::Payload(_)) => {
            return Err(StfError::Config("payload attributes are an OP Stack input; give an OP chain".into()))
        }
    };
    finish(run, witness, &store, opts)
}

/// Witness accounting, and with `strict_witness` the rejection of unused parts.
fn finish(run: Execution, witness: &Witness, store: &NodeStore, opts: ExecOptions) -> Result<BlockOutcome, StfError> {
    let mut outcome = run.outcome;
    outcome.witness_nodes = store.len();
    let unused = store.unused();
    outcome.unused_nodes = unused.len();
    if opts.strict_witness {
        if !unused.is_empty() {
            return Err(StfError::Witness(format!(
                "{} state node(s) are not used by the block: {}",
                unused.len(),
                list_hashes(&unused, 3)
            )));
        }
        if !run.unused_codes.is_empty() {
            return Err(StfError::Witness(format!(
                "{} code(s) are not used by the block: {}",
                run.unused_codes.len(),
                list_hashes(&run.unused_codes, 3)
            )));
        }
        let needed_from = run.oldest_block_hash.unwrap_or(outcome.number - 1);
        if let Some(h) = witness.headers.iter().find(|h| h.number < needed_from) {
            return Err(StfError::Witness(format!("header {} is not needed by the block", h.number)));
        }
    }
    Ok(outcome)
}

/// The result of [`execute_with_store`], with what the witness builder needs.
pub struct Execution {
    pub outcome: BlockOutcome,
    pub changes: Vec<AccountChange>,
    pub used_codes: B256Set,
    pub unused_codes: Vec<B256>,
    /// Oldest block number whose hash BLOCKHASH asked for.
    pub oldest_block_hash: Option<u64>,
}

fn tx_env(tx: &EthereumTxEnvelope<TxEip4844>, sender: Address) -> TxEnv {
    let mut env = TxEnv {
        tx_type: tx.ty(),
        caller: sender,
        gas_limit: tx.gas_limit(),
        gas_price: tx.max_fee_per_gas(),
        kind: tx.kind(),
        value: tx.value(),
        data: tx.input().clone(),
        nonce: tx.nonce(),
        chain_id: tx.chain_id(),
        access_list: tx.access_list().cloned().unwrap_or_default(),
        gas_priority_fee: tx.max_priority_fee_per_gas(),
        blob_hashes: tx.blob_versioned_hashes().map(|h| h.to_vec()).unwrap_or_default(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas().unwrap_or(0),
        ..Default::default()
    };
    if let Some(auths) = tx.authorization_list() {
        env.set_signed_authorization(auths.to_vec());
    }
    env
}

fn evm_error(index: usize, e: EVMError<StfError>) -> StfError {
    match e {
        EVMError::Database(e) => e,
        EVMError::Transaction(t) => StfError::InvalidTransaction { index, reason: format!("{t}") },
        EVMError::Header(h) => StfError::InvalidHeader(format!("{h}")),
        other => StfError::InvalidTransaction { index, reason: format!("{other}") },
    }
}

/// Parses EIP-6110 deposit events into request data, validating their ABI layout.
fn deposit_requests(chain: &ChainConfig, logs: &[Log]) -> Result<Vec<u8>, StfError> {
    let mut out = Vec::new();
    for log in logs {
        if log.address != chain.deposit_contract || log.topics().first() != Some(&DEPOSIT_EVENT_TOPIC) {
            continue;
        }
        let data = &log.data.data;
        let word = |at: usize| U256::from_be_slice(&data[at..at + 32]);
        let bad = || StfError::InvalidHeader("deposit event has an invalid layout (EIP-6110)".into());
        if data.len() != 576 {
            return Err(bad());
        }
        let offsets = [(0usize, 160u64, 48usize), (32, 256, 32), (64, 320, 8), (96, 384, 96), (128, 512, 8)];
        for (at, offset, len) in offsets {
            if word(at) != U256::from(offset) || word(offset as usize) != U256::from(len) {
                return Err(bad());
            }
        }
        for (_, offset, len) in offsets {
            let start = offset as usize + 32;
            out.extend_from_slice(&data[start..start + len]);
        }
    }
    Ok(out)
}

pub(crate) fn mismatch<T: PartialEq + core::fmt::Display>(
    field: &'static str,
    claimed: T,
    computed: T,
    check: bool,
    list: &mut Vec<(&'static str, String, String)>,
) -> Result<(), StfError> {
    if claimed != computed {
        if check {
            return Err(StfError::HeaderMismatch { field, expected: claimed.to_string(), computed: computed.to_string() });
        }
        list.push((field, claimed.to_string(), computed.to_string()));
    }
    Ok(())
}

pub(crate) fn opt_display<T: core::fmt::Display>(v: Option<T>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "none".to_string(),
    }
}

/// Executes a decoded block with an already indexed node store.
pub fn execute_with_store(
    chain: &ChainConfig,
    block: &EthBlock,
    headers: &[Header],
    store: &NodeStore,
    codes: &[Bytes],
    opts: ExecOptions,
) -> Result<Execution, StfError> {
    let witness = Witness { headers: headers.to_vec(), ..Default::default() };
    let (parent, block_hashes) = witness.ancestors(block.header.parent_hash)?;
    let fork = chain.fork_at(block.header.timestamp);
    validate_header(chain, fork, &block.header, &parent)?;
    execute_anchored(chain, block, parent.state_root, block_hashes, store, codes, opts)
}

/// Executes a block from a pre-state root and ancestor hashes that the caller
/// vouches for, without a parent header (so without the parent-dependent header
/// checks: number, timestamp, gas limit, base fee, excess blob gas).
///
/// For data that carries no parent header (e.g. scroll's `sbv` witnesses, which
/// list ancestor hashes only). Nothing binds `pre_state_root` and `block_hashes`
/// to the block here, so never use it on untrusted input; the guest and the CLI
/// do not expose it.
pub fn execute_unanchored(
    chain: &ChainConfig,
    block: &EthBlock,
    pre_state_root: B256,
    block_hashes: BTreeMap<u64, B256>,
    state: &[Bytes],
    codes: &[Bytes],
    opts: ExecOptions,
) -> Result<BlockOutcome, StfError> {
    let store = NodeStore::from_nodes(state.iter().cloned());
    let mut outcome = execute_anchored(chain, block, pre_state_root, block_hashes, &store, codes, opts)?.outcome;
    outcome.unused_nodes = store.unused().len();
    Ok(outcome)
}

fn execute_anchored(
    chain: &ChainConfig,
    block: &EthBlock,
    pre_state_root: B256,
    block_hashes: BTreeMap<u64, B256>,
    store: &NodeStore,
    codes: &[Bytes],
    opts: ExecOptions,
) -> Result<Execution, StfError> {
    let header = &block.header;
    let fork = chain.fork_at(header.timestamp);
    if !block.body.ommers.is_empty() {
        return Err(StfError::InvalidHeader(format!("{} ommers after the merge", block.body.ommers.len())));
    }
    let mut mismatches = Vec::new();
    let check = opts.check_header;

    // Senders first: a bad signature is reported before any execution.
    let mut senders = Vec::with_capacity(block.body.transactions.len());
    for (index, tx) in block.body.transactions.iter().enumerate() {
        let sender = crate::sender::recover_sender(tx)
            .map_err(|e| StfError::InvalidTransaction { index, reason: format!("bad signature: {e}") })?;
        senders.push(sender);
    }

    // Body commitments; compared with the header after execution, as the
    // execution specs do, so an invalid transaction is reported as such.
    let transactions_root = calculate_transaction_root(&block.body.transactions);
    let withdrawals_root = match (&block.body.withdrawals, fork >= Fork::Shanghai) {
        (Some(w), true) => Some(calculate_withdrawals_root(w)),
        (None, false) => None,
        (Some(_), false) => return Err(StfError::InvalidHeader("withdrawals before Shanghai".into())),
        (None, true) => return Err(StfError::InvalidHeader("missing withdrawals list (Shanghai)".into())),
    };

    let db = WitnessDb::new(store, codes, pre_state_root, block_hashes);
    let spec = fork.spec_id();
    let mut cfg = CfgEnv::new_with_spec(spec);
    cfg.chain_id = chain.chain_id;
    let blob_params = chain.blob_params(fork);
    let mut block_env = BlockEnv {
        number: U256::from(header.number),
        beneficiary: header.beneficiary,
        timestamp: U256::from(header.timestamp),
        gas_limit: header.gas_limit,
        basefee: header.base_fee_per_gas.unwrap_or_default(),
        difficulty: header.difficulty,
        prevrandao: Some(header.mix_hash),
        blob_excess_gas_and_price: None,
        ..Default::default()
    };
    if let Some(params) = blob_params {
        cfg.max_blobs_per_tx = Some(params.max);
        cfg.blob_base_fee_update_fraction = Some(params.update_fraction);
        block_env.blob_excess_gas_and_price =
            Some(BlobExcessGasAndPrice::new(header.excess_blob_gas.unwrap_or(0), params.update_fraction));
    }
    let mut evm =
        Context::mainnet().with_db(db).with_block(block_env).with_cfg(cfg).build_mainnet_with_inspector(CollisionCheck);

    // Pre-block system calls; a missing contract is a no-op, a failure is ignored (EIP-4788, EIP-2935).
    let mut pre_calls: Vec<(Address, Bytes)> = Vec::new();
    if fork >= Fork::Cancun {
        let root = header.parent_beacon_block_root.expect("validated");
        pre_calls.push((BEACON_ROOTS_ADDRESS, Bytes::copy_from_slice(root.as_slice())));
    }
    if fork >= Fork::Prague {
        pre_calls.push((HISTORY_STORAGE_ADDRESS, Bytes::copy_from_slice(header.parent_hash.as_slice())));
    }
    for (contract, data) in pre_calls {
        if !evm.ctx.db_mut().has_code(contract)? {
            continue;
        }
        system_call(&mut evm, contract, data, header.beneficiary, false)?;
    }

    // Transactions.
    let mut cumulative = 0u64;
    let mut blob_gas = 0u64;
    let mut receipts: Vec<ReceiptEnvelope> = Vec::with_capacity(senders.len());
    let mut tx_outcomes = Vec::with_capacity(senders.len());
    let mut all_logs: Vec<Log> = Vec::new();
    for (index, (tx, sender)) in block.body.transactions.iter().zip(&senders).enumerate() {
        let available = header.gas_limit - cumulative;
        if tx.gas_limit() > available {
            return Err(StfError::InvalidTransaction {
                index,
                reason: format!("gas limit {} exceeds the {} gas left in the block", tx.gas_limit(), available),
            });
        }
        if let Some(hashes) = tx.blob_versioned_hashes() {
            let max = blob_params.map(|p| p.max).unwrap_or(0) * GAS_PER_BLOB;
            let tx_blob_gas = hashes.len() as u64 * GAS_PER_BLOB;
            if blob_gas + tx_blob_gas > max {
                return Err(StfError::InvalidTransaction {
                    index,
                    reason: format!("blob gas {} would exceed the block maximum {max}", blob_gas + tx_blob_gas),
                });
            }
            blob_gas += tx_blob_gas;
        }
        let result = evm.inspect_tx_commit(tx_env(tx, *sender)).map_err(|e| evm_error(index, e))?;
        evm.ctx.db_mut().check()?;
        let gas_used = result.tx_gas_used();
        cumulative += gas_used;
        let logs = result.logs().to_vec();
        let receipt = Receipt { status: Eip658Value::Eip658(result.is_success()), cumulative_gas_used: cumulative, logs };
        let bloom = logs_bloom(receipt.logs.iter());
        tx_outcomes.push(TxOutcome {
            hash: *tx.hash(),
            tx_type: tx.ty(),
            sender: *sender,
            success: result.is_success(),
            gas_used,
            cumulative_gas_used: cumulative,
            logs: receipt.logs.len(),
        });
        all_logs.extend(receipt.logs.iter().cloned());
        let with_bloom = ReceiptWithBloom::new(receipt, bloom);
        receipts.push(match tx.tx_type() {
            TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
            TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
            TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
            TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
            TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
        });
    }

    // Withdrawals (amounts in gwei).
    if let Some(withdrawals) = &block.body.withdrawals {
        for w in withdrawals.iter() {
            let amount = U256::from(w.amount) * U256::from(1_000_000_000u64);
            evm.ctx.db_mut().increment_balance(w.address, amount)?;
        }
    }

    // EIP-7685 requests.
    let requests_hash = if fork >= Fork::Prague {
        let mut requests = Requests::default();
        let deposits = deposit_requests(chain, &all_logs)?;
        requests.push_request_with_type(0, deposits);
        for (ty, contract) in [(1u8, WITHDRAWAL_REQUEST_ADDRESS), (2u8, CONSOLIDATION_REQUEST_ADDRESS)] {
            if !evm.ctx.db_mut().has_code(contract)? {
                return Err(StfError::SystemCall { contract, reason: "no code at the system contract (Prague)".into() });
            }
            let output = system_call(&mut evm, contract, Bytes::new(), header.beneficiary, true)?;
            requests.push_request_with_type(ty, output);
        }
        Some(requests.requests_hash())
    } else {
        None
    };

    let db = evm.ctx.db_mut();
    let state_root = db.state_root()?;
    let receipts_root = calculate_receipt_root(&receipts);
    let mut bloom = Bloom::ZERO;
    for r in &receipts {
        bloom.accrue_bloom(r.logs_bloom());
    }
    let blob_gas_used = blob_params.map(|_| blob_gas);

    mismatch("gas_used", header.gas_used, cumulative, check, &mut mismatches)?;
    mismatch("transactions_root", header.transactions_root, transactions_root, check, &mut mismatches)?;
    mismatch("withdrawals_root", opt_display(header.withdrawals_root), opt_display(withdrawals_root), check, &mut mismatches)?;
    mismatch("blob_gas_used", opt_display(header.blob_gas_used), opt_display(blob_gas_used), check, &mut mismatches)?;
    mismatch("requests_hash", opt_display(header.requests_hash), opt_display(requests_hash), check, &mut mismatches)?;
    mismatch("logs_bloom", header.logs_bloom, bloom, check, &mut mismatches)?;
    mismatch("receipts_root", header.receipts_root, receipts_root, check, &mut mismatches)?;
    mismatch("state_root", header.state_root, state_root, check, &mut mismatches)?;

    let mut computed = header.clone();
    computed.state_root = state_root;
    computed.transactions_root = transactions_root;
    computed.receipts_root = receipts_root;
    computed.logs_bloom = bloom;
    computed.gas_used = cumulative;
    computed.withdrawals_root = withdrawals_root;
    computed.blob_gas_used = blob_gas_used;
    computed.requests_hash = requests_hash;
    let block_hash = computed.hash_slow();

    let (mp_root, output_root, unavailable) = match db.storage_root_of(MESSAGE_PASSER) {
        Ok(root) => {
            let mut preimage = [0u8; 128];
            preimage[32..64].copy_from_slice(state_root.as_slice());
            preimage[64..96].copy_from_slice(root.as_slice());
            preimage[96..128].copy_from_slice(block_hash.as_slice());
            (Some(root), Some(keccak256(preimage)), None)
        }
        Err(e) => (None, None, Some(e.to_string())),
    };

    let unused_codes = db.unused_codes();
    let used_codes = db.used_codes().clone();
    let changes = db.changes();
    let oldest_block_hash = db.oldest_requested_hash();
    Ok(Execution {
        outcome: BlockOutcome {
            number: header.number,
            fork,
            op_fork: None,
            parent_hash: header.parent_hash,
            pre_state_root,
            state_root,
            transactions_root,
            receipts_root,
            withdrawals_root,
            requests_hash,
            logs_bloom: bloom,
            gas_used: cumulative,
            blob_gas_used,
            header: computed,
            block_hash,
            message_passer_storage_root: mp_root,
            output_root,
            output_root_unavailable: unavailable,
            mismatches,
            transactions: tx_outcomes,
            witness_nodes: store.len(),
            unused_nodes: 0,
            unused_codes: unused_codes.len(),
        },
        changes,
        used_codes,
        unused_codes,
        oldest_block_hash,
    })
}

/// Storage probing for the EIP-7610 check (the witness database answers it).
pub trait StorageProbe {
    fn has_storage(&mut self, address: Address) -> Result<bool, StfError>;
}

impl StorageProbe for WitnessDb<'_> {
    fn has_storage(&mut self, address: Address) -> Result<bool, StfError> {
        WitnessDb::has_storage(self, address)
    }
}

impl<T: StorageProbe> StorageProbe for &mut T {
    fn has_storage(&mut self, address: Address) -> Result<bool, StfError> {
        (**self).has_storage(address)
    }
}

/// The context and EVM types stateless execution builds.
type Ctx<'w> = Context<BlockEnv, TxEnv, CfgEnv, WitnessDb<'w>, revm::Journal<WitnessDb<'w>>, ()>;
type Evm<'w> = revm::handler::MainnetEvm<Ctx<'w>, CollisionCheck>;

/// EIP-7610: creating a contract at an address with non-empty storage collides,
/// like one with code or a nonce. revm checks only code and nonce, so this hook
/// checks storage (from the witness) and, on a collision, does what revm does for
/// one: the creator's nonce is bumped, the target is warmed, and the create fails
/// consuming the gas given to it.
pub struct CollisionCheck;

impl<C> Inspector<C, EthInterpreter> for CollisionCheck
where
    C: ContextTr<Journal = revm::Journal<<C as ContextTr>::Db>>,
    <C as ContextTr>::Db: StorageProbe,
{
    fn create(&mut self, ctx: &mut C, inputs: &mut CreateInputs) -> Option<CreateOutcome> {
        let caller = inputs.caller();
        let nonce = ctx.journal_mut().load_account(caller).ok()?.data.info.nonce;
        let target = inputs.created_address(nonce);
        let account = ctx.journal_mut().load_account(target).ok()?;
        let info = &account.data.info;
        if info.nonce != 0 || info.code_hash != alloy_trie::KECCAK_EMPTY {
            return None; // revm reports this collision itself
        }
        if !ctx.journal_mut().db_mut().has_storage(target).ok()? {
            return None;
        }
        let mut caller_acc = ctx.journal_mut().load_account_mut(caller).ok()?;
        if caller_acc.data.balance() < &inputs.value() {
            return None; // revm fails this create for lack of funds first
        }
        caller_acc.data.bump_nonce();
        Some(CreateOutcome {
            result: InterpreterResult {
                result: InstructionResult::CreateCollision,
                gas: Gas::new(inputs.gas_limit()),
                output: Bytes::new(),
            },
            address: None,
        })
    }
}

/// Runs a system call and commits its state (without the system address and the
/// beneficiary, which the call touches but does not change). `checked` calls
/// (EIP-7002/7251) must succeed; their output is returned.
fn system_call(evm: &mut Evm<'_>, contract: Address, data: Bytes, beneficiary: Address, checked: bool) -> Result<Bytes, StfError> {
    let res = evm.system_call(contract, data).map_err(|e| match e {
        EVMError::Database(e) => e,
        other => StfError::SystemCall { contract, reason: format!("{other}") },
    })?;
    let mut state = res.state;
    if !res.result.is_success() {
        if checked {
            return Err(StfError::SystemCall { contract, reason: format!("{:?}", res.result) });
        }
        return Ok(Bytes::new());
    }
    state.remove(&SYSTEM_ADDRESS);
    if beneficiary != contract {
        state.remove(&beneficiary);
    }
    let output = res.result.output().cloned().unwrap_or_default();
    let db = evm.ctx.db_mut();
    db.commit(state);
    db.check()?;
    Ok(output)
}

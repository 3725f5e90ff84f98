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
    Block, Eip658Value, EthereumTxEnvelope, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction, TxEip4844,
    TxType,
};
use alloy_eips::{eip4895::Withdrawal, eip7685::Requests, Typed2718};
use alloy_primitives::{b256, keccak256, logs_bloom, map::B256Set, Address, Bloom, Bytes, Log, B256, U256};
use revm::{
    context::{BlockEnv, CfgEnv, Context, ContextTr, TxEnv},
    context_interface::{
        block::BlobExcessGasAndPrice,
        result::{EVMError, ExecutionResult},
    },
    context_interface::{journaled_state::account::JournaledAccountTr, JournalTr},
    handler::system_call::SYSTEM_ADDRESS,
    inspector::Inspector,
    interpreter::{
        interpreter::EthInterpreter, CreateInputs, CreateOutcome, Gas, InstructionResult, InterpreterResult,
    },
    DatabaseCommit, ExecuteCommitEvm, ExecuteEvm, InspectEvm, MainBuilder, MainContext, SystemCallEvm,
};

use crate::{
    chain::{BlobParams, ChainConfig, Fork, MESSAGE_PASSER},
    db::{list_hashes, AccountChange, WitnessDb},
    error::StfError,
    mpt::NodeStore,
    op::execute::output_root,
    rlp::decode_exact,
    spec::ChainSpec,
    validate::{validate_header, GAS_PER_BLOB},
    witness::{ancestors, Witness},
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
pub const CONSOLIDATION_REQUEST_ADDRESS: Address =
    alloy_primitives::address!("0000BBdDc7CE488642fb579F8B00f3a590007251");
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
pub fn decode_block(bytes: &[u8]) -> Result<EthBlock, StfError> {
    decode_exact(bytes, "block").map_err(StfError::MalformedBlock)
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

impl<'a> Request<'a> {
    /// `bytes` as payload attributes when `payload`, else as a block: the one
    /// reading of the flag the guest input and the C ABI both carry.
    pub fn new(bytes: &'a [u8], payload: bool) -> Self {
        if payload {
            Request::Payload(bytes)
        } else {
            Request::Block(bytes)
        }
    }
}

/// Executes an RLP block against a witness.
pub fn execute_block(
    chain: &ChainConfig,
    block_rlp: &[u8],
    witness: &Witness,
    opts: ExecOptions,
) -> Result<BlockOutcome, StfError> {
    execute_request(&ChainSpec::Ethereum(chain.clone()), Request::Block(block_rlp), witness, opts)
}

/// Executes a block or a payload under `chain`'s rules against a witness.
pub fn execute_request(
    chain: &ChainSpec,
    request: Request<'_>,
    witness: &Witness,
    opts: ExecOptions,
) -> Result<BlockOutcome, StfError> {
    execute_request_observed(chain, request, witness, opts, &mut |_| {})
}

/// The phases of [`execute_request_observed`], in order.
pub const PHASES: [&str; 3] = ["witness_index", "execution", "witness_accounting"];

/// [`execute_request`], calling `observe` with each phase's name (see
/// [`PHASES`]) when it ends: the guest reads its cycle counter there, so the
/// proof's cost splits into hashing the witness, running the block (with its
/// roots) and checking what the witness held.
pub fn execute_request_observed(
    chain: &ChainSpec,
    request: Request<'_>,
    witness: &Witness,
    opts: ExecOptions,
    observe: &mut dyn FnMut(&'static str),
) -> Result<BlockOutcome, StfError> {
    let store = NodeStore::from_nodes(witness.state.iter().cloned());
    observe(PHASES[0]);
    let run = run_request(chain, request, witness, &store, opts)?;
    observe(PHASES[1]);
    let outcome = finish(run, witness, &store, opts);
    observe(PHASES[2]);
    outcome
}

/// The part of `witness` that executing `request` reads: the trie nodes it
/// fetched and the codes it ran (each once, in the witness's order) and the
/// headers from the oldest one BLOCKHASH reached.
///
/// Why: a witness taken from a preimage store (kona's fixtures) lists every
/// preimage as both a trie node and a code, and the guest hashes everything it
/// is given (and analyses every code), so most of its work would be spent on
/// data the block never touches. The minimal witness proves the same block:
/// the guest still checks every node against the state root it hangs from.
/// Fails as execution does when the block cannot be executed from `witness`.
pub fn minimal_witness(chain: &ChainSpec, request: Request<'_>, witness: &Witness) -> Result<Witness, StfError> {
    let store = NodeStore::from_nodes(witness.state.iter().cloned());
    let opts = ExecOptions { check_header: false, strict_witness: false };
    let run = run_request(chain, request, witness, &store, opts)?;
    let needed_from = run.oldest_needed_header();
    let headers = witness.headers.iter().filter(|h| h.number >= needed_from).cloned().collect();
    let mut used_nodes = store.used();
    let state = witness.state.iter().filter(|n| used_nodes.remove(&keccak256(n))).cloned().collect();
    let mut used_codes = run.used_codes;
    let codes = witness.codes.iter().filter(|c| used_codes.remove(&keccak256(c))).cloned().collect();
    Ok(Witness { headers, codes, state, keys: Vec::new() })
}

/// Executes `request` over `store` (the nodes of `witness.state`).
fn run_request(
    chain: &ChainSpec,
    request: Request<'_>,
    witness: &Witness,
    store: &NodeStore,
    opts: ExecOptions,
) -> Result<Execution, StfError> {
    Ok(match (chain, request) {
        (ChainSpec::Ethereum(c), Request::Block(bytes)) => {
            let block = decode_block(bytes)?;
            execute_with_store(c, &block, &witness.headers, store, &witness.codes, opts)?
        }
        (ChainSpec::Op(spec), Request::Block(bytes)) => {
            crate::op::block::execute_op_block(spec, bytes, &witness.headers, store, &witness.codes, opts)?
        }
        (ChainSpec::Op(spec), Request::Payload(bytes)) => {
            let payload = crate::op::OpPayload::decode(bytes)?;
            crate::op::execute_payload(spec, &payload, &witness.headers, store, &witness.codes)?
        }
        (ChainSpec::Ethereum(_), Request::Payload(_)) => {
            return Err(StfError::Config("payload attributes are an OP Stack input; give an OP chain".into()))
        }
    })
}

/// Witness accounting, and with `strict_witness` the rejection of unused parts.
fn finish(run: Execution, witness: &Witness, store: &NodeStore, opts: ExecOptions) -> Result<BlockOutcome, StfError> {
    let needed_from = run.oldest_needed_header();
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
        if let Some(h) = witness.headers.iter().find(|h| h.number < needed_from) {
            return Err(StfError::Witness(format!("header {} is not needed by the block", h.number)));
        }
    }
    Ok(outcome)
}

/// The result of [`execute_with_store`], with what the witness builder needs.
#[derive(Debug)]
pub struct Execution {
    pub outcome: BlockOutcome,
    pub changes: Vec<AccountChange>,
    pub used_codes: B256Set,
    pub unused_codes: Vec<B256>,
    /// Oldest block number whose hash BLOCKHASH asked for.
    pub oldest_block_hash: Option<u64>,
}

impl Execution {
    /// The oldest header the block needs: its parent's, or an older one whose
    /// hash BLOCKHASH asked for.
    pub fn oldest_needed_header(&self) -> u64 {
        self.oldest_block_hash.unwrap_or(self.outcome.number.saturating_sub(1))
    }

    /// `outcome` with what `db` recorded while the block ran.
    pub(crate) fn new(mut outcome: BlockOutcome, db: &WitnessDb<'_>) -> Self {
        let unused_codes = db.unused_codes();
        outcome.unused_codes = unused_codes.len();
        Execution {
            outcome,
            changes: db.changes(),
            used_codes: db.used_codes().clone(),
            unused_codes,
            oldest_block_hash: db.oldest_requested_hash(),
        }
    }
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
            return Err(StfError::HeaderMismatch {
                field,
                expected: claimed.to_string(),
                computed: computed.to_string(),
            });
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
    let (parent, block_hashes) = ancestors(headers, block.header.parent_hash)?;
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

/// The state transition from a pre-state the caller vouches for, one function
/// per phase (the execution specs' `state_transition` and `apply_body`):
/// [`check_body`], [`block_evm`], [`process_system_calls`],
/// [`apply_transactions`], [`process_withdrawals`],
/// [`process_general_purpose_requests`], then [`computed_header`] and
/// [`compare_header`] on the post-state.
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
    let blob_params = chain.blob_params(fork);
    let body = check_body(block, fork)?;

    let db = WitnessDb::new(store, codes, pre_state_root, block_hashes);
    let mut evm = block_evm(chain, fork, header, db);
    process_system_calls(&mut evm, fork, header)?;
    let applied = apply_transactions(&mut evm, header, blob_params, &block.body.transactions, &body.senders)?;
    if let Some(withdrawals) = &block.body.withdrawals {
        process_withdrawals(evm.ctx.db_mut(), withdrawals)?;
    }
    let requests_hash = process_general_purpose_requests(&mut evm, chain, fork, header.beneficiary, &applied.logs)?;

    let db = evm.ctx.db_mut();
    let state_root = db.state_root()?;
    let blob_gas_used = blob_params.map(|_| applied.blob_gas_used);
    let computed = computed_header(header, &body, &applied, state_root, blob_gas_used, requests_hash);
    let mismatches = compare_header(header, &computed, opts.check_header)?;
    let block_hash = computed.hash_slow();
    let message_passer = db.storage_root_of(MESSAGE_PASSER);
    let outcome = BlockOutcome {
        number: header.number,
        fork,
        op_fork: None,
        parent_hash: header.parent_hash,
        pre_state_root,
        state_root,
        transactions_root: computed.transactions_root,
        receipts_root: computed.receipts_root,
        withdrawals_root: computed.withdrawals_root,
        requests_hash: computed.requests_hash,
        logs_bloom: computed.logs_bloom,
        gas_used: computed.gas_used,
        blob_gas_used: computed.blob_gas_used,
        header: computed,
        block_hash,
        message_passer_storage_root: message_passer.as_ref().ok().copied(),
        output_root: message_passer.as_ref().ok().map(|root| output_root(state_root, *root, block_hash)),
        output_root_unavailable: message_passer.as_ref().err().map(|e| e.to_string()),
        mismatches,
        transactions: applied.outcomes,
        witness_nodes: store.len(),
        unused_nodes: 0,
        unused_codes: 0,
    };
    Ok(Execution::new(outcome, db))
}

/// What a block's body commits to, known before anything executes.
struct Body {
    /// The sender of each transaction.
    senders: Vec<Address>,
    transactions_root: B256,
    withdrawals_root: Option<B256>,
}

/// The body's checks that need no execution: no ommers, a valid signature on
/// every transaction (so a bad one is reported before anything runs), and a
/// withdrawals list exactly from Shanghai on. The body's roots are compared
/// with the header only after execution, as the execution specs do, so an
/// invalid transaction is reported as such.
fn check_body(block: &EthBlock, fork: Fork) -> Result<Body, StfError> {
    if !block.body.ommers.is_empty() {
        return Err(StfError::InvalidHeader(format!("{} ommers after the merge", block.body.ommers.len())));
    }
    let senders = block
        .body
        .transactions
        .iter()
        .enumerate()
        .map(|(index, tx)| {
            crate::sender::recover_sender(tx)
                .map_err(|e| StfError::InvalidTransaction { index, reason: format!("bad signature: {e}") })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let transactions_root = calculate_transaction_root(&block.body.transactions);
    let withdrawals_root = match (&block.body.withdrawals, fork >= Fork::Shanghai) {
        (Some(w), true) => Some(calculate_withdrawals_root(w)),
        (None, false) => None,
        (Some(_), false) => return Err(StfError::InvalidHeader("withdrawals before Shanghai".into())),
        (None, true) => return Err(StfError::InvalidHeader("missing withdrawals list (Shanghai)".into())),
    };
    Ok(Body { senders, transactions_root, withdrawals_root })
}

/// The EVM that executes the block: the fork's rules, the environment the
/// header sets, the witness database, and the EIP-7610 collision check.
fn block_evm<'w>(chain: &ChainConfig, fork: Fork, header: &Header, db: WitnessDb<'w>) -> Evm<'w> {
    let mut cfg = CfgEnv::new_with_spec(fork.spec_id());
    cfg.chain_id = chain.chain_id;
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
    if let Some(params) = chain.blob_params(fork) {
        cfg.max_blobs_per_tx = Some(params.max);
        cfg.blob_base_fee_update_fraction = Some(params.update_fraction);
        block_env.blob_excess_gas_and_price =
            Some(BlobExcessGasAndPrice::new(header.excess_blob_gas.unwrap_or(0), params.update_fraction));
    }
    Context::mainnet().with_db(db).with_block(block_env).with_cfg(cfg).build_mainnet_with_inspector(CollisionCheck)
}

/// Pre-block system calls (EIP-4788 beacon root from Cancun, EIP-2935 history
/// from Prague): a missing contract is a no-op, a failed call is ignored.
fn process_system_calls(evm: &mut Evm<'_>, fork: Fork, header: &Header) -> Result<(), StfError> {
    let mut calls: Vec<(Address, Bytes)> = Vec::new();
    if fork >= Fork::Cancun {
        let root = header.parent_beacon_block_root.expect("validated");
        calls.push((BEACON_ROOTS_ADDRESS, Bytes::copy_from_slice(root.as_slice())));
    }
    if fork >= Fork::Prague {
        calls.push((HISTORY_STORAGE_ADDRESS, Bytes::copy_from_slice(header.parent_hash.as_slice())));
    }
    for (contract, data) in calls {
        if !evm.ctx.db_mut().has_code(contract)? {
            continue;
        }
        system_call(evm, contract, data, header.beneficiary, false)?;
    }
    Ok(())
}

/// What the transactions of a block produced.
struct Applied {
    /// Cumulative gas used by all transactions.
    gas_used: u64,
    blob_gas_used: u64,
    receipts: Vec<ReceiptEnvelope>,
    outcomes: Vec<TxOutcome>,
    /// Every log, in order (EIP-6110 deposits are read from them).
    logs: Vec<Log>,
}

/// Executes every transaction in order, each checked first against what is
/// left of the block's gas and blob gas.
fn apply_transactions(
    evm: &mut Evm<'_>,
    header: &Header,
    blob_params: Option<BlobParams>,
    transactions: &[EthereumTxEnvelope<TxEip4844>],
    senders: &[Address],
) -> Result<Applied, StfError> {
    let mut applied = Applied {
        gas_used: 0,
        blob_gas_used: 0,
        receipts: Vec::with_capacity(senders.len()),
        outcomes: Vec::with_capacity(senders.len()),
        logs: Vec::new(),
    };
    for (index, (tx, sender)) in transactions.iter().zip(senders).enumerate() {
        let gas_available = header.gas_limit - applied.gas_used;
        let tx_blob_gas = check_transaction(index, tx, gas_available, applied.blob_gas_used, blob_params)?;
        applied.blob_gas_used += tx_blob_gas;
        process_transaction(evm, index, tx, *sender, &mut applied)?;
    }
    Ok(applied)
}

/// Executes and commits one transaction on revm's plain interpreter loop, or
/// again with [`CollisionCheck`] when it read an account a CREATE could collide
/// with by its storage alone.
///
/// Why: the inspector's hooks cost every instruction, and only EIP-7610's
/// storage rule needs them; an account with storage but no nonce or code is
/// rare, and a CREATE at an address loads that account from the database first,
/// which is where [`WitnessDb`] marks it.
fn execute_transaction(evm: &mut Evm<'_>, tx: TxEnv) -> Result<ExecutionResult, EVMError<StfError>> {
    evm.ctx.db_mut().take_create_hazard();
    let mut run = evm.transact(tx.clone());
    if evm.ctx.db_mut().take_create_hazard() {
        run = evm.inspect_tx(tx);
    }
    let run = run?;
    evm.commit(run.state);
    Ok(run.result)
}

/// Whether the block still has room for `tx`; returns the blob gas it takes.
fn check_transaction(
    index: usize,
    tx: &EthereumTxEnvelope<TxEip4844>,
    gas_available: u64,
    blob_gas_used: u64,
    blob_params: Option<BlobParams>,
) -> Result<u64, StfError> {
    if tx.gas_limit() > gas_available {
        return Err(StfError::InvalidTransaction {
            index,
            reason: format!("gas limit {} exceeds the {} gas left in the block", tx.gas_limit(), gas_available),
        });
    }
    let Some(hashes) = tx.blob_versioned_hashes() else {
        return Ok(0);
    };
    let max = blob_params.map(|p| p.max).unwrap_or(0) * GAS_PER_BLOB;
    let tx_blob_gas = hashes.len() as u64 * GAS_PER_BLOB;
    if blob_gas_used + tx_blob_gas > max {
        return Err(StfError::InvalidTransaction {
            index,
            reason: format!("blob gas {} would exceed the block maximum {max}", blob_gas_used + tx_blob_gas),
        });
    }
    Ok(tx_blob_gas)
}

/// Executes one transaction, commits its state and records its receipt.
fn process_transaction(
    evm: &mut Evm<'_>,
    index: usize,
    tx: &EthereumTxEnvelope<TxEip4844>,
    sender: Address,
    applied: &mut Applied,
) -> Result<(), StfError> {
    let result = execute_transaction(evm, tx_env(tx, sender)).map_err(|e| evm_error(index, e))?;
    evm.ctx.db_mut().check()?;
    let gas_used = result.tx_gas_used();
    applied.gas_used += gas_used;
    let receipt = Receipt {
        status: Eip658Value::Eip658(result.is_success()),
        cumulative_gas_used: applied.gas_used,
        logs: result.logs().to_vec(),
    };
    let bloom = logs_bloom(receipt.logs.iter());
    applied.outcomes.push(TxOutcome {
        hash: *tx.hash(),
        tx_type: tx.ty(),
        sender,
        success: result.is_success(),
        gas_used,
        cumulative_gas_used: applied.gas_used,
        logs: receipt.logs.len(),
    });
    applied.logs.extend(receipt.logs.iter().cloned());
    let with_bloom = ReceiptWithBloom::new(receipt, bloom);
    applied.receipts.push(match tx.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
    });
    Ok(())
}

/// Credits each withdrawal (amounts in gwei).
fn process_withdrawals(db: &mut WitnessDb<'_>, withdrawals: &[Withdrawal]) -> Result<(), StfError> {
    for w in withdrawals {
        let amount = U256::from(w.amount) * U256::from(1_000_000_000u64);
        db.increment_balance(w.address, amount)?;
    }
    Ok(())
}

/// EIP-7685 requests (from Prague): deposits from the logs (EIP-6110), then
/// the withdrawal (EIP-7002) and consolidation (EIP-7251) request queues, whose
/// contracts must exist and whose system calls must succeed. Returns the
/// requests hash; None before Prague.
fn process_general_purpose_requests(
    evm: &mut Evm<'_>,
    chain: &ChainConfig,
    fork: Fork,
    beneficiary: Address,
    logs: &[Log],
) -> Result<Option<B256>, StfError> {
    if fork < Fork::Prague {
        return Ok(None);
    }
    let mut requests = Requests::default();
    requests.push_request_with_type(0, deposit_requests(chain, logs)?);
    for (ty, contract) in [(1u8, WITHDRAWAL_REQUEST_ADDRESS), (2u8, CONSOLIDATION_REQUEST_ADDRESS)] {
        if !evm.ctx.db_mut().has_code(contract)? {
            return Err(StfError::SystemCall { contract, reason: "no code at the system contract (Prague)".into() });
        }
        let output = system_call(evm, contract, Bytes::new(), beneficiary, true)?;
        requests.push_request_with_type(ty, output);
    }
    Ok(Some(requests.requests_hash()))
}

/// `claimed` with every field execution determines replaced by its computed value.
fn computed_header(
    claimed: &Header,
    body: &Body,
    applied: &Applied,
    state_root: B256,
    blob_gas_used: Option<u64>,
    requests_hash: Option<B256>,
) -> Header {
    let mut logs_bloom = Bloom::ZERO;
    for r in &applied.receipts {
        logs_bloom.accrue_bloom(r.logs_bloom());
    }
    let mut computed = claimed.clone();
    computed.state_root = state_root;
    computed.transactions_root = body.transactions_root;
    computed.receipts_root = calculate_receipt_root(&applied.receipts);
    computed.logs_bloom = logs_bloom;
    computed.gas_used = applied.gas_used;
    computed.withdrawals_root = body.withdrawals_root;
    computed.blob_gas_used = blob_gas_used;
    computed.requests_hash = requests_hash;
    computed
}

/// Compares every computed field with the claimed one: with `check`, the
/// first difference is the error; otherwise the differences are listed.
pub(crate) fn compare_header(
    claimed: &Header,
    computed: &Header,
    check: bool,
) -> Result<Vec<(&'static str, String, String)>, StfError> {
    let mut list = Vec::new();
    mismatch("gas_used", claimed.gas_used, computed.gas_used, check, &mut list)?;
    mismatch("transactions_root", claimed.transactions_root, computed.transactions_root, check, &mut list)?;
    mismatch(
        "withdrawals_root",
        opt_display(claimed.withdrawals_root),
        opt_display(computed.withdrawals_root),
        check,
        &mut list,
    )?;
    mismatch(
        "blob_gas_used",
        opt_display(claimed.blob_gas_used),
        opt_display(computed.blob_gas_used),
        check,
        &mut list,
    )?;
    mismatch(
        "requests_hash",
        opt_display(claimed.requests_hash),
        opt_display(computed.requests_hash),
        check,
        &mut list,
    )?;
    mismatch("logs_bloom", claimed.logs_bloom, computed.logs_bloom, check, &mut list)?;
    mismatch("receipts_root", claimed.receipts_root, computed.receipts_root, check, &mut list)?;
    mismatch("state_root", claimed.state_root, computed.state_root, check, &mut list)?;
    Ok(list)
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
#[derive(Debug, Clone, Copy, Default)]
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
fn system_call(
    evm: &mut Evm<'_>,
    contract: Address,
    data: Bytes,
    beneficiary: Address,
    checked: bool,
) -> Result<Bytes, StfError> {
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

//! A [`FaultInput`] from a live chain's JSON-RPC answers, and the inverse (a
//! `FaultInput` as the answers a node would give) for the local devnet.
//!
//! Why here and not in Python: every piece is parsed with the consensus types
//! the program itself reads (alloy's serde forms of headers, transactions and
//! receipts; `refute-stf`'s witness JSON), and checked as it arrives — a header
//! must hash to the hash the node claimed, a transaction or receipt list to
//! its header's root, the witness must end at the agreed block — so a node
//! that lies or answers for the wrong block is named at once, not discovered
//! later as a refused proof. Each failure is a [`SourceError`] naming the piece.
//!
//! Which L1 data (`docs/protocol.md`, "Which L1 data a bundle holds"): headers
//! from `l1_head` back to the agreed block's L1 origin; whole transaction lists
//! of a consecutive window of L1 blocks the caller chooses; the receipts of
//! the origin's successor (block `N` either keeps the parent's origin, needing
//! no receipts, or advances to it); the blobs of the batcher's blob
//! transactions in that window, in the order their versioned hashes appear.

use alloc::{format, string::String, vec::Vec};

use alloy_consensus::{Header, ReceiptEnvelope, Transaction, TxEnvelope};
use alloy_eips::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, Bytes, B256};
use alloy_trie::{root::ordered_trie_root_with_encoder, EMPTY_ROOT_HASH};
use op_alloy_consensus::OpTxEnvelope;
use refute_forks::OpForkSchedule;
use refute_stf::Witness;
use serde_json::{json, Map, Value};

use crate::{
    config::{BlobFeeStep, RollupConfig, CONFIG_VERSION},
    input::{FaultInput, L2Ancestor, OutputPreimage, INPUT_VERSION, MAX_L2_ANCESTORS},
    l1::{BlockReceipts, BlockTransactions},
    l1_info::{parse_deposit, L1Info, L1InfoFormat},
};

/// A piece of chain data that is missing or does not check out.
///
/// `piece` is a stable name for what was wrong (`rollup_config`, `output`,
/// `parent_block`, `witness`, `l1_block`, `l1_transactions`, `l1_receipts`,
/// `blobs`, `request`); the message says which block or field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub piece: &'static str,
    pub message: String,
}

impl core::fmt::Display for SourceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.piece, self.message)
    }
}

impl core::error::Error for SourceError {}

pub type SourceResult<T> = Result<T, SourceError>;

fn err<T>(piece: &'static str, message: impl Into<String>) -> SourceResult<T> {
    Err(SourceError { piece, message: message.into() })
}

fn field<'v>(v: &'v Value, name: &str, piece: &'static str) -> SourceResult<&'v Value> {
    match v.get(name) {
        None | Some(Value::Null) => err(piece, format!("no {name:?} field")),
        Some(x) => Ok(x),
    }
}

/// A JSON number or a 0x-hex quantity string.
fn uint(v: &Value, name: &str, piece: &'static str) -> SourceResult<u64> {
    let x = field(v, name, piece)?;
    let parsed = match x {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => s.parse().ok(),
        },
        _ => None,
    };
    parsed.ok_or_else(|| SourceError { piece, message: format!("{name}: {x} is not a uint64") })
}

fn opt_uint(v: &Value, name: &str, piece: &'static str) -> SourceResult<Option<u64>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => uint(v, name, piece).map(Some),
    }
}

fn word(v: &Value, name: &str, piece: &'static str) -> SourceResult<B256> {
    let x = field(v, name, piece)?;
    x.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| SourceError { piece, message: format!("{name}: {x} is not a 32-byte hex word") })
}

fn address(v: &Value, name: &str, piece: &'static str) -> SourceResult<Address> {
    let x = field(v, name, piece)?;
    x.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| SourceError { piece, message: format!("{name}: {x} is not an address") })
}

fn hex_bytes(v: &Value, what: &str, piece: &'static str) -> SourceResult<Bytes> {
    v.as_str()
        .and_then(|s| s.parse::<Bytes>().ok())
        .ok_or_else(|| SourceError { piece, message: format!("{what}: not 0x-hex bytes") })
}

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

fn ordered_root(items: &[Bytes]) -> B256 {
    ordered_trie_root_with_encoder(items, |item: &Bytes, buf: &mut Vec<u8>| buf.extend_from_slice(item))
}

// ---- rollup configuration -------------------------------------------------------------

/// The L1 blob fee schedule of Ethereum mainnet (EIP-4844 Cancun, EIP-7691 Prague,
/// the BPO1 and BPO2 forks of Fusaka), for nodes that do not serve `eth_config`.
/// Times are the forks' activation timestamps in ethereum/execution-specs' upgrade
/// schedules; fractions are alloy-eips' EIP-4844/7691/7892 constants.
pub fn known_blob_schedule(l1_chain_id: u64) -> Option<Vec<BlobFeeStep>> {
    match l1_chain_id {
        1 => Some(alloc::vec![
            BlobFeeStep { time: 1_710_338_135, update_fraction: 3_338_477 },
            BlobFeeStep { time: 1_746_612_311, update_fraction: 5_007_716 },
            BlobFeeStep { time: 1_765_290_071, update_fraction: 8_346_193 },
            BlobFeeStep { time: 1_767_747_671, update_fraction: 11_684_671 },
        ]),
        _ => None,
    }
}

/// A blob fee schedule as `[{"time", "update_fraction"}]`.
pub fn blob_schedule_from_json(v: &Value) -> SourceResult<Vec<BlobFeeStep>> {
    const P: &str = "l1_blob_schedule";
    let items = v.as_array().ok_or_else(|| SourceError { piece: P, message: "expected a list".into() })?;
    items
        .iter()
        .map(|s| Ok(BlobFeeStep { time: uint(s, "time", P)?, update_fraction: uint(s, "update_fraction", P)? }))
        .collect()
}

/// op-node's `optimism_rollupConfig` answer as a [`RollupConfig`]; `schedule` is the
/// L1 blob fee schedule (op-node does not serve it), or the known one of the L1 chain.
pub fn rollup_config_from_json(v: &Value, schedule: Option<Vec<BlobFeeStep>>) -> SourceResult<RollupConfig> {
    const P: &str = "rollup_config";
    let genesis = field(v, "genesis", P)?;
    let l1 = field(genesis, "l1", P)?;
    let l2 = field(genesis, "l2", P)?;
    let system = field(genesis, "system_config", P)?;
    let op = v.get("chain_op_config").filter(|c| !c.is_null()).ok_or_else(|| SourceError {
        piece: P,
        message: "no \"chain_op_config\" (EIP-1559 parameters); this op-node is too old to serve them".into(),
    })?;
    let mut times = OpForkSchedule::default().times();
    for (slot, name) in OpForkSchedule::NAMES.iter().enumerate() {
        times[slot] = opt_uint(v, &format!("{name}_time"), P)?;
    }
    let l1_chain_id = uint(v, "l1_chain_id", P)?;
    let l1_blob_schedule = match schedule {
        Some(s) => s,
        None => known_blob_schedule(l1_chain_id).ok_or_else(|| SourceError {
            piece: "l1_blob_schedule",
            message: format!(
                "the L1 blob fee schedule of L1 chain {l1_chain_id} is not known and the L1 node did not serve it \
                 (eth_config)"
            ),
        })?,
    };
    let config = RollupConfig {
        version: CONFIG_VERSION,
        l2_chain_id: uint(v, "l2_chain_id", P)?,
        l1_chain_id,
        genesis_l1_hash: word(l1, "hash", P)?,
        genesis_l1_number: uint(l1, "number", P)?,
        genesis_l2_hash: word(l2, "hash", P)?,
        genesis_l2_number: uint(l2, "number", P)?,
        genesis_l2_time: uint(genesis, "l2_time", P)?,
        block_time: uint(v, "block_time", P)?,
        max_sequencer_drift: uint(v, "max_sequencer_drift", P)?,
        seq_window_size: uint(v, "seq_window_size", P)?,
        channel_timeout_bedrock: uint(v, "channel_timeout", P)?,
        batch_inbox: address(v, "batch_inbox_address", P)?,
        batcher: address(system, "batcherAddr", P)?,
        deposit_contract: address(v, "deposit_contract_address", P)?,
        system_config: address(v, "l1_system_config_address", P)?,
        forks: OpForkSchedule::from_times(times),
        eip1559_elasticity: uint(op, "eip1559Elasticity", P)?,
        eip1559_denominator: uint(op, "eip1559Denominator", P)?,
        eip1559_denominator_canyon: uint(op, "eip1559DenominatorCanyon", P)?,
        l1_blob_schedule,
    };
    config.validate().map_err(|e| SourceError { piece: P, message: format!("{e}") })?;
    Ok(config)
}

/// A [`RollupConfig`] in op-node's `optimism_rollupConfig` shape.
pub fn rollup_config_to_json(c: &RollupConfig) -> Value {
    let mut v = json!({
        "genesis": {
            "l1": {"hash": c.genesis_l1_hash, "number": c.genesis_l1_number},
            "l2": {"hash": c.genesis_l2_hash, "number": c.genesis_l2_number},
            "l2_time": c.genesis_l2_time,
            "system_config": {"batcherAddr": c.batcher, "gasLimit": 30_000_000u64},
        },
        "block_time": c.block_time,
        "max_sequencer_drift": c.max_sequencer_drift,
        "seq_window_size": c.seq_window_size,
        "channel_timeout": c.channel_timeout_bedrock,
        "l1_chain_id": c.l1_chain_id,
        "l2_chain_id": c.l2_chain_id,
        "batch_inbox_address": c.batch_inbox,
        "deposit_contract_address": c.deposit_contract,
        "l1_system_config_address": c.system_config,
        "chain_op_config": {
            "eip1559Elasticity": c.eip1559_elasticity,
            "eip1559Denominator": c.eip1559_denominator,
            "eip1559DenominatorCanyon": c.eip1559_denominator_canyon,
        },
    });
    for (name, time) in OpForkSchedule::NAMES.iter().zip(c.forks.times()) {
        if let Some(t) = time {
            v[format!("{name}_time")] = json!(t);
        }
    }
    v
}

// ---- L2: the agreed output and block ----------------------------------------------------

/// `optimism_outputAtBlock(N − 1)`: the output root, its preimage, and the block's L1 origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgreedOutput {
    pub root: B256,
    pub preimage: OutputPreimage,
    pub number: u64,
    pub l1_origin: (u64, B256),
}

/// Parses and checks `optimism_outputAtBlock`'s answer (version 0; the root is its preimage's).
pub fn output_from_json(v: &Value) -> SourceResult<AgreedOutput> {
    const P: &str = "output";
    let version = word(v, "version", P)?;
    if version != B256::ZERO {
        return err(P, format!("output version {version} (only version 0 is defined)"));
    }
    let block = field(v, "blockRef", P)?;
    let origin = field(block, "l1origin", P)?;
    let preimage = OutputPreimage {
        state_root: word(v, "stateRoot", P)?,
        message_passer_storage_root: word(v, "withdrawalStorageRoot", P)?,
        block_hash: word(block, "hash", P)?,
    };
    let root = word(v, "outputRoot", P)?;
    if preimage.root() != root {
        return err(
            P,
            format!(
                "outputRoot {root} is not the hash of the state root, withdrawal storage root and block hash given"
            ),
        );
    }
    Ok(AgreedOutput {
        root,
        preimage,
        number: uint(block, "number", P)?,
        l1_origin: (uint(origin, "number", P)?, word(origin, "hash", P)?),
    })
}

/// An output in `optimism_outputAtBlock`'s shape.
pub fn output_to_json(output: &AgreedOutput, header: &Header, sequence_number: u64) -> Value {
    json!({
        "version": B256::ZERO,
        "outputRoot": output.root,
        "blockRef": {
            "hash": output.preimage.block_hash,
            "number": output.number,
            "parentHash": header.parent_hash,
            "timestamp": header.timestamp,
            "l1origin": {"hash": output.l1_origin.1, "number": output.l1_origin.0},
            "sequenceNumber": sequence_number,
        },
        "withdrawalStorageRoot": output.preimage.message_passer_storage_root,
        "stateRoot": output.preimage.state_root,
    })
}

/// Some nodes write a deposit's `isSystemTx` as a JSON boolean; op-alloy reads a quantity.
fn normalise_op_block(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(txs) = v.get_mut("transactions").and_then(Value::as_array_mut) {
        for tx in txs {
            if let Some(flag) = tx.get("isSystemTx").and_then(Value::as_bool) {
                tx["isSystemTx"] = Value::from(if flag { "0x1" } else { "0x0" });
            }
        }
    }
    v
}

/// The hash of `header`, checked against the JSON's `hash`: a node's header
/// that does not hash to the hash it names is refused (`what` names the block
/// in the message, e.g. "L2 block").
fn checked_hash(v: &Value, header: &Header, piece: &'static str, what: &str) -> SourceResult<B256> {
    let what = format!("{what} {}", header.number);
    let claimed =
        word(v, "hash", piece).map_err(|e| SourceError { piece, message: format!("{what}: {}", e.message) })?;
    let hash = header.hash_slow();
    if hash != claimed {
        return err(piece, format!("{what}: the header hashes to {hash}, the node said {claimed}"));
    }
    Ok(hash)
}

/// An L2 block with full transactions: its header, hash (checked against the JSON
/// `hash`) and transactions (checked against its transactions root).
pub fn l2_block_from_json(v: &Value) -> SourceResult<(Header, B256, Vec<Bytes>)> {
    full_l2_block_from_json(v, "parent_block")
}

fn full_l2_block_from_json(v: &Value, piece: &'static str) -> SourceResult<(Header, B256, Vec<Bytes>)> {
    let block = refute_stf::rpc::op_block_from_rpc_json(&normalise_op_block(v))
        .map_err(|e| SourceError { piece, message: format!("{e}") })?;
    let hash = checked_hash(v, &block.header, piece, "L2 block")?;
    let txs: Vec<Bytes> = block.body.transactions.iter().map(|t| Bytes::from(t.encoded_2718())).collect();
    let root = ordered_root(&txs);
    if root != block.header.transactions_root {
        return err(
            piece,
            format!(
                "L2 block {}: its {} transactions hash to {root}, not its transactions root {}",
                block.header.number,
                txs.len(),
                block.header.transactions_root
            ),
        );
    }
    Ok((block.header, hash, txs))
}

fn header_json(header: &Header) -> SourceResult<Value> {
    let mut v = serde_json::to_value(header)
        .map_err(|e| SourceError { piece: "request", message: format!("header {}: {e}", header.number) })?;
    v["hash"] = json!(header.hash_slow());
    Ok(v)
}

/// An L2 block in `eth_getBlockByNumber(…, true)`'s shape.
pub fn l2_block_to_json(header: &Header, transactions: &[Bytes]) -> SourceResult<Value> {
    let mut v = header_json(header)?;
    let mut txs = Vec::with_capacity(transactions.len());
    for (i, raw) in transactions.iter().enumerate() {
        let tx = OpTxEnvelope::decode_2718(&mut raw.as_ref())
            .map_err(|e| SourceError { piece: "parent_block", message: format!("transaction {i}: {e}") })?;
        let mut t = serde_json::to_value(&tx)
            .map_err(|e| SourceError { piece: "parent_block", message: format!("transaction {i}: {e}") })?;
        t["hash"] = json!(tx.tx_hash());
        txs.push(t);
    }
    v["transactions"] = Value::Array(txs);
    Ok(v)
}

/// The agreed block's ancestors of an assemble request (`l2_ancestors`: block
/// `N − 2` first, each the parent of the one before), each with full
/// transactions (checked against its root) or their hashes only.
fn l2_ancestors_from_json(req: &Value, agreed: &Header) -> SourceResult<Vec<L2Ancestor>> {
    const P: &str = "l2_ancestors";
    let Some(list) = req.get(P).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or_else(|| SourceError { piece: P, message: "expected a list".into() })?;
    if list.len() > MAX_L2_ANCESTORS {
        return err(P, format!("{} L2 ancestors exceed the cap of {MAX_L2_ANCESTORS}", list.len()));
    }
    let mut ancestors = Vec::with_capacity(list.len());
    let mut child_parent_hash = agreed.parent_hash;
    for v in list {
        let full = v.get("transactions").and_then(Value::as_array).is_some_and(|t| t.iter().any(Value::is_object));
        let (header, hash, transactions) = if full {
            full_l2_block_from_json(v, P)?
        } else {
            let header = refute_stf::rpc::header_from_rpc_json(&normalise_op_block(v))
                .map_err(|e| SourceError { piece: P, message: format!("{e}") })?;
            let hash = checked_hash(v, &header, P, "L2 block")?;
            (header, hash, Vec::new())
        };
        if hash != child_parent_hash {
            return err(
                P,
                format!(
                    "L2 block {} ({hash}) is not the parent {child_parent_hash} of the block after it",
                    header.number
                ),
            );
        }
        child_parent_hash = header.parent_hash;
        ancestors.push(L2Ancestor { header, transactions });
    }
    Ok(ancestors)
}

// ---- L1 ----------------------------------------------------------------------------------

/// One L1 block as the node gave it: header checked against the claimed hash;
/// `transactions` when it was fetched with full transactions (checked against the root).
#[derive(Debug, Clone)]
pub struct L1Block {
    pub header: Header,
    pub hash: B256,
    pub transactions: Option<Vec<Bytes>>,
}

/// An `eth_getBlockByHash/Number` answer (full transactions or hashes only).
pub fn l1_block_from_json(v: &Value) -> SourceResult<L1Block> {
    const P: &str = "l1_block";
    let header =
        refute_stf::rpc::header_from_rpc_json(v).map_err(|e| SourceError { piece: P, message: format!("{e}") })?;
    let hash = checked_hash(v, &header, P, "L1 block")?;
    let full = v.get("transactions").and_then(Value::as_array).is_some_and(|t| t.iter().all(Value::is_object));
    let listed = v.get("transactions").and_then(Value::as_array).map_or(0, Vec::len);
    let transactions = if full && listed > 0 {
        let block = refute_stf::rpc::block_from_rpc_json(v).map_err(|e| SourceError {
            piece: "l1_transactions",
            message: format!("L1 block {}: {e}", header.number),
        })?;
        Some(block.body.transactions.iter().map(|t| Bytes::from(t.encoded_2718())).collect::<Vec<_>>())
    } else if listed == 0 {
        Some(Vec::new())
    } else {
        None
    };
    if let Some(txs) = &transactions {
        let root = ordered_root(txs);
        if root != header.transactions_root {
            return err(
                "l1_transactions",
                format!(
                    "L1 block {}: its {} transactions hash to {root}, not its transactions root {}",
                    header.number,
                    txs.len(),
                    header.transactions_root
                ),
            );
        }
    }
    Ok(L1Block { header, hash, transactions })
}

/// An L1 block in `eth_getBlockByHash(…, true)`'s shape; `None` transactions
/// (not known) serve as `null`.
pub fn l1_block_to_json(header: &Header, transactions: Option<&[Bytes]>) -> SourceResult<Value> {
    let mut v = header_json(header)?;
    v["transactions"] = match transactions {
        None => Value::Null,
        Some(list) => {
            let mut txs = Vec::with_capacity(list.len());
            for (i, raw) in list.iter().enumerate() {
                let tx = TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| SourceError {
                    piece: "l1_transactions",
                    message: format!("L1 block {} transaction {i}: {e}", header.number),
                })?;
                let mut t = serde_json::to_value(&tx).map_err(|e| SourceError {
                    piece: "l1_transactions",
                    message: format!("L1 block {} transaction {i}: {e}", header.number),
                })?;
                t["hash"] = json!(tx.tx_hash());
                txs.push(t);
            }
            Value::Array(txs)
        }
    };
    Ok(v)
}

/// An `eth_getBlockReceipts` answer for `header`'s block, as EIP-2718 encodings
/// checked against its receipts root.
pub fn receipts_from_json(v: &Value, header: &Header) -> SourceResult<Vec<Bytes>> {
    const P: &str = "l1_receipts";
    let items = v.as_array().ok_or_else(|| SourceError {
        piece: P,
        message: format!("L1 block {}: expected a list of receipts, got {v}", header.number),
    })?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut item = item.clone();
        if item.get("type").is_none() {
            item["type"] = json!("0x0");
        }
        let receipt: ReceiptEnvelope = serde_json::from_value(item)
            .map_err(|e| SourceError { piece: P, message: format!("L1 block {} receipt {i}: {e}", header.number) })?;
        out.push(Bytes::from(receipt.encoded_2718()));
    }
    let root = ordered_root(&out);
    if root != header.receipts_root {
        return err(
            P,
            format!(
                "L1 block {}: its {} receipts hash to {root}, not its receipts root {}",
                header.number,
                out.len(),
                header.receipts_root
            ),
        );
    }
    Ok(out)
}

/// Receipts in `eth_getBlockReceipts`' shape (the consensus fields).
pub fn receipts_to_json(receipts: &[Bytes]) -> SourceResult<Value> {
    let mut out = Vec::with_capacity(receipts.len());
    for (i, raw) in receipts.iter().enumerate() {
        let r = ReceiptEnvelope::decode_2718(&mut raw.as_ref())
            .map_err(|e| SourceError { piece: "l1_receipts", message: format!("receipt {i}: {e}") })?;
        out.push(
            serde_json::to_value(&r)
                .map_err(|e| SourceError { piece: "l1_receipts", message: format!("receipt {i}: {e}") })?,
        );
    }
    Ok(Value::Array(out))
}

// ---- the plan: what to fetch ------------------------------------------------------------

/// What the agreed block fixes about the L1 data to fetch.
#[derive(Debug, Clone)]
pub struct Plan {
    pub config: RollupConfig,
    pub output: AgreedOutput,
    pub parent: Header,
    pub parent_transactions: Vec<Bytes>,
    pub l1_info: L1Info,
    pub batcher: Address,
}

impl Plan {
    /// The disputed block's number.
    pub fn l2_block(&self) -> u64 {
        self.parent.number + 1
    }

    pub fn to_json(&self) -> Value {
        json!({
            "l2_block": self.l2_block(),
            "agreed_block": {"number": self.parent.number, "hash": self.output.preimage.block_hash,
                             "timestamp": self.parent.timestamp},
            "agreed_output_root": self.output.root,
            "l1_origin": {"number": self.l1_info.l1_number, "hash": self.l1_info.l1_hash},
            "batcher": self.batcher,
            "batch_inbox": self.config.batch_inbox,
            "channel_timeout": self.config.channel_timeout_bedrock,
            "seq_window_size": self.config.seq_window_size,
            "full_window_start": crate::window::full_start(
                &self.config,
                self.l1_info.l1_number,
                self.parent.timestamp + self.config.block_time,
            ),
            "rollup_config_hash": self.config.hash(),
        })
    }
}

fn request_schedule(req: &Value) -> SourceResult<Option<Vec<BlobFeeStep>>> {
    match req.get("l1_blob_schedule") {
        None | Some(Value::Null) => Ok(None),
        Some(s) => blob_schedule_from_json(s).map(Some),
    }
}

/// Checks the rollup config, the agreed output and block `N − 1` against each other.
/// Request fields: `l2_block`, `rollup_config`, `l1_blob_schedule` (optional),
/// `output`, `parent_block`.
pub fn plan(req: &Value) -> SourceResult<Plan> {
    let n = uint(req, "l2_block", "request")?;
    if n == 0 {
        return err("request", "block 0 is genesis: it has no agreed parent to dispute from");
    }
    let config = rollup_config_from_json(field(req, "rollup_config", "request")?, request_schedule(req)?)?;
    let output = output_from_json(field(req, "output", "request")?)?;
    if output.number != n - 1 {
        return err("output", format!("the output is of L2 block {}, not the agreed block {}", output.number, n - 1));
    }
    let (parent, hash, parent_transactions) = l2_block_from_json(field(req, "parent_block", "request")?)?;
    if parent.number != n - 1 {
        return err("parent_block", format!("the node answered with L2 block {}, not {}", parent.number, n - 1));
    }
    if hash != output.preimage.block_hash {
        return err(
            "parent_block",
            format!(
                "L2 block {} hashes to {hash}, the agreed output names {}",
                parent.number, output.preimage.block_hash
            ),
        );
    }
    if parent.state_root != output.preimage.state_root {
        return err(
            "output",
            format!(
                "the output's state root {} is not block {}'s {}",
                output.preimage.state_root, parent.number, parent.state_root
            ),
        );
    }
    let first = parent_transactions.first().ok_or_else(|| SourceError {
        piece: "parent_block",
        message: format!("L2 block {} has no transactions", parent.number),
    })?;
    let format = L1InfoFormat::for_fork(config.forks.fork_at(parent.timestamp))
        .map_err(|e| SourceError { piece: "rollup_config", message: format!("{e}") })?;
    let l1_info = parse_deposit(format, first)
        .map_err(|e| SourceError { piece: "parent_block", message: format!("L2 block {}: {e}", parent.number) })?;
    if (l1_info.l1_number, l1_info.l1_hash) != output.l1_origin {
        return err(
            "output",
            format!(
                "the output names L1 origin {} ({}), block {}'s L1-info deposit {} ({})",
                output.l1_origin.0, output.l1_origin.1, parent.number, l1_info.l1_number, l1_info.l1_hash
            ),
        );
    }
    let batcher = l1_info.batcher().map_err(|e| SourceError { piece: "parent_block", message: format!("{e}") })?;
    Ok(Plan { config, output, parent, parent_transactions, l1_info, batcher })
}

/// One blob derivation reads: the versioned hash of a batcher blob transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobRequest {
    pub l1_block: u64,
    pub timestamp: u64,
    pub versioned_hash: B256,
}

/// The blobs of the batcher's blob transactions (to the inbox, signed by the
/// batcher) in `blocks` (ascending), in the order the program reads them.
pub fn blob_requests(plan: &Plan, blocks: &[L1Block]) -> SourceResult<Vec<BlobRequest>> {
    let mut out = Vec::new();
    for block in blocks {
        let txs = block.transactions.as_ref().ok_or_else(|| SourceError {
            piece: "l1_transactions",
            message: format!("L1 block {} was given without its full transactions", block.header.number),
        })?;
        for (index, raw) in txs.iter().enumerate() {
            let tx = TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| SourceError {
                piece: "l1_transactions",
                message: format!("L1 block {} transaction {index}: {e}", block.header.number),
            })?;
            if tx.to() != Some(plan.config.batch_inbox) || !matches!(tx, TxEnvelope::Eip4844(_)) {
                continue;
            }
            let sig = tx.signature();
            let sender =
                refute_stf::sender::recover_address(tx.signature_hash(), sig.r(), sig.s(), sig.v()).map_err(|e| {
                    SourceError {
                        piece: "l1_transactions",
                        message: format!("L1 block {} transaction {index}: bad signature: {e}", block.header.number),
                    }
                })?;
            if sender != plan.batcher {
                continue;
            }
            for hash in tx.blob_versioned_hashes().unwrap_or_default() {
                out.push(BlobRequest {
                    l1_block: block.header.number,
                    timestamp: block.header.timestamp,
                    versioned_hash: *hash,
                });
            }
        }
    }
    Ok(out)
}

// ---- assembling ---------------------------------------------------------------------------

/// The L1 part of a request: headers from `l1_head` back to the agreed origin, the
/// transaction window (ascending), the receipts given.
struct L1Part {
    head: B256,
    headers: Vec<Header>,
    window: Vec<L1Block>,
}

fn l1_part(req: &Value, plan: &Plan) -> SourceResult<L1Part> {
    let head = word(req, "l1_head", "request")?;
    let blocks = field(req, "l1_blocks", "request")?
        .as_array()
        .ok_or_else(|| SourceError { piece: "request", message: "l1_blocks: expected a list".into() })?;
    let window = field(req, "l1_transactions", "request")?;
    let (from, to) = (uint(window, "from", "request")?, uint(window, "to", "request")?);
    let origin = plan.l1_info.l1_number;
    if from > origin + 1 || to < from {
        return err(
            "request",
            format!(
                "the L1 transaction window {from}..={to} must start at or before block {}, right after the agreed L1 origin {origin}",
                origin + 1
            ),
        );
    }
    let lowest = origin.min(from);
    let mut expected = head;
    let mut headers = Vec::with_capacity(blocks.len());
    let mut window_blocks = Vec::new();
    for (i, v) in blocks.iter().enumerate() {
        let block = l1_block_from_json(v)?;
        if block.hash != expected {
            return err(
                "l1_block",
                if i == 0 {
                    format!("L1 block {} hashes to {}, not l1_head {head}", block.header.number, block.hash)
                } else {
                    format!(
                        "L1 block {} hashes to {}, not the parent hash {expected} of the block after it",
                        block.header.number, block.hash
                    )
                },
            );
        }
        let number = block.header.number;
        expected = block.header.parent_hash;
        if (from..=to).contains(&number) {
            if block.transactions.is_none() {
                return err(
                    "l1_transactions",
                    format!("L1 block {number} is in the transaction window but was given without full transactions"),
                );
            }
            window_blocks.push(block.clone());
        }
        headers.push(block.header);
        if number == origin && block.hash != plan.l1_info.l1_hash {
            return err(
                "l1_block",
                format!(
                    "L1 block {origin} on the chain to l1_head is {}, but the agreed block's L1 origin is {}",
                    block.hash, plan.l1_info.l1_hash
                ),
            );
        }
        if number <= lowest {
            break;
        }
    }
    if headers.last().map(|h| h.number) != Some(lowest) {
        let reached = headers.last().map_or_else(|| "none".into(), |h| format!("L1 block {}", h.number));
        return err(
            "l1_block",
            format!(
                "the L1 blocks given from l1_head stop at {reached}, before block {lowest} (the agreed L1 origin is {origin}, the window starts at {from})"
            ),
        );
    }
    window_blocks.reverse();
    if window_blocks.len() as u64 != to - from + 1 {
        return err(
            "l1_transactions",
            format!(
                "the L1 transaction window {from}..={to} is not on the chain from l1_head (it reaches block {})",
                headers.first().map_or(0, |h| h.number)
            ),
        );
    }
    Ok(L1Part { head, headers, window: window_blocks })
}

/// Checks the blob fee schedule against the chain: block `N − 1`'s L1-info deposit
/// records its origin's blob base fee, which the schedule must reproduce from the
/// origin's header. A schedule that does not (a wrong `eth_config`, or a chain
/// whose op-node kept an older fraction) would derive a different L1-info deposit.
fn check_blob_schedule(plan: &Plan, headers: &[Header]) -> SourceResult<()> {
    let Some(origin) = headers.last().filter(|h| h.number == plan.l1_info.l1_number) else {
        return Ok(());
    };
    let fraction = || plan.config.blob_update_fraction(origin.timestamp);
    let recomputed = plan
        .l1_info
        .with_origin(origin, fraction)
        .map_err(|e| SourceError { piece: "l1_blob_schedule", message: format!("L1 block {}: {e}", origin.number) })?;
    if recomputed.l1_blob_base_fee != plan.l1_info.l1_blob_base_fee {
        return err(
            "l1_blob_schedule",
            format!(
                "the blob fee schedule gives L1 block {} a blob base fee of {}, but L2 block {}'s L1-info deposit \
                 records {}",
                origin.number, recomputed.l1_blob_base_fee, plan.parent.number, plan.l1_info.l1_blob_base_fee
            ),
        );
    }
    Ok(())
}

/// The blob requests of an assemble request without its blobs (what to fetch
/// from the beacon API), and the L1 blocks whose receipts the program needs
/// ([`receipt_numbers`]).
pub fn blob_requests_for(req: &Value) -> SourceResult<(Plan, Vec<BlobRequest>, Vec<u64>)> {
    let plan = plan(req)?;
    let l1 = l1_part(req, &plan)?;
    let requests = blob_requests(&plan, &l1.window)?;
    let receipts = receipt_numbers(&plan, &l1);
    Ok((plan, requests, receipts))
}

/// The L1 blocks whose receipts the program reads, ascending: the next L1
/// origin's (its user deposits), when the chain given reaches it, and every
/// window block whose logs bloom admits a system config update
/// ([`crate::system_config`]).
fn receipt_numbers(plan: &Plan, l1: &L1Part) -> Vec<u64> {
    let next_origin = plan.l1_info.l1_number + 1;
    let mut numbers: Vec<u64> = l1.headers.iter().filter(|h| h.number == next_origin).map(|h| h.number).collect();
    numbers.extend(
        l1.window
            .iter()
            .filter(|b| crate::system_config::may_update(&b.header, plan.config.system_config))
            .map(|b| b.header.number),
    );
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// The whole [`FaultInput`] from an assemble request: the [`plan`] fields plus
/// `payout`, `witness`, `l1_head`, `l1_blocks` (from `l1_head` back to the
/// agreed L1 origin), `l1_transactions` (`{from, to}`: the window, starting
/// right after the origin), `l1_receipts` (`[{number, receipts}]`) and `blobs`
/// (0x-hex, in the order of [`blob_requests`]).
pub fn assemble(req: &Value) -> SourceResult<FaultInput> {
    let plan = plan(req)?;
    let payout = address(req, "payout", "request")?;
    let witness_json = field(req, "witness", "request")?;
    let text =
        serde_json::to_vec(witness_json).map_err(|e| SourceError { piece: "witness", message: format!("{e}") })?;
    let witness = Witness::from_json(&text).map_err(|e| SourceError { piece: "witness", message: format!("{e}") })?;
    witness.ancestors(plan.output.preimage.block_hash).map_err(|e| SourceError {
        piece: "witness",
        message: format!("not the witness of L2 block {}: {e}", plan.l2_block()),
    })?;
    let l1 = l1_part(req, &plan)?;
    check_blob_schedule(&plan, &l1.headers)?;
    let requests = blob_requests(&plan, &l1.window)?;
    let blobs = field(req, "blobs", "request")?
        .as_array()
        .ok_or_else(|| SourceError { piece: "blobs", message: "expected a list".into() })?
        .iter()
        .enumerate()
        .map(|(i, b)| hex_bytes(b, &format!("blob {i}"), "blobs"))
        .collect::<SourceResult<Vec<_>>>()?;
    if blobs.len() != requests.len() {
        return err(
            "blobs",
            format!("{} blobs given, the batcher's transactions in the window carry {}", blobs.len(), requests.len()),
        );
    }
    for (i, (blob, request)) in blobs.iter().zip(&requests).enumerate() {
        if blob.len() != refute_da::blob::BLOB_SIZE {
            return err(
                "blobs",
                format!(
                    "blob {i} ({}) has {} bytes, not {}",
                    request.versioned_hash,
                    blob.len(),
                    refute_da::blob::BLOB_SIZE
                ),
            );
        }
    }
    let mut l1_receipts = Vec::new();
    let given = req.get("l1_receipts").and_then(Value::as_array).cloned().unwrap_or_default();
    for item in &given {
        let number = uint(item, "number", "l1_receipts")?;
        let header = l1.headers.iter().find(|h| h.number == number).ok_or_else(|| SourceError {
            piece: "l1_receipts",
            message: format!("receipts given for L1 block {number}, which is not on the chain from l1_head"),
        })?;
        let receipts = receipts_from_json(field(item, "receipts", "l1_receipts")?, header)?;
        l1_receipts.push(BlockReceipts { number, receipts });
    }
    l1_receipts.sort_by_key(|r| r.number);
    let next_origin = plan.l1_info.l1_number + 1;
    for number in receipt_numbers(&plan, &l1) {
        if l1_receipts.iter().any(|r| r.number == number) {
            continue;
        }
        let why = if number == next_origin {
            format!("the next L1 origin, whose deposits block {} may include", plan.l2_block())
        } else {
            "its logs bloom may hold a system config update, which would change whose batcher data counts".into()
        };
        return err("l1_receipts", format!("the receipts of L1 block {number} ({why}) are missing"));
    }
    let l1_transactions = l1
        .window
        .iter()
        .map(|b| BlockTransactions {
            number: b.header.number,
            transactions: b.transactions.clone().unwrap_or_default(),
        })
        .collect();
    Ok(FaultInput {
        version: INPUT_VERSION,
        payout,
        config: plan.config,
        agreed_output_root: plan.output.root,
        agreed_output: plan.output.preimage,
        l2_ancestors: l2_ancestors_from_json(req, &plan.parent)?,
        parent_transactions: plan.parent_transactions,
        l1_head: l1.head,
        l1_headers: l1.headers,
        l1_transactions,
        l1_receipts,
        blobs,
        witness,
    })
}

// ---- serving ------------------------------------------------------------------------------

/// A [`FaultInput`] as the answers of the nodes it came from, for the devnet:
/// `rollup_config`, `l1_blob_schedule`, `l1_chain_id`, `l2_chain_id`, `l2_block`,
/// `l1_blocks` (ascending; `transactions` null where the input does not hold
/// them), `l1_receipts` (`{number: [...]}`, where known), `parent_block`,
/// `output`, `witness`, and `blobs` (`[{l1_block, timestamp, versioned_hash, blob}]`).
pub fn serve(input: &FaultInput) -> SourceResult<Value> {
    let parent = input
        .witness
        .headers
        .iter()
        .find(|h| h.hash_slow() == input.agreed_output.block_hash)
        .ok_or_else(|| SourceError { piece: "witness", message: "no witness header is the agreed block".into() })?;
    let format = L1InfoFormat::for_fork(input.config.forks.fork_at(parent.timestamp))
        .map_err(|e| SourceError { piece: "rollup_config", message: format!("{e}") })?;
    let first = input
        .parent_transactions
        .first()
        .ok_or_else(|| SourceError { piece: "parent_block", message: "the agreed block has no transactions".into() })?;
    let l1_info =
        parse_deposit(format, first).map_err(|e| SourceError { piece: "parent_block", message: format!("{e}") })?;
    let output = AgreedOutput {
        root: input.agreed_output_root,
        preimage: input.agreed_output,
        number: parent.number,
        l1_origin: (l1_info.l1_number, l1_info.l1_hash),
    };
    let mut headers: Vec<&Header> = input.l1_headers.iter().collect();
    headers.sort_by_key(|h| h.number);
    let mut blocks = Vec::with_capacity(headers.len());
    let mut receipts = Map::new();
    let mut window = Vec::new();
    for header in headers {
        let given = input.l1_transactions.iter().find(|b| b.number == header.number).map(|b| b.transactions.clone());
        let txs = given.or_else(|| (header.transactions_root == EMPTY_ROOT_HASH).then(Vec::new));
        blocks.push(l1_block_to_json(header, txs.as_deref())?);
        if let Some(txs) = &txs {
            window.push(L1Block { header: header.clone(), hash: header.hash_slow(), transactions: Some(txs.clone()) });
        }
        let given = input.l1_receipts.iter().find(|r| r.number == header.number).map(|r| r.receipts.clone());
        if let Some(list) = given.or_else(|| (header.receipts_root == EMPTY_ROOT_HASH).then(Vec::new)) {
            receipts.insert(header.number.to_string(), receipts_to_json(&list)?);
        }
    }
    let plan = Plan {
        config: input.config.clone(),
        output,
        parent: parent.clone(),
        parent_transactions: input.parent_transactions.clone(),
        l1_info,
        batcher: l1_info.batcher().map_err(|e| SourceError { piece: "parent_block", message: format!("{e}") })?,
    };
    let read: Vec<L1Block> =
        window.into_iter().filter(|b| input.l1_transactions.iter().any(|t| t.number == b.header.number)).collect();
    let requests = blob_requests(&plan, &read)?;
    if requests.len() != input.blobs.len() {
        return err(
            "blobs",
            format!("the input holds {} blobs for {} versioned hashes", input.blobs.len(), requests.len()),
        );
    }
    let blobs: Vec<Value> = requests
        .iter()
        .zip(&input.blobs)
        .map(|(r, b)| {
            json!({"l1_block": r.l1_block, "timestamp": r.timestamp, "versioned_hash": r.versioned_hash, "blob": hex0x(b)})
        })
        .collect();
    let schedule: Vec<Value> = input
        .config
        .l1_blob_schedule
        .iter()
        .map(|s| json!({"time": s.time, "update_fraction": s.update_fraction}))
        .collect();
    Ok(json!({
        "rollup_config": rollup_config_to_json(&input.config),
        "l1_blob_schedule": schedule,
        "l1_chain_id": input.config.l1_chain_id,
        "l2_chain_id": input.config.l2_chain_id,
        "l2_block": plan.l2_block(),
        "l1_head": input.l1_head,
        "l1_blocks": blocks,
        "l1_receipts": receipts,
        "parent_block": l2_block_to_json(parent, &input.parent_transactions)?,
        "l2_ancestors": input
            .l2_ancestors
            .iter()
            .map(|a| {
                if a.transactions.is_empty() && a.header.transactions_root != EMPTY_ROOT_HASH {
                    let mut v = header_json(&a.header)?;
                    v["transactions"] = Value::Null;
                    Ok(v)
                } else {
                    l2_block_to_json(&a.header, &a.transactions)
                }
            })
            .collect::<SourceResult<Vec<_>>>()?,
        "output": output_to_json(&output, parent, l1_info.sequence_number),
        "witness": input.witness.to_json(),
        "blobs": blobs,
    }))
}

#[cfg(all(test, feature = "generate"))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::generate::{example, ExampleOptions};

    /// An assemble request built from served answers, as the collector builds it.
    fn request(served: &Value, to: u64) -> Value {
        let plan_origin = served["output"]["blockRef"]["l1origin"]["number"].as_u64().unwrap();
        let mut blocks: Vec<Value> = served["l1_blocks"].as_array().unwrap().clone();
        blocks.reverse();
        let blocks: Vec<Value> =
            blocks.into_iter().filter(|b| uint(b, "number", "t").unwrap() >= plan_origin).collect();
        let next = (plan_origin + 1).to_string();
        let blobs: Vec<Value> = served["blobs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["l1_block"].as_u64().unwrap() <= to)
            .map(|b| b["blob"].clone())
            .collect();
        json!({
            "l2_block": served["l2_block"],
            "payout": "0x00000000000000000000000000000000c0ffee01",
            "rollup_config": served["rollup_config"],
            "l1_blob_schedule": served["l1_blob_schedule"],
            "output": served["output"],
            "parent_block": served["parent_block"],
            "witness": served["witness"],
            "l1_head": served["l1_head"],
            "l1_blocks": blocks,
            "l1_transactions": {"from": plan_origin + 1, "to": to},
            "l1_receipts": [{"number": plan_origin + 1, "receipts": served["l1_receipts"][&next]}],
            "blobs": blobs,
        })
    }

    #[test]
    fn served_example_assembles_to_the_same_journal() {
        let ex = example(&ExampleOptions { transactions: 2, ..Default::default() }).unwrap();
        let served = serve(&ex.input).unwrap();
        let head = served["l1_blocks"].as_array().unwrap().last().unwrap()["number"].clone();
        let head = uint(&json!({ "n": head }), "n", "t").unwrap();
        let input = assemble(&request(&served, head)).unwrap();
        assert_eq!(input.l1_transactions, ex.input.l1_transactions);
        assert_eq!(input.blobs, ex.input.blobs);
        assert_eq!(input.witness, ex.input.witness);
        let ours = crate::run(&input).unwrap().journal;
        let theirs = crate::run(&ex.input).unwrap().journal;
        assert_eq!(ours, theirs);
        assert_eq!(ours.computed_output_root, ex.true_output_root);
    }

    #[test]
    fn a_blob_fee_schedule_that_does_not_reproduce_the_parents_deposit_is_named() {
        let ex = example(&ExampleOptions { transactions: 1, ..Default::default() }).unwrap();
        let served = serve(&ex.input).unwrap();
        let mut plan = plan(&request(&served, 104)).unwrap();
        let headers = &ex.input.l1_headers[..4];
        assert_eq!(headers.last().unwrap().number, plan.l1_info.l1_number);
        check_blob_schedule(&plan, headers).unwrap();
        plan.l1_info.l1_blob_base_fee += alloy_primitives::U256::from(1);
        let e = check_blob_schedule(&plan, headers).unwrap_err();
        assert_eq!(e.piece, "l1_blob_schedule", "{e}");
    }

    #[test]
    fn a_header_that_does_not_hash_to_its_claimed_hash_is_named() {
        let ex = example(&ExampleOptions { transactions: 1, ..Default::default() }).unwrap();
        let mut served = serve(&ex.input).unwrap();
        served["l1_blocks"][3]["gasUsed"] = json!("0x1");
        let e = assemble(&request(&served, 104)).unwrap_err();
        assert_eq!(e.piece, "l1_block", "{e}");
        assert!(e.message.contains("L1 block 103: the header hashes to"), "{e}");
    }
}

//! The devnet's L2 node behind the C ABI (crate `refute-fault`, module
//! `sequencer`): genesis, block building and batch blobs, as stateless JSON calls.
//!
//! The Python devnet keeps the chain (states, headers, witnesses) and calls
//! these to extend it, so every block it serves was built by the executor and
//! L1-info/deposit rules the fault program checks.

use alloy_consensus::Header;
use alloy_primitives::{Address, Bytes, B256};
use alloy_rlp::{Decodable, Encodable};
use refute_da::batch::SingularBatch;
use refute_fault::{
    assemble::{
        l1_block_to_json, l2_block_to_json, output_to_json, receipts_to_json, rollup_config_to_json, AgreedOutput,
    },
    sequencer::{
        batch_blobs, blob_commitment, build_block, first_block_info, genesis, BatchEncoding, BlockRequest, BuiltBlock,
        ChainParams,
    },
    RollupConfig,
};
use refute_forks::{OpHardfork, OP_FORKS};
use refute_stf::prestate::FullState;
use serde_json::{json, Value};

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

/// Most batched transactions one request may carry (a devnet block, not a stress test).
const MAX_TRANSACTIONS: usize = 10_000;

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn bad(what: impl core::fmt::Display) -> FfiError {
    FfiError::bad_argument(what.to_string())
}

fn field<'a>(v: &'a Value, name: &str) -> FfiResult<&'a Value> {
    v.get(name).filter(|x| !x.is_null()).ok_or_else(|| bad(format!("{name} is missing")))
}

fn text<'a>(v: &'a Value, name: &str) -> FfiResult<&'a str> {
    field(v, name)?.as_str().ok_or_else(|| bad(format!("{name}: expected a string")))
}

fn number(v: &Value, name: &str) -> FfiResult<u64> {
    field(v, name)?.as_u64().ok_or_else(|| bad(format!("{name}: expected a non-negative integer")))
}

fn hex_bytes(s: &str, name: &str) -> FfiResult<Vec<u8>> {
    hex::decode(s.strip_prefix("0x").unwrap_or(s)).map_err(|e| bad(format!("{name}: not hex: {e}")))
}

fn address(v: &Value, name: &str) -> FfiResult<Address> {
    text(v, name)?.parse().map_err(|e| bad(format!("{name}: {e}")))
}

fn rlp<T: Decodable>(v: &Value, name: &str) -> FfiResult<T> {
    let raw = hex_bytes(text(v, name)?, name)?;
    let mut buf = raw.as_slice();
    let item = T::decode(&mut buf).map_err(|e| bad(format!("{name}: RLP: {e}")))?;
    if !buf.is_empty() {
        return Err(bad(format!("{name}: {} trailing bytes", buf.len())));
    }
    Ok(item)
}

fn byte_list(v: &Value, name: &str, limit: usize) -> FfiResult<Vec<Bytes>> {
    let items = match v.get(name) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad(format!("{name}: expected a list of hex strings"))),
    };
    if items.len() > limit {
        return Err(bad(format!("{name}: {} items (at most {limit})", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let s = item.as_str().ok_or_else(|| bad(format!("{name}[{i}]: expected a hex string")))?;
            Ok(Bytes::from(hex_bytes(s, &format!("{name}[{i}]"))?))
        })
        .collect()
}

fn rlp_hex<T: Encodable>(item: &T) -> String {
    hex0x(alloy_rlp::encode(item))
}

fn fork(v: &Value) -> FfiResult<OpHardfork> {
    let name = text(v, "fork")?;
    OP_FORKS
        .iter()
        .copied()
        .find(|f| f.to_string().eq_ignore_ascii_case(name))
        .ok_or_else(|| bad(format!("fork: unknown OP Stack fork {name:?}")))
}

fn chain_params(v: &Value) -> FfiResult<ChainParams> {
    let scalar = |name: &str| -> FfiResult<u32> {
        u32::try_from(number(v, name)?).map_err(|_| bad(format!("{name}: exceeds 32 bits")))
    };
    Ok(ChainParams {
        fork: fork(v)?,
        l1_chain_id: number(v, "l1_chain_id")?,
        l2_chain_id: number(v, "l2_chain_id")?,
        l1_genesis: rlp::<Header>(v, "l1_genesis_header")?,
        genesis_time: number(v, "genesis_time")?,
        block_time: number(v, "block_time")?,
        gas_limit: number(v, "gas_limit")?,
        batcher: address(v, "batcher")?,
        batch_inbox: address(v, "batch_inbox")?,
        deposit_contract: address(v, "deposit_contract")?,
        system_config: address(v, "system_config")?,
        base_fee_scalar: scalar("base_fee_scalar")?,
        blob_base_fee_scalar: scalar("blob_base_fee_scalar")?,
    })
}

fn state(v: &Value, name: &str) -> FfiResult<FullState> {
    FullState::from_json_value(field(v, name)?).map_err(|e| bad(format!("{name}: {e}")))
}

fn parse_json(raw: &[u8], what: &str) -> FfiResult<Value> {
    serde_json::from_slice(raw).map_err(|e| bad(format!("{what} JSON: {e}")))
}

fn output_json(output: &refute_fault::OutputPreimage) -> Value {
    json!({
        "state_root": output.state_root.to_string(),
        "message_passer_storage_root": output.message_passer_storage_root.to_string(),
        "block_hash": output.block_hash.to_string(),
    })
}

fn devnet_genesis(raw: &[u8]) -> FfiResult<Vec<u8>> {
    let v = parse_json(raw, "genesis request")?;
    let params = chain_params(&v)?;
    let g = genesis(&params, &state(&v, "alloc")?)?;
    ffi::json(&json!({
        "config": rlp_hex(&g.config),
        "config_hash": g.config.hash().to_string(),
        "header": rlp_hex(&g.header),
        "block_hash": g.output.block_hash.to_string(),
        "output": output_json(&g.output),
        "output_root": g.output.root().to_string(),
    }))
}

fn built_json(block: &BuiltBlock) -> Value {
    json!({
        "header": rlp_hex(&block.header),
        "number": block.header.number,
        "timestamp": block.header.timestamp,
        "block_hash": block.output.block_hash.to_string(),
        "transactions": block.transactions.iter().map(hex0x).collect::<Vec<_>>(),
        "post_state": block.post_state.to_json_value(),
        "output": output_json(&block.output),
        "output_root": block.output_root.to_string(),
        "l1_origin": block.l1_origin,
        "sequence_number": block.sequence_number,
        "witness": {
            "headers": block.witness.headers.iter().map(rlp_hex).collect::<Vec<_>>(),
            "codes": block.witness.codes.iter().map(hex0x).collect::<Vec<_>>(),
            "state": block.witness.state.iter().map(hex0x).collect::<Vec<_>>(),
            "keys": block.witness.keys.iter().map(hex0x).collect::<Vec<_>>(),
        },
        "batch": batch_json(&block.batch),
    })
}

fn batch_json(batch: &SingularBatch) -> Value {
    json!({
        "parent_hash": batch.parent_hash.to_string(),
        "epoch_num": batch.epoch_num,
        "epoch_hash": batch.epoch_hash.to_string(),
        "timestamp": batch.timestamp,
        "transactions": batch.transactions.iter().map(hex0x).collect::<Vec<_>>(),
    })
}

fn word(v: &Value, name: &str) -> FfiResult<B256> {
    text(v, name)?.parse().map_err(|e| bad(format!("{name}: {e}")))
}

fn parse_batch(v: &Value, at: &str) -> FfiResult<SingularBatch> {
    let ctx = |e: FfiError| bad(format!("{at}.{}", e.message));
    Ok(SingularBatch {
        parent_hash: word(v, "parent_hash").map_err(ctx)?,
        epoch_num: number(v, "epoch_num").map_err(ctx)?,
        epoch_hash: word(v, "epoch_hash").map_err(ctx)?,
        timestamp: number(v, "timestamp").map_err(ctx)?,
        transactions: byte_list(v, "transactions", MAX_TRANSACTIONS).map_err(ctx)?,
    })
}

fn devnet_build_block(raw: &[u8]) -> FfiResult<Vec<u8>> {
    let v = parse_json(raw, "block request")?;
    let config = rlp::<RollupConfig>(&v, "config")?;
    let ancestors = match field(&v, "ancestors")? {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                rlp::<Header>(&json!({ "h": item }), "h").map_err(|e| bad(format!("ancestors[{i}]: {}", e.message)))
            })
            .collect::<FfiResult<Vec<_>>>()?,
        _ => return Err(bad("ancestors: expected a non-empty list of RLP headers")),
    };
    let request = BlockRequest {
        config,
        pre_state: state(&v, "pre_state")?,
        ancestors,
        parent_transactions: byte_list(&v, "parent_transactions", MAX_TRANSACTIONS)?,
        origin: rlp::<Header>(&v, "origin")?,
        origin_receipts: byte_list(&v, "origin_receipts", MAX_TRANSACTIONS)?,
        transactions: byte_list(&v, "transactions", MAX_TRANSACTIONS)?,
    };
    // The first block after genesis takes its L1-info fields from the chain parameters.
    let first = match v.get("chain") {
        Some(chain) if !chain.is_null() => Some(first_block_info(&chain_params(chain)?)?),
        _ => None,
    };
    let block = build_block(&request, first.as_ref())?;
    ffi::json(&built_json(&block))
}

fn devnet_batch_blobs(raw: &[u8]) -> FfiResult<Vec<u8>> {
    let v = parse_json(raw, "batch request")?;
    let channel: [u8; 16] = hex_bytes(text(&v, "channel_id")?, "channel_id")?
        .try_into()
        .map_err(|_| bad("channel_id: expected 16 bytes"))?;
    let batches = match field(&v, "batches")? {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, b)| parse_batch(b, &format!("batches[{i}]")))
            .collect::<FfiResult<Vec<_>>>()?,
        _ => return Err(bad("batches: expected a list")),
    };
    let config = match v.get("config") {
        None | Some(Value::Null) => None,
        Some(_) => Some(rlp::<RollupConfig>(&v, "config")?),
    };
    let first_opens_epoch = match v.get("first_opens_epoch") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("first_opens_epoch: expected a boolean")),
    };
    let encoding = match v.get("encoding") {
        None | Some(Value::Null) => "span",
        Some(Value::String(name)) => name.as_str(),
        Some(_) => return Err(bad("encoding: expected \"span\" or \"singular\"")),
    };
    let encoding = match encoding {
        "singular" => BatchEncoding::Singular,
        "span" => BatchEncoding::Span {
            config: config
                .as_ref()
                .ok_or_else(|| bad("config is missing: span batches need the rollup config (RLP hex)"))?,
            first_opens_epoch,
        },
        other => return Err(bad(format!("encoding: {other:?} is neither \"span\" nor \"singular\""))),
    };
    let blobs = batch_blobs(&batches, channel, encoding)?
        .into_iter()
        .map(|blob| {
            let (commitment, versioned_hash) = blob_commitment(&blob)?;
            Ok(json!({
                "blob": hex0x(&blob),
                "commitment": hex0x(&commitment),
                "versioned_hash": versioned_hash.to_string(),
            }))
        })
        .collect::<FfiResult<Vec<_>>>()?;
    ffi::json(&json!({ "blobs": blobs }))
}

/// One answer of the devnet's nodes, rendered from consensus encodings with the
/// renderers the bundle builder's parsers mirror (`refute_fault::assemble`):
/// `{"l1_block": {header, transactions|null}}`, `{"receipts": [...]}`,
/// `{"l2_block": {header, transactions}}`, `{"output": {header, output, l1_origin,
/// sequence_number}}` or `{"rollup_config": rlp}`.
fn devnet_render(raw: &[u8]) -> FfiResult<Vec<u8>> {
    let v = parse_json(raw, "render request")?;
    let out = if let Some(block) = v.get("l1_block") {
        let header = rlp::<Header>(block, "header")?;
        let transactions = match block.get("transactions") {
            None | Some(Value::Null) => None,
            Some(_) => Some(byte_list(block, "transactions", MAX_TRANSACTIONS)?),
        };
        l1_block_to_json(&header, transactions.as_deref())?
    } else if v.get("receipts").is_some() {
        receipts_to_json(&byte_list(&v, "receipts", MAX_TRANSACTIONS)?)?
    } else if let Some(block) = v.get("l2_block") {
        l2_block_to_json(&rlp::<Header>(block, "header")?, &byte_list(block, "transactions", MAX_TRANSACTIONS)?)?
    } else if let Some(o) = v.get("output") {
        let header = rlp::<Header>(o, "header")?;
        let preimage = field(o, "output")?;
        let output = refute_fault::OutputPreimage {
            state_root: word(preimage, "state_root")?,
            message_passer_storage_root: word(preimage, "message_passer_storage_root")?,
            block_hash: word(preimage, "block_hash")?,
        };
        let origin = field(o, "l1_origin")?;
        let agreed = AgreedOutput {
            root: output.root(),
            preimage: output,
            number: header.number,
            l1_origin: (number(origin, "number")?, word(origin, "hash")?),
        };
        output_to_json(&agreed, &header, number(o, "sequence_number")?)
    } else if v.get("rollup_config").is_some() {
        rollup_config_to_json(&rlp::<RollupConfig>(&v, "rollup_config")?)
    } else {
        return Err(bad("render request: expected one of l1_block, receipts, l2_block, output, rollup_config"));
    };
    ffi::json(&out)
}

/// Renders one node answer (JSON request, see `devnet_render`). Output: JSON.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_devnet_render(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| devnet_render(ffi::input(ptr, len, "render request")?)) }
}

/// A devnet's genesis: chain parameters and `alloc` (JSON). Output: JSON with the
/// rollup config (RLP hex) and its hash, the genesis header (RLP hex) and output.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_devnet_genesis(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| devnet_genesis(ffi::input(ptr, len, "genesis request")?)) }
}

/// Builds the next L2 block (JSON request: config, pre_state, ancestors, parent
/// transactions, L1 origin and its receipts, batched transactions; `chain` for the
/// first block). Output: JSON with the header, transactions, post-state, output
/// root, witness and the batch derivation must find.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_devnet_build_block(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| devnet_build_block(ffi::input(ptr, len, "block request")?)) }
}

/// Encodes consecutive blocks' batches into blobs (one zlib channel, one frame
/// per blob). JSON request: `channel_id` (16 bytes hex), `batches` (singular
/// batches as `devnet_build_block` returns them), `encoding` (`"span"`, the
/// default: one Delta span batch of them all, as op-batcher posts since Delta;
/// or `"singular"`: one singular batch each), and for span batches `config`
/// (the rollup config, RLP hex: genesis time, block time, chain id) and
/// `first_opens_epoch` (the first block's sequence number is 0; default false).
/// Output: JSON with each blob, its KZG commitment and versioned hash.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_devnet_batch_blobs(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| devnet_batch_blobs(ffi::input(ptr, len, "batch request")?)) }
}

//! Blocks in JSON-RPC form (`eth_getBlockByNumber` with full transactions).
//!
//! Why: not every node serves `debug_getRawBlock`, and fixtures often store the
//! JSON form. The conversion rebuilds the RLP block; the caller can compare its
//! hash with the JSON `hash` to be sure nothing was lost.

use alloy_consensus::{Block, BlockBody, Header};
use alloy_eips::{
    eip2718::{Decodable2718, Encodable2718},
    eip4895::{Withdrawal, Withdrawals},
};
use alloy_primitives::B256;
use serde_json::Value;

use crate::{error::StfError, execute::EthBlock, op::OpBlock};

fn bad(msg: String) -> StfError {
    StfError::MalformedBlock(msg)
}

/// The header of an RPC block object.
pub fn header_from_rpc_json(v: &Value) -> Result<Header, StfError> {
    serde_json::from_value::<Header>(v.clone()).map_err(|e| bad(format!("JSON header: {e}")))
}

/// Whether an RPC block is an OP Stack block (its first transaction is a deposit, type 0x7e).
pub fn is_op_rpc_block(v: &Value) -> bool {
    let v = match v.get("result") {
        Some(r) if v.get("parentHash").is_none() => r,
        _ => v,
    };
    let first = v.get("transactions").and_then(|t| t.as_array()).and_then(|t| t.first());
    first.and_then(|t| t.get("type")).and_then(Value::as_str).is_some_and(|ty| ty.eq_ignore_ascii_case("0x7e"))
}

/// Rebuilds an Ethereum block from its RPC JSON; checks the recomputed hash against `hash` if present.
pub fn block_from_rpc_json(v: &Value) -> Result<EthBlock, StfError> {
    block_from_rpc_json_as(v)
}

/// Rebuilds an OP Stack block (deposits included) from its RPC JSON.
pub fn op_block_from_rpc_json(v: &Value) -> Result<OpBlock, StfError> {
    block_from_rpc_json_as(v)
}

fn block_from_rpc_json_as<T>(v: &Value) -> Result<Block<T>, StfError>
where
    T: serde::de::DeserializeOwned + Encodable2718 + Decodable2718,
{
    let v = match v.get("result") {
        Some(r) if v.get("parentHash").is_none() => r,
        _ => v,
    };
    let header = header_from_rpc_json(v)?;
    let txs = v
        .get("transactions")
        .and_then(|t| t.as_array())
        .ok_or_else(|| bad("JSON block: no transactions list".into()))?;
    let mut transactions = Vec::with_capacity(txs.len());
    for (i, tx) in txs.iter().enumerate() {
        if tx.is_string() {
            return Err(bad("JSON block has only transaction hashes; fetch it with full transactions".into()));
        }
        let mut tx = tx.clone();
        // Legacy transactions carry no `type` in some clients' output.
        if tx.get("type").is_none() {
            tx["type"] = Value::String("0x0".into());
        }
        // The JSON `hash` is not trusted (serde would cache it): the transaction
        // is re-decoded from its own encoding below, which recomputes it.
        if tx.get("hash").is_none() {
            tx["hash"] = Value::String(format!("{}", B256::ZERO));
        }
        let env: T = serde_json::from_value(tx).map_err(|e| bad(format!("JSON transaction {i}: {e}")))?;
        let encoded = env.encoded_2718();
        let env = T::decode_2718(&mut encoded.as_slice())
            .map_err(|e| bad(format!("JSON transaction {i}: re-encoding failed: {e}")))?;
        transactions.push(env);
    }
    let withdrawals = match v.get("withdrawals") {
        None | Some(Value::Null) => None,
        Some(w) => {
            let list: Vec<Withdrawal> =
                serde_json::from_value(w.clone()).map_err(|e| bad(format!("JSON withdrawals: {e}")))?;
            Some(Withdrawals::new(list))
        }
    };
    if v.get("uncles").and_then(|u| u.as_array()).is_some_and(|u| !u.is_empty()) {
        return Err(bad("JSON block has uncles; only post-merge blocks are supported".into()));
    }
    let block = Block { header, body: BlockBody { transactions, ommers: Vec::new(), withdrawals } };
    if let Some(hash) = v.get("hash").and_then(|h| h.as_str()) {
        let claimed: B256 = hash.parse().map_err(|e| bad(format!("JSON block hash: {e}")))?;
        let ours = block.header.hash_slow();
        if ours != claimed {
            return Err(bad(format!(
                "JSON block header hashes to {ours}, not to its `hash` {claimed} (a field was lost)"
            )));
        }
    }
    Ok(block)
}

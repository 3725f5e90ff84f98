//! JSON reports of outcomes (the native core's output format).

use alloy_primitives::hex;
use serde_json::{json, Value};

use crate::execute::BlockOutcome;

fn h<T: core::fmt::Display>(v: T) -> String {
    format!("{v}")
}

/// The JSON object `refute execute --json` prints (hashes 0x-hex, gas as integers).
pub fn outcome_json(o: &BlockOutcome) -> Value {
    json!({
        "number": o.number,
        "fork": match o.op_fork {
            Some(op) => format!("{op}"),
            None => format!("{:?}", o.fork),
        },
        "ethereum_fork": format!("{:?}", o.fork),
        "parent_hash": h(o.parent_hash),
        "pre_state_root": h(o.pre_state_root),
        "state_root": h(o.state_root),
        "transactions_root": h(o.transactions_root),
        "receipts_root": h(o.receipts_root),
        "withdrawals_root": o.withdrawals_root.map(h),
        "requests_hash": o.requests_hash.map(h),
        "logs_bloom": h(o.logs_bloom),
        "gas_used": o.gas_used,
        "blob_gas_used": o.blob_gas_used,
        "block_hash": h(o.block_hash),
        "header_rlp": format!("0x{}", hex::encode(alloy_rlp::encode(&o.header))),
        "message_passer_storage_root": o.message_passer_storage_root.map(h),
        "output_root": o.output_root.map(h),
        "output_root_unavailable": o.output_root_unavailable,
        "mismatches": o.mismatches.iter().map(|(f, claimed, computed)| json!({"field": f, "claimed": claimed, "computed": computed})).collect::<Vec<_>>(),
        "transactions": o.transactions.iter().map(|t| json!({
            "hash": h(t.hash),
            "type": t.tx_type,
            "sender": h(t.sender),
            "status": if t.success { "success" } else { "reverted" },
            "gas_used": t.gas_used,
            "cumulative_gas_used": t.cumulative_gas_used,
            "logs": t.logs,
        })).collect::<Vec<_>>(),
        "witness": {"nodes": o.witness_nodes, "unused_nodes": o.unused_nodes, "unused_codes": o.unused_codes},
    })
}

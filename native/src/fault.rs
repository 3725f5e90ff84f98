//! The fault-proof program (crate `refute-fault`) behind the C ABI: the native
//! dry run, the chain-fixture generator and the journal codec.
//!
//! The dry run calls the very function the `fault` guest calls
//! (`refute_fault::run`), so `refute fault check` and a proof cannot disagree.

use alloy_primitives::{Address, B256};
use refute_fault::{
    generate::{example, self_check, ExampleOptions},
    FaultInput, FaultJournal,
};
use serde_json::{json, Value};

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The journal's fields as JSON (the names and 0x-hex form `refute.verifier.journal` uses).
pub fn journal_json(j: &FaultJournal) -> Value {
    json!({
        "version": refute_fault::journal::JOURNAL_VERSION,
        "payout_recipient": hex0x(j.payout),
        "l1_head": j.l1_head.to_string(),
        "agreed_output_root": j.agreed_output_root.to_string(),
        "computed_output_root": j.computed_output_root.to_string(),
        "l2_block_number": j.l2_block_number,
        "rollup_config_hash": j.rollup_config_hash.to_string(),
        "blob_binding": j.blob_binding.to_string(),
    })
}

fn check(input: &[u8]) -> FfiResult<Vec<u8>> {
    let input = FaultInput::decode(input)?;
    let outcome = refute_fault::run(&input)?;
    let derived = &outcome.derived;
    let exec = &outcome.execution;
    let openings: Vec<Value> = derived
        .openings
        .iter()
        .map(|o| json!({"versioned_hash": o.versioned_hash.to_string(), "z": o.z.to_string(), "y": o.y.to_string()}))
        .collect();
    ffi::json(&json!({
        "journal": hex0x(outcome.journal.encode()),
        "fields": journal_json(&outcome.journal),
        "derivation": {
            "l1_origin": derived.l1_origin,
            "inclusion_block": derived.inclusion_block,
            "dropped_batches": derived.dropped,
            "transactions": derived.payload.transactions.len(),
            "timestamp": derived.payload.timestamp,
        },
        "openings": openings,
        "execution": {
            "block_number": exec.number,
            "block_hash": exec.block_hash.to_string(),
            "state_root": exec.state_root.to_string(),
            "message_passer_storage_root": exec.message_passer_storage_root.map(|r| r.to_string()),
            "gas_used": exec.gas_used,
        },
    }))
}

fn parse_address(v: &Value, what: &str) -> FfiResult<Option<Address>> {
    match v.get(what) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            s.parse().map(Some).map_err(|e| FfiError::bad_argument(format!("options.{what}: {e}")))
        }
        Some(other) => Err(FfiError::bad_argument(format!("options.{what}: expected an address string, got {other}"))),
    }
}

fn generate(options: &[u8]) -> FfiResult<Vec<u8>> {
    let v: Value = if options.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(options).map_err(|e| FfiError::bad_argument(format!("options JSON: {e}")))?
    };
    let mut opts = ExampleOptions::default();
    if let Some(n) = v.get("transactions") {
        let n = n.as_u64().filter(|n| *n <= 1_000).ok_or_else(|| {
            FfiError::bad_argument("options.transactions: expected an integer from 0 to 1000".to_string())
        })?;
        opts.transactions = n as usize;
    }
    if let Some(payout) = parse_address(&v, "payout")? {
        opts.payout = payout;
    }
    let ex = example(&opts)?;
    self_check(&ex)?;
    ffi::json(&json!({
        "input": hex0x(ex.input.encode()),
        "l2_block_number": ex.input.witness.headers.last().map(|h| h.number + 1),
        "l1_head": ex.input.l1_head.to_string(),
        "agreed_output_root": ex.input.agreed_output_root.to_string(),
        "true_output_root": ex.true_output_root.to_string(),
        "claimed_output_root": ex.claimed_output_root.to_string(),
        "rollup_config_hash": ex.input.config.hash().to_string(),
        "commitments": ex.commitments.iter().map(hex0x).collect::<Vec<_>>(),
    }))
}

fn word(v: &Value, name: &str) -> FfiResult<B256> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| FfiError::bad_argument(format!("journal field {name} missing")))?
        .parse()
        .map_err(|e| FfiError::bad_argument(format!("journal field {name}: {e}")))
}

fn encode_journal(fields: &[u8]) -> FfiResult<Vec<u8>> {
    let v: Value =
        serde_json::from_slice(fields).map_err(|e| FfiError::bad_argument(format!("journal fields JSON: {e}")))?;
    let journal = FaultJournal {
        payout: parse_address(&v, "payout_recipient")?
            .ok_or_else(|| FfiError::bad_argument("journal field payout_recipient missing"))?,
        l1_head: word(&v, "l1_head")?,
        agreed_output_root: word(&v, "agreed_output_root")?,
        computed_output_root: word(&v, "computed_output_root")?,
        l2_block_number: v
            .get("l2_block_number")
            .and_then(Value::as_u64)
            .ok_or_else(|| FfiError::bad_argument("journal field l2_block_number missing"))?,
        rollup_config_hash: word(&v, "rollup_config_hash")?,
        blob_binding: word(&v, "blob_binding")?,
    };
    Ok(journal.encode().to_vec())
}

/// The native dry run of the fault program over an RLP `FaultInput`. Output: JSON
/// (journal hex and fields, derivation and execution summaries, blob openings).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_check(input_ptr: *const u8, input_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| check(ffi::input(input_ptr, input_len, "fault input")?)) }
}

/// The chain-fixture generator: options JSON (`transactions`, `payout`; empty for
/// defaults). Output: JSON with the input (hex), true and claimed roots, commitments.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_example(options_ptr: *const u8, options_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| generate(ffi::input(options_ptr, options_len, "options")?)) }
}

/// Decodes a 189-byte journal into its fields (JSON).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_journal_decode(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe {
        ffi::run(|| {
            let journal = FaultJournal::decode(ffi::input(ptr, len, "journal")?)?;
            ffi::json(&journal_json(&journal))
        })
    }
}

/// Encodes journal fields (JSON, as [`refute_fault_journal_decode`] writes them) into 189 bytes.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_journal_encode(ptr: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| encode_journal(ffi::input(ptr, len, "journal fields")?)) }
}

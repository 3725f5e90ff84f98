//! The fault-proof program (crate `refute-fault`) behind the C ABI: the native
//! dry run, the chain-fixture generator and the journal codec.
//!
//! The dry run calls the very function the `fault` guest calls
//! (`refute_fault::run`), so `refute fault check` and a proof cannot disagree.

use alloy_primitives::{Address, B256};
use refute_fault::{
    assemble::{self, SourceError},
    generate::{example, self_check, ExampleOptions, Workload, MAX_TRANSACTIONS},
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
            "skipped_data": derived.skipped,
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

/// The boolean `v[name]` (false when absent or null).
fn parse_flag(v: &Value, name: &str) -> FfiResult<bool> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(FfiError::bad_argument(format!("{name}: expected true or false, got {other}"))),
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
        let n = n.as_u64().filter(|n| *n <= MAX_TRANSACTIONS as u64).ok_or_else(|| {
            FfiError::bad_argument(format!("options.transactions: expected an integer from 0 to {MAX_TRANSACTIONS}"))
        })?;
        opts.transactions = n as usize;
    }
    match v.get("workload") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => {
            opts.workload = Workload::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
                FfiError::bad_argument(format!(
                    "options.workload: unknown {name:?}; expected one of {}",
                    known.join(", ")
                ))
            })?;
        }
        Some(other) => {
            return Err(FfiError::bad_argument(format!("options.workload: expected a workload name, got {other}")))
        }
    }
    if let Some(payout) = parse_address(&v, "payout")? {
        opts.payout = payout;
    }
    opts.stray_frame = parse_flag(&v, "stray_frame")?;
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

/// The chain-fixture generator: options JSON (`transactions`, `workload`, `payout`;
/// empty for defaults). Output: JSON with the input (hex), true and claimed roots, commitments.
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

impl From<SourceError> for FfiError {
    fn from(e: SourceError) -> Self {
        FfiError::invalid(e.to_string()).with("piece", e.piece)
    }
}

/// One step of collecting a bundle from RPC answers (`step` in the request):
/// `plan` (what the agreed block fixes), `blobs` (the versioned hashes to fetch,
/// and the L1 blocks whose receipts are needed),
/// `assemble` (the RLP input, hex), `l1_block` (one L1 block and, with
/// `receipts`, its receipts, checked against their roots).
fn bundle_step(request: &[u8]) -> FfiResult<Vec<u8>> {
    let req: Value =
        serde_json::from_slice(request).map_err(|e| FfiError::bad_argument(format!("bundle request JSON: {e}")))?;
    let step = req.get("step").and_then(Value::as_str).unwrap_or_default();
    let out = match step {
        "plan" => assemble::plan(&req)?.to_json(),
        "blobs" => {
            let (plan, requests, receipts) = assemble::blob_requests_for(&req)?;
            let blobs: Vec<Value> = requests
                .iter()
                .map(|r| json!({"l1_block": r.l1_block, "timestamp": r.timestamp, "versioned_hash": r.versioned_hash}))
                .collect();
            json!({"plan": plan.to_json(), "blobs": blobs, "receipts": receipts})
        }
        "assemble" => {
            let input = assemble::assemble(&req)?;
            json!({"input": hex0x(input.encode()), "rollup_config_hash": input.config.hash()})
        }
        "l1_block" => {
            let block = req.get("block").ok_or_else(|| FfiError::bad_argument("request.block missing"))?;
            let parsed = assemble::l1_block_from_json(block)?;
            let receipts = match req.get("receipts") {
                None | Some(Value::Null) => None,
                Some(r) => Some(assemble::receipts_from_json(r, &parsed.header)?.len()),
            };
            json!({
                "number": parsed.header.number,
                "hash": parsed.hash,
                "transactions": parsed.transactions.as_ref().map(Vec::len),
                "receipts": receipts,
            })
        }
        other => return Err(FfiError::bad_argument(format!("unknown bundle step {other:?}"))),
    };
    ffi::json(&out)
}

/// A fault input as the chain answers the devnet serves: `{"input": hex}` for a
/// given input, or `{"example": options}` for the chain-fixture generator's.
fn serve(request: &[u8]) -> FfiResult<Vec<u8>> {
    let req: Value =
        serde_json::from_slice(request).map_err(|e| FfiError::bad_argument(format!("serve request JSON: {e}")))?;
    let input = if let Some(hex) = req.get("input").and_then(Value::as_str) {
        let bytes = hex::decode(hex.trim_start_matches("0x"))
            .map_err(|e| FfiError::bad_argument(format!("request.input: {e}")))?;
        FaultInput::decode(&bytes)?
    } else {
        let mut opts = ExampleOptions::default();
        if let Some(n) = req.get("example").and_then(|o| o.get("transactions")) {
            let n = n.as_u64().filter(|n| *n <= 1_000).ok_or_else(|| {
                FfiError::bad_argument("example.transactions: expected an integer from 0 to 1000".to_string())
            })?;
            opts.transactions = n as usize;
        }
        if let Some(options) = req.get("example") {
            opts.stray_frame = parse_flag(options, "stray_frame")?;
        }
        example(&opts)?.input
    };
    ffi::json(&assemble::serve(&input)?)
}

/// Collecting a bundle from RPC answers: one step per call (see the request's
/// `step`: `plan`, `blobs`, `assemble`, `l1_block`). Output: JSON.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_bundle(request_ptr: *const u8, request_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| bundle_step(ffi::input(request_ptr, request_len, "bundle request")?)) }
}

/// The answers a devnet serves for a fault input (or the generated example). Output: JSON.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_fault_serve(request_ptr: *const u8, request_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract.
    unsafe { ffi::run(|| serve(ffi::input(request_ptr, request_len, "serve request")?)) }
}

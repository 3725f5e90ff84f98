//! Stateless block execution (crate `refute-stf`) behind the C ABI.
//!
//! Each `refute_stf_*` function is a thin shell: parse the inputs, call the
//! crate, serialise the result. Errors from the crate become error objects
//! whose kind names the variant (see [`crate::errors`]).

use refute_stf::{
    blockchain_test,
    execute::{decode_block, minimal_witness, Request},
    input::{GuestInput, GuestJournal},
    kona::KonaFixture,
    prestate::{witness_from_state, FullState},
    report::outcome_json,
    rpc::{block_from_rpc_json, is_op_rpc_block, op_block_from_rpc_json},
    ChainConfig, ChainSpec, ExecOptions, StfError, Witness,
};

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

/// `flags` bit 0: the claimed header must match the computed one.
pub const STF_CHECK_HEADER: u32 = 1;
/// `flags` bit 1: reject witness nodes/codes/headers the block does not use.
pub const STF_STRICT_WITNESS: u32 = 2;
/// `flags` bit 2: the block argument is RLP OP payload attributes (build the block from them).
pub const STF_PAYLOAD: u32 = 4;
/// `flags` bit 3 (guest inputs): give the guest only the part of the witness
/// the block reads (found by executing it here first), or the witness as it is
/// when the block cannot be executed from it.
pub const STF_MINIMAL_WITNESS: u32 = 8;

fn chain(bytes: &[u8]) -> FfiResult<ChainSpec> {
    ChainSpec::from_json(bytes).map_err(FfiError::from)
}

fn ethereum_chain(bytes: &[u8]) -> FfiResult<ChainConfig> {
    match chain(bytes)? {
        ChainSpec::Ethereum(c) => Ok(c),
        ChainSpec::Op(_) => Err(FfiError::from(StfError::Config(
            "building a witness from a full state covers Ethereum chains only".into(),
        ))),
    }
}

/// A witness as JSON (`debug_executionWitness` shapes) or RLP (geth's `ExtWitness`).
pub fn parse_witness(bytes: &[u8]) -> FfiResult<Witness> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Witness::from_json(bytes).map_err(FfiError::from),
        Some(_) => Witness::from_rlp(bytes).map_err(FfiError::from),
        None => Err(FfiError::from(StfError::MalformedWitness("empty witness".into()))),
    }
}

/// What `block` is under `flags`: OP payload attributes with `STF_PAYLOAD`, else an RLP block.
fn request(block: &[u8], flags: u32) -> Request<'_> {
    Request::new(block, flags & STF_PAYLOAD != 0)
}

/// Executes a block; returns the outcome JSON.
pub fn execute(block: &[u8], witness: &[u8], chain_json: &[u8], flags: u32) -> FfiResult<Vec<u8>> {
    let chain = chain(chain_json)?;
    let witness = parse_witness(witness)?;
    let opts =
        ExecOptions { check_header: flags & STF_CHECK_HEADER != 0, strict_witness: flags & STF_STRICT_WITNESS != 0 };
    let outcome = refute_stf::execute_request(&chain, request(block, flags), &witness, opts).map_err(FfiError::from)?;
    ffi::json(&outcome_json(&outcome))
}

/// Stateless execution of one block. Inputs: RLP block, witness (JSON or RLP),
/// chain config JSON (empty: chain 1, Prague), flags (`STF_*`). Output: JSON.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_execute(
    block_ptr: *const u8,
    block_len: usize,
    witness_ptr: *const u8,
    witness_len: usize,
    chain_ptr: *const u8,
    chain_len: usize,
    flags: u32,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let block = ffi::input(block_ptr, block_len, "block")?;
            let witness = ffi::input(witness_ptr, witness_len, "witness")?;
            let chain = ffi::input(chain_ptr, chain_len, "chain")?;
            execute(block, witness, chain, flags)
        })
    }
}

/// Rebuilds an RLP block from `eth_getBlockByNumber` JSON (full transactions).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_block_from_json(json_ptr: *const u8, json_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let text = ffi::input(json_ptr, json_len, "block JSON")?;
            let v: serde_json::Value = serde_json::from_slice(text)
                .map_err(|e| FfiError::invalid_kind("malformed_block", format!("block JSON: {e}")))?;
            if is_op_rpc_block(&v) {
                let block = op_block_from_rpc_json(&v).map_err(FfiError::from)?;
                return Ok(alloy_rlp::encode(&block));
            }
            let block = block_from_rpc_json(&v).map_err(FfiError::from)?;
            Ok(refute_stf::execute::encode_block(&block))
        })
    }
}

/// Header fields of an RLP block as JSON (number, hash, parent hash, state root).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_block_info(block_ptr: *const u8, block_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let bytes = ffi::input(block_ptr, block_len, "block")?;
            // An OP block (deposits) does not decode as an Ethereum one, and vice versa.
            let (h, transactions) = match decode_block(bytes) {
                Ok(block) => (block.header, block.body.transactions.len()),
                Err(eth_error) => match refute_stf::op::payload::decode_op_block(bytes) {
                    Ok(block) => (block.header, block.body.transactions.len()),
                    Err(_) => return Err(FfiError::from(eth_error)),
                },
            };
            let h = &h;
            ffi::json(&serde_json::json!({
                "number": h.number,
                "hash": format!("{}", h.hash_slow()),
                "parent_hash": format!("{}", h.parent_hash),
                "state_root": format!("{}", h.state_root),
                "timestamp": h.timestamp,
                "transactions": transactions,
                "gas_used": h.gas_used,
            }))
        })
    }
}

/// Builds the minimal witness for a block from a full pre-state.
/// Inputs: state JSON (address → {nonce, balance, code, storage}), RLP block,
/// ancestor headers JSON (list of RLP hex, oldest first, last = parent), chain JSON.
/// `flags` bit 0 (`STF_CHECK_HEADER`): the block's claimed header must match.
/// Output: `{"witness", "post_state" (or null), "outcome" (or null), "error" (or null)}`.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_witness_from_state(
    state_ptr: *const u8,
    state_len: usize,
    block_ptr: *const u8,
    block_len: usize,
    headers_ptr: *const u8,
    headers_len: usize,
    chain_ptr: *const u8,
    chain_len: usize,
    flags: u32,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let state: serde_json::Value = serde_json::from_slice(ffi::input(state_ptr, state_len, "state")?)
                .map_err(|e| FfiError::invalid_kind("malformed_witness", format!("state JSON: {e}")))?;
            let state = FullState::from_json_value(&state).map_err(FfiError::from)?;
            let block = ffi::input(block_ptr, block_len, "block")?;
            let headers_doc = serde_json::json!({ "headers": serde_json::from_slice::<serde_json::Value>(ffi::input(headers_ptr, headers_len, "headers")?)
            .map_err(|e| FfiError::invalid_kind("malformed_witness", format!("headers JSON: {e}")))? });
            let headers = Witness::from_json(headers_doc.to_string().as_bytes()).map_err(FfiError::from)?.headers;
            let chain = ethereum_chain(ffi::input(chain_ptr, chain_len, "chain")?)?;
            let pw = witness_from_state(&chain, &state, block, &headers, flags & STF_CHECK_HEADER != 0)
                .map_err(FfiError::from)?;
            let (outcome, error) = match &pw.result {
                Ok(o) => (outcome_json(o), serde_json::Value::Null),
                Err(e) => (serde_json::Value::Null, serde_json::Value::String(format!("{}: {e}", e.kind()))),
            };
            ffi::json(&serde_json::json!({
                "witness": pw.witness.to_json(),
                "post_state": pw.post_state.map(|s| s.to_json_value()),
                "outcome": outcome,
                "error": error,
            }))
        })
    }
}

/// The state root of a full state (JSON address → {nonce, balance, code, storage}); output: 0x-hex text.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_state_root(state_ptr: *const u8, state_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let state: serde_json::Value = serde_json::from_slice(ffi::input(state_ptr, state_len, "state")?)
                .map_err(|e| FfiError::invalid_kind("malformed_witness", format!("state JSON: {e}")))?;
            let state = FullState::from_json_value(&state).map_err(FfiError::from)?;
            Ok(format!("{}", state.state_root()).into_bytes())
        })
    }
}

/// Runs an Ethereum blockchain-test file statelessly; `name` (may be empty)
/// selects one test. Output: JSON list of `{name, passed, reason, blocks, rejected_blocks}`.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_blockchain_test(
    file_ptr: *const u8,
    file_len: usize,
    name_ptr: *const u8,
    name_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let text = ffi::input(file_ptr, file_len, "test file")?;
            let name = ffi::input_str(name_ptr, name_len, "test name")?;
            let only = if name.is_empty() { None } else { Some(name) };
            let results = blockchain_test::run_file(text, only).map_err(FfiError::from)?;
            ffi::json(
            &results
                .iter()
                .map(|r| {
                    serde_json::json!({"name": r.name, "passed": r.passed, "reason": r.reason, "blocks": r.blocks, "rejected_blocks": r.rejected_blocks})
                })
                .collect::<Vec<_>>(),
        )
        })
    }
}

/// Encodes the `block` guest's input (RLP `GuestInput`).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_guest_input(
    block_ptr: *const u8,
    block_len: usize,
    witness_ptr: *const u8,
    witness_len: usize,
    chain_ptr: *const u8,
    chain_len: usize,
    flags: u32,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let block = ffi::input(block_ptr, block_len, "block")?;
            let mut witness = parse_witness(ffi::input(witness_ptr, witness_len, "witness")?)?;
            let chain = chain(ffi::input(chain_ptr, chain_len, "chain")?)?;
            if flags & STF_MINIMAL_WITNESS != 0 {
                if let Ok(minimal) = minimal_witness(&chain, request(block, flags), &witness) {
                    witness = minimal;
                }
            }
            let input = GuestInput {
                chain,
                block: block.to_vec().into(),
                witness,
                check_header: u8::from(flags & STF_CHECK_HEADER != 0),
                payload: u8::from(flags & STF_PAYLOAD != 0),
            };
            Ok(input.encode())
        })
    }
}

/// Maps a kona executor fixture onto refute's inputs. Inputs: `fixture.json`,
/// the preimages of its key-value store (RLP list of byte strings). Output:
/// JSON `{chain, payload (0x RLP OP payload), witness, expected_block_hash,
/// number, description}`; execute it with `STF_PAYLOAD`.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_kona_fixture(
    fixture_ptr: *const u8,
    fixture_len: usize,
    preimages_ptr: *const u8,
    preimages_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let fixture = ffi::input(fixture_ptr, fixture_len, "fixture")?;
            let mut raw = ffi::input(preimages_ptr, preimages_len, "preimages")?;
            let preimages: Vec<alloy_primitives::Bytes> = alloy_rlp::Decodable::decode(&mut raw)
                .map_err(|e| FfiError::invalid_kind("malformed_witness", format!("preimages RLP: {e}")))?;
            let f = KonaFixture::from_parts(fixture, &preimages).map_err(FfiError::from)?;
            ffi::json(&serde_json::json!({
                "chain": ChainSpec::Op(f.spec.clone()).to_json(),
                "payload": format!("0x{}", alloy_primitives::hex::encode(f.payload.encode())),
                "witness": f.witness.to_json(),
                "expected_block_hash": format!("{}", f.expected_block_hash),
                "number": f.parent.number + 1,
                "description": f.describe(),
            }))
        })
    }
}

/// Decodes the `block` guest's journal into JSON (same field names as `refute_stf_execute`).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_decode_journal(journal_ptr: *const u8, journal_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let j = GuestJournal::decode(ffi::input(journal_ptr, journal_len, "journal")?).map_err(FfiError::from)?;
            ffi::json(&serde_json::json!({
                "parent_hash": format!("{}", j.parent_hash),
                "pre_state_root": format!("{}", j.pre_state_root),
                "block_hash": format!("{}", j.block_hash),
                "state_root": format!("{}", j.state_root),
                "transactions_root": format!("{}", j.transactions_root),
                "receipts_root": format!("{}", j.receipts_root),
                "gas_used": j.gas_used,
                "output_root": format!("{}", j.output_root),
            }))
        })
    }
}

/// Resolves a chain description (anything `refute_stf_execute` takes: a shipped
/// chain's name or ID as `{"chain": …}`, a rollup config, refute's OP spec) to
/// refute's chain JSON; for OP chains it lists every fork time (`null` = never),
/// which is where Python's fork schedules come from.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_stf_chain_spec(chain_ptr: *const u8, chain_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| ffi::json(&chain(ffi::input(chain_ptr, chain_len, "chain")?)?.to_json())) }
}

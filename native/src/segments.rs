//! Segment-parallel proving: the stateless steps a distributed scheduler runs.
//!
//! Why separate steps: a long guest run splits into segments that can be proven
//! on different machines. Each step here is a pure function of its input bytes
//! (a segment, two receipts, ...) so a scheduler can retry or move it freely:
//!
//! 1. [`execute_to_segments`] runs the guest and writes each serialized segment
//!    to a directory as the executor produces it (`segment-NNNNNN.bin`, renamed
//!    into place when complete), so proving can start before execution ends;
//! 2. [`prove_and_lift`] proves one segment and lifts it to a succinct receipt;
//! 3. [`join`] joins the succinct receipts of two neighbouring segment ranges;
//! 4. [`finalize`] turns the receipt covering every segment into the same
//!    report `refute_prove` gives, after checking that its claim is the one
//!    execution reported and that it verifies against the image ID.
//!
//! Segments and receipts cross the ABI as bincode, like receipts elsewhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use risc0_zkvm::{
    get_prover_server, sha::Digest, sha::Digestible, ExecutorImpl, InnerReceipt, ProverOpts, Receipt, ReceiptClaim,
    Segment, SuccinctReceipt, VerifierContext,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};
use crate::zkvm;

/// Largest segment accepted for decoding (a po2-22 segment is well under this).
const MAX_SEGMENT_BYTES: usize = 1024 * 1024 * 1024;
/// Largest succinct receipt accepted for decoding (they are a few hundred KiB).
const MAX_SUCCINCT_BYTES: usize = 64 * 1024 * 1024;
/// Segment sizes the executor accepts (RISC Zero's minimum and maximum po2).
const SEGMENT_PO2_RANGE: std::ops::RangeInclusive<u32> = 13..=22;

/// The file a segment is written to inside the output directory.
pub fn segment_file_name(index: u32) -> String {
    format!("segment-{index:06}.bin")
}

#[derive(Serialize)]
struct SegmentEntry {
    index: u32,
    po2: u32,
    bytes: usize,
    /// SHA-256 of the serialized segment: the content address of its receipt.
    sha256: String,
    file: String,
}

#[derive(Serialize)]
struct SegmentsReport {
    image_id: String,
    journal: String,
    exit_code: String,
    user_cycles: u64,
    paging_cycles: u64,
    reserved_cycles: u64,
    total_cycles: u64,
    segments: Vec<SegmentEntry>,
    claim_digest: String,
    execute_seconds: f64,
    guest_stderr: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use risc0_zkvm::sha::Sha256;
    hex::encode(risc0_zkvm::sha::Impl::hash_bytes(bytes).as_bytes())
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.partial"));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, dir.join(name))
}

/// Executes a guest and writes its segments to `out_dir`; returns the JSON report.
///
/// The directory must exist. Sessions with assumptions (composition, or the keccak
/// accelerator's pending proofs) are refused: their assumption receipts are not
/// reachable through the segment interface.
pub fn execute_to_segments(program: &[u8], input: &[u8], segment_po2: u32, out_dir: &str) -> FfiResult<Vec<u8>> {
    if !SEGMENT_PO2_RANGE.contains(&segment_po2) {
        return Err(FfiError::invalid(format!(
            "segment po2 {segment_po2} is outside {}..={}",
            SEGMENT_PO2_RANGE.start(),
            SEGMENT_PO2_RANGE.end()
        ))
        .with("segment_po2", segment_po2));
    }
    let dir = PathBuf::from(out_dir);
    if !dir.is_dir() {
        return Err(FfiError::invalid(format!("segment directory {out_dir} does not exist")).with("path", out_dir));
    }
    let id = zkvm::image_id(program)?;
    let (env, guest_stderr) = zkvm::guest_env_with_stderr(input, segment_po2)?;
    let started = Instant::now();
    let mut exec = ExecutorImpl::from_elf(env, program)
        .map_err(|e| FfiError::invalid_kind("invalid_program", format!("program binary: {e:#}")))?;
    let mut entries = Vec::new();
    let mut write_error: Option<FfiError> = None;
    let session = exec
        .run_with_callback(|segment| {
            let encoded =
                bincode::serialize(&segment).map_err(|e| anyhow::anyhow!("segment {} encoding: {e}", segment.index))?;
            let name = segment_file_name(segment.index);
            if let Err(e) = write_atomically(&dir, &name, &encoded) {
                let path = dir.join(&name).display().to_string();
                write_error = Some(
                    FfiError::internal(format!("writing segment {} to {path}: {e}", segment.index)).with("path", path),
                );
                anyhow::bail!("writing segment {}: {e}", segment.index);
            }
            entries.push(SegmentEntry {
                index: segment.index,
                po2: segment.po2() as u32,
                bytes: encoded.len(),
                sha256: sha256_hex(&encoded),
                file: name,
            });
            Ok(Box::new(risc0_zkvm::NullSegmentRef))
        })
        .map_err(|e| {
            write_error.take().unwrap_or_else(|| {
                FfiError::invalid_kind("guest_failed", guest_stderr(format!("guest execution failed: {e:#}")))
            })
        })?;
    let elapsed = started.elapsed().as_secs_f64();
    zkvm::ensure_guest_halted(&session.exit_code)?;
    if !session.assumptions.is_empty() || !session.mmr_assumptions.is_empty() {
        return Err(FfiError::invalid_kind(
            "unsupported",
            format!(
                "the guest run has {} assumption(s) (composition or keccak accelerator proofs); segment-parallel \
                 proving covers assumption-free runs only: prove this run on one machine",
                session.assumptions.len() + session.mmr_assumptions.len()
            ),
        ));
    }
    let claim = session.claim().map_err(|e| FfiError::internal(format!("receipt claim: {e:#}")))?;
    let journal = session.journal.as_ref().map(|j| j.bytes.clone()).unwrap_or_default();
    ffi::json(&SegmentsReport {
        image_id: hex::encode(id.as_bytes()),
        journal: hex::encode(&journal),
        exit_code: zkvm::exit_code_label(&session.exit_code),
        user_cycles: session.user_cycles,
        paging_cycles: session.paging_cycles,
        reserved_cycles: session.reserved_cycles,
        total_cycles: session.total_cycles,
        segments: entries,
        claim_digest: hex::encode(claim.digest().as_bytes()),
        execute_seconds: elapsed,
        guest_stderr: guest_stderr(String::new()),
    })
}

/// Decodes bincode with a size limit, so a forged length prefix cannot make us allocate gigabytes.
fn decode_bincode<T: DeserializeOwned>(bytes: &[u8], max: usize, what: &str) -> FfiResult<T> {
    if bytes.is_empty() {
        return Err(FfiError::invalid(format!("{what}: empty input")).with("what", what));
    }
    if bytes.len() > max {
        return Err(
            FfiError::invalid(format!("{what} is {} bytes; the limit is {max}", bytes.len())).with("what", what)
        );
    }
    use bincode::Options;
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .with_limit(bytes.len() as u64 * 4 + 1024)
        .deserialize::<T>(bytes)
        .map_err(|e| {
            FfiError::invalid(format!("{what}: not a bincode value of the expected type: {e}")).with("what", what)
        })
}

fn decode_succinct(bytes: &[u8], what: &str) -> FfiResult<SuccinctReceipt<ReceiptClaim>> {
    decode_bincode(bytes, MAX_SUCCINCT_BYTES, what)
}

fn encode<T: Serialize>(value: &T, what: &str) -> FfiResult<Vec<u8>> {
    bincode::serialize(value).map_err(|e| FfiError::internal(format!("{what} encoding: {e}")))
}

/// Proves one serialized segment and lifts it; returns the bincode succinct receipt.
pub fn prove_and_lift(segment: &[u8]) -> FfiResult<Vec<u8>> {
    let segment: Segment = decode_bincode(segment, MAX_SEGMENT_BYTES, "segment")?;
    let index = segment.index;
    let prover =
        get_prover_server(&ProverOpts::succinct()).map_err(|e| FfiError::internal(format!("segment prover: {e:#}")))?;
    let ctx = VerifierContext::default();
    let receipt = prover
        .prove_segment(&ctx, &segment)
        .map_err(|e| FfiError::invalid(format!("proving segment {index}: {e:#}")).with("segment", index))?;
    let lifted = prover
        .lift(&receipt)
        .map_err(|e| FfiError::internal(format!("lifting segment {index}: {e:#}")).with("segment", index))?;
    encode(&lifted, "succinct receipt")
}

/// Joins the succinct receipts of two neighbouring segment ranges (`left` ends where `right` starts).
pub fn join(left: &[u8], right: &[u8]) -> FfiResult<Vec<u8>> {
    let left = decode_succinct(left, "left receipt")?;
    let right = decode_succinct(right, "right receipt")?;
    let prover = get_prover_server(&ProverOpts::succinct())
        .map_err(|e| FfiError::internal(format!("recursion prover: {e:#}")))?;
    let joined = prover.join(&left, &right).map_err(|e| {
        FfiError::invalid(format!("joining receipts: {e:#} (are they neighbouring ranges, left before right?)"))
    })?;
    encode(&joined, "succinct receipt")
}

#[derive(Serialize)]
struct FinalReport {
    image_id: String,
    journal: String,
    receipt_kind: String,
    dev_mode: bool,
    prove_seconds: f64,
    receipt_bytes: usize,
    claim_digest: String,
    seal: String,
    receipt: String,
}

/// Builds the final receipt from the succinct receipt covering every segment.
///
/// Checks that its claim digest is `expected_claim` (what execution reported) and
/// that it verifies against `image_id`; `kind` is `succinct` or `groth16` (which
/// needs a Groth16 prover on this machine). The JSON report has the fields of
/// `refute_prove`'s, minus the execution statistics the caller already has.
pub fn finalize(
    succinct: &[u8],
    journal: &[u8],
    image_id: &[u8],
    expected_claim: &[u8],
    kind: &str,
) -> FfiResult<Vec<u8>> {
    let id: [u8; 32] = image_id
        .try_into()
        .map_err(|_| FfiError::bad_argument(format!("image ID must be 32 bytes, got {}", image_id.len())))?;
    let expected: [u8; 32] = expected_claim
        .try_into()
        .map_err(|_| FfiError::bad_argument(format!("claim digest must be 32 bytes, got {}", expected_claim.len())))?;
    let groth16 = match kind {
        "succinct" => false,
        "groth16" => true,
        other => {
            return Err(FfiError::bad_argument(format!(
                "receipt kind {other:?} cannot be built from segments; expected succinct or groth16"
            )))
        }
    };
    if groth16 && !zkvm::groth16_prover_available() {
        return Err(FfiError::unavailable(
            "groth16 receipts are not available here: RISC Zero wraps the succinct receipt into Groth16 with its \
             prover image run by a Docker engine (or the CUDA prover), and this machine has neither. \
             Use --receipt succinct.",
        ));
    }
    let started = Instant::now();
    let succinct = decode_succinct(succinct, "final receipt")?;
    let claim = succinct.claim.digest();
    if claim.as_bytes() != expected.as_slice() {
        return Err(FfiError::invalid_kind(
            "verification_failed",
            format!(
                "the joined receipt's claim {} is not the claim execution reported ({})",
                hex::encode(claim.as_bytes()),
                hex::encode(expected)
            ),
        )
        .with("expected", hex::encode(expected))
        .with("computed", hex::encode(claim.as_bytes())));
    }
    let inner = if groth16 {
        let prover = get_prover_server(&ProverOpts::groth16())
            .map_err(|e| FfiError::internal(format!("groth16 prover: {e:#}")))?;
        InnerReceipt::Groth16(
            prover
                .succinct_to_groth16(&succinct)
                .map_err(|e| FfiError::internal(format!("groth16 compression: {e:#}")))?,
        )
    } else {
        InnerReceipt::Succinct(succinct)
    };
    let receipt = Receipt::new(inner, journal.to_vec());
    receipt.verify_with_context(&VerifierContext::default(), Digest::from(id)).map_err(|e| {
        FfiError::invalid_kind("verification_failed", format!("the final receipt does not verify: {e}"))
    })?;
    let encoded = encode(&receipt, "receipt")?;
    ffi::json(&FinalReport {
        image_id: hex::encode(id),
        journal: hex::encode(journal),
        receipt_kind: zkvm::receipt_kind_name(&receipt).to_string(),
        dev_mode: false,
        prove_seconds: started.elapsed().as_secs_f64(),
        receipt_bytes: encoded.len(),
        claim_digest: hex::encode(claim.as_bytes()),
        seal: zkvm::onchain_seal(&receipt).map(hex::encode).unwrap_or_default(),
        receipt: hex::encode(&encoded),
    })
}

// ---- C ABI ----------------------------------------------------------------

/// Executes and writes segments into the existing directory `out_dir` (UTF-8 path).
/// JSON report: execution statistics and, per segment, `index`, `po2`, `bytes`,
/// `sha256` and `file` (name inside `out_dir`).
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_segments_execute(
    program: *const u8,
    program_len: usize,
    input: *const u8,
    input_len: usize,
    segment_po2: u32,
    out_dir: *const u8,
    out_dir_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            execute_to_segments(
                ffi::input(program, program_len, "program")?,
                ffi::input(input, input_len, "input")?,
                segment_po2,
                ffi::input_str(out_dir, out_dir_len, "out_dir")?,
            )
        })
    }
}

/// Proves one bincode segment and lifts it: bincode `SuccinctReceipt<ReceiptClaim>`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_segments_prove_lift(segment: *const u8, segment_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| prove_and_lift(ffi::input(segment, segment_len, "segment")?)) }
}

/// Joins two bincode succinct receipts (left range first): bincode succinct receipt.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_segments_join(
    left: *const u8,
    left_len: usize,
    right: *const u8,
    right_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| join(ffi::input(left, left_len, "left")?, ffi::input(right, right_len, "right")?)) }
}

/// Builds, checks and verifies the final receipt. JSON report with the bincode
/// receipt (hex) under `"receipt"`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn refute_segments_finalize(
    succinct: *const u8,
    succinct_len: usize,
    journal: *const u8,
    journal_len: usize,
    image_id: *const u8,
    image_id_len: usize,
    claim_digest: *const u8,
    claim_digest_len: usize,
    kind: *const u8,
    kind_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            finalize(
                ffi::input(succinct, succinct_len, "succinct")?,
                ffi::input(journal, journal_len, "journal")?,
                ffi::input(image_id, image_id_len, "image_id")?,
                ffi::input(claim_digest, claim_digest_len, "claim_digest")?,
                ffi::input_str(kind, kind_len, "kind")?,
            )
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kind_of(e: FfiError) -> &'static str {
        e.kind
    }

    #[test]
    fn segment_files_sort_by_index() {
        assert_eq!(segment_file_name(7), "segment-000007.bin");
        assert!(segment_file_name(9) < segment_file_name(10));
    }

    #[test]
    fn garbage_segments_and_receipts_are_invalid_input() {
        assert_eq!(kind_of(prove_and_lift(b"not a segment").unwrap_err()), "invalid_input");
        assert_eq!(kind_of(prove_and_lift(b"").unwrap_err()), "invalid_input");
        assert_eq!(kind_of(join(b"x", b"y").unwrap_err()), "invalid_input");
        let e = finalize(b"junk", b"", &[0; 32], &[0; 32], "succinct").unwrap_err();
        assert_eq!(kind_of(e), "invalid_input");
    }

    #[test]
    fn finalize_checks_its_arguments_first() {
        assert_eq!(kind_of(finalize(b"x", b"", &[0; 31], &[0; 32], "succinct").unwrap_err()), "bad_argument");
        assert_eq!(kind_of(finalize(b"x", b"", &[0; 32], &[0; 32], "composite").unwrap_err()), "bad_argument");
    }

    #[test]
    fn execute_refuses_bad_po2_and_missing_directory() {
        let e = execute_to_segments(b"", b"", 30, "/").unwrap_err();
        assert_eq!(e.fields["segment_po2"], 30);
        let e = execute_to_segments(b"", b"", 14, "/nonexistent/refute-segments").unwrap_err();
        assert_eq!(kind_of(e), "invalid_input");
    }
}

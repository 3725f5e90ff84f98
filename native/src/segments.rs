//! Segment-parallel proving: the stateless steps a distributed scheduler runs.
//!
//! Why separate steps: a long guest run splits into segments that can be proven
//! on different machines. Each step here is a pure function of its input bytes
//! (a segment, two receipts, ...) so a scheduler can retry or move it freely:
//!
//! 1. [`execute_to_segments`] runs the guest and writes each serialized segment
//!    to a directory as the executor produces it (`segment-NNNNNN.bin`, renamed
//!    into place when complete), so proving can start before execution ends;
//!    It also writes each keccak proof request the guest makes through the
//!    keccak accelerator (`keccak-NNNNNN.bin`): the segments' joined receipt is
//!    conditional on one assumption, the union of those requests' proofs;
//! 2. [`prove_and_lift`] proves one segment and lifts it to a succinct receipt;
//! 3. [`join`] joins the succinct receipts of two neighbouring segment ranges;
//! 4. [`prove_keccak`] proves one keccak request with RISC Zero's keccak
//!    circuit, and [`union`] unites two such proofs, in the shape of the
//!    guest's Merkle mountain range of requests (planned by the caller);
//! 5. [`finalize`] resolves that assumption with the united keccak proof (if
//!    the guest made any request), then turns the receipt covering every
//!    segment into the same report `refute_prove` gives, after checking that
//!    its claim is the one execution reported and that it verifies against
//!    the image ID.
//!
//! Segments and receipts cross the ABI as bincode, like receipts elsewhere.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use risc0_zkvm::{
    get_prover_server, sha::Digest, sha::Digestible, Assumption, CoprocessorCallback, ExecutorImpl, InnerReceipt,
    MaybePruned, ProveKeccakRequest, ProverOpts, Receipt, ReceiptClaim, Segment, SuccinctReceipt, UnionClaim, Unknown,
    VerifierContext, ALLOWED_CONTROL_ROOT,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};
use crate::zkvm;

/// Largest segment accepted for decoding (a po2-22 segment is well under this).
const MAX_SEGMENT_BYTES: usize = 1024 * 1024 * 1024;
/// Largest succinct receipt accepted for decoding (they are a few hundred KiB).
const MAX_SUCCINCT_BYTES: usize = 64 * 1024 * 1024;
/// Largest keccak request accepted for decoding (a po2-18 request holds 1,310 states of 200 bytes).
const MAX_KECCAK_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// Segment sizes the executor accepts (RISC Zero's minimum and maximum po2).
const SEGMENT_PO2_RANGE: std::ops::RangeInclusive<u32> = 13..=22;
/// Keccak circuit sizes RISC Zero accepts (`risc0_circuit_keccak::KECCAK_PO2_RANGE`).
const KECCAK_PO2_RANGE: std::ops::RangeInclusive<u32> = 14..=18;
/// RISC Zero's default keccak request size (`risc0_circuit_keccak::KECCAK_DEFAULT_PO2`).
const DEFAULT_KECCAK_PO2: u32 = 17;
/// Keccak-circuit cycles per permutation (`risc0_circuit_keccak::KECCAK_PERMUTE_CYCLES`).
const KECCAK_PERMUTE_CYCLES: usize = 200;

/// The file a segment is written to inside the output directory.
pub fn segment_file_name(index: u32) -> String {
    format!("segment-{index:06}.bin")
}

/// The file a keccak proof request is written to inside the output directory.
pub fn keccak_file_name(index: u32) -> String {
    format!("keccak-{index:06}.bin")
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
struct KeccakEntry {
    index: u32,
    po2: u32,
    bytes: usize,
    sha256: String,
    file: String,
    /// The claim the request's keccak proof must carry.
    claim_digest: String,
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
    /// The keccak proof requests, in the order the guest made them.
    keccak_requests: Vec<KeccakEntry>,
    keccak_po2: u32,
    /// The claim of the finished proof: every assumption resolved.
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

/// Writes each keccak proof request to the output directory as the executor hands it over.
struct KeccakRequestWriter {
    dir: PathBuf,
    entries: Rc<RefCell<Vec<KeccakEntry>>>,
    assumptions: Rc<RefCell<Vec<Assumption>>>,
    error: Rc<RefCell<Option<FfiError>>>,
}

impl CoprocessorCallback for KeccakRequestWriter {
    fn prove_keccak(&mut self, request: ProveKeccakRequest) -> anyhow::Result<()> {
        let index = self.entries.borrow().len() as u32;
        let encoded = bincode::serialize(&request).map_err(|e| anyhow::anyhow!("keccak request {index}: {e}"))?;
        let name = keccak_file_name(index);
        if let Err(e) = write_atomically(&self.dir, &name, &encoded) {
            let path = self.dir.join(&name).display().to_string();
            *self.error.borrow_mut() =
                Some(FfiError::internal(format!("writing keccak request {index} to {path}: {e}")).with("path", path));
            anyhow::bail!("writing keccak request {index}: {e}");
        }
        self.entries.borrow_mut().push(KeccakEntry {
            index,
            po2: request.po2 as u32,
            bytes: encoded.len(),
            sha256: sha256_hex(&encoded),
            file: name,
            claim_digest: hex::encode(request.claim_digest.as_bytes()),
        });
        self.assumptions
            .borrow_mut()
            .push(Assumption { claim: request.claim_digest, control_root: request.control_root });
        Ok(())
    }
}

/// The assumption the union of two proofs discharges: the union claim of the
/// two assumptions' digests, in ascending order (as RISC Zero's `union` orders
/// them), under the recursion circuit's allowed control root.
fn union_assumption(a: &Assumption, b: &Assumption) -> Assumption {
    let (a, b) = (a.digest(), b.digest());
    let (left, right) = if a <= b { (a, b) } else { (b, a) };
    Assumption { claim: UnionClaim { left, right }.digest(), control_root: ALLOWED_CONTROL_ROOT }
}

/// The one assumption a guest's keccak requests leave on its receipt: their
/// Merkle mountain range, accumulated as the guest accumulates it (equal
/// heights merge as each request arrives; the peaks then fold oldest first).
/// `None` when the guest made no request.
fn keccak_root(requests: &[Assumption]) -> Option<Assumption> {
    let mut peaks: Vec<(Assumption, u32)> = Vec::new();
    for request in requests {
        let mut peak = (request.clone(), 0);
        while let Some((top, height)) = peaks.last() {
            if *height != peak.1 {
                break;
            }
            peak = (union_assumption(&peak.0, top), height + 1);
            peaks.pop();
        }
        peaks.push(peak);
    }
    let mut peaks = peaks.into_iter().map(|(assumption, _)| assumption);
    let first = peaks.next()?;
    Some(peaks.fold(first, |root, peak| union_assumption(&root, &peak)))
}

/// `claim` with the keccak root assumption removed from its output: the claim
/// of the receipt once the root is resolved.
fn resolved_claim(mut claim: ReceiptClaim, root: &Assumption) -> FfiResult<ReceiptClaim> {
    let root = root.digest();
    let MaybePruned::Value(Some(output)) = &mut claim.output else {
        return Err(FfiError::internal("the session claim has no output to carry the keccak assumption"));
    };
    let MaybePruned::Value(assumptions) = &mut output.assumptions else {
        return Err(FfiError::internal("the session claim's assumptions are pruned"));
    };
    let before = assumptions.0.len();
    assumptions.0.retain(|a| a.digest() != root);
    if assumptions.0.len() + 1 != before {
        return Err(FfiError::internal(format!(
            "the keccak root assumption {} is not among the session claim's {before} assumption(s)",
            hex::encode(root.as_bytes())
        )));
    }
    Ok(claim)
}

/// Executes a guest and writes its segments and keccak requests to `out_dir`;
/// returns the JSON report.
///
/// The directory must exist. `keccak_po2` (0: RISC Zero's default, 17) sizes
/// each keccak request. The keccak accelerator's requests are the only
/// assumptions supported: a guest that composes other receipts
/// (`env::verify`) is refused, since those receipts are not reachable here.
pub fn execute_to_segments(
    program: &[u8],
    input: &[u8],
    segment_po2: u32,
    keccak_po2: u32,
    out_dir: &str,
) -> FfiResult<Vec<u8>> {
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
    let keccak_po2 = if keccak_po2 == 0 { DEFAULT_KECCAK_PO2 } else { keccak_po2 };
    if !KECCAK_PO2_RANGE.contains(&keccak_po2) {
        return Err(FfiError::invalid(format!(
            "keccak po2 {keccak_po2} is outside {}..={}",
            KECCAK_PO2_RANGE.start(),
            KECCAK_PO2_RANGE.end()
        ))
        .with("keccak_po2", keccak_po2));
    }
    let id = zkvm::image_id(program)?;
    let keccak_entries = Rc::new(RefCell::new(Vec::new()));
    let keccak_assumptions = Rc::new(RefCell::new(Vec::new()));
    let keccak_error = Rc::new(RefCell::new(None));
    let writer = KeccakRequestWriter {
        dir: dir.clone(),
        entries: keccak_entries.clone(),
        assumptions: keccak_assumptions.clone(),
        error: keccak_error.clone(),
    };
    let (env, guest_stderr) = zkvm::guest_env_with_coprocessor(input, segment_po2, keccak_po2, writer)?;
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
            write_error.take().or_else(|| keccak_error.borrow_mut().take()).unwrap_or_else(|| {
                FfiError::invalid_kind("guest_failed", guest_stderr(format!("guest execution failed: {e:#}")))
            })
        })?;
    let elapsed = started.elapsed().as_secs_f64();
    zkvm::ensure_guest_halted(&session.exit_code)?;
    let root = keccak_root(&keccak_assumptions.borrow());
    if let Some(root) = &root {
        if !session.assumptions.iter().any(|(a, _)| a == root) {
            return Err(FfiError::internal(format!(
                "the guest's {} keccak request(s) accumulate to {}, which is not among the session's assumptions",
                keccak_assumptions.borrow().len(),
                hex::encode(root.digest().as_bytes())
            )));
        }
    }
    let composed = session.assumptions.iter().filter(|(a, _)| Some(a) != root.as_ref()).count();
    if composed > 0 || !session.mmr_assumptions.is_empty() {
        return Err(FfiError::invalid_kind(
            "unsupported",
            format!(
                "the guest run verifies {} receipt(s) of other programs (composition); segment-parallel proving \
                 resolves keccak accelerator proofs only: prove this run on one machine",
                composed + session.mmr_assumptions.len()
            ),
        ));
    }
    let claim = session.claim().map_err(|e| FfiError::internal(format!("receipt claim: {e:#}")))?;
    let claim = match &root {
        Some(root) => resolved_claim(claim, root)?,
        None => claim,
    };
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
        keccak_requests: keccak_entries.take(),
        keccak_po2,
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

fn decode_unknown(bytes: &[u8], what: &str) -> FfiResult<SuccinctReceipt<Unknown>> {
    decode_bincode(bytes, MAX_SUCCINCT_BYTES, what)
}

/// Proves one keccak request (as [`execute_to_segments`] wrote it) with the
/// keccak circuit; returns the bincode `SuccinctReceipt<Unknown>`, checked to
/// carry the claim the request names.
pub fn prove_keccak(request: &[u8]) -> FfiResult<Vec<u8>> {
    let request: ProveKeccakRequest = decode_bincode(request, MAX_KECCAK_REQUEST_BYTES, "keccak request")?;
    let po2 = request.po2 as u32;
    if !KECCAK_PO2_RANGE.contains(&po2) {
        return Err(FfiError::invalid(format!("keccak request po2 {po2} is outside 14..=18")).with("po2", po2));
    }
    let capacity = (1usize << po2) / KECCAK_PERMUTE_CYCLES;
    if request.input.is_empty() || request.input.len() > capacity {
        return Err(FfiError::invalid(format!(
            "keccak request holds {} states; a po2-{po2} request holds 1..={capacity}",
            request.input.len()
        ))
        .with("states", request.input.len()));
    }
    let prover =
        get_prover_server(&ProverOpts::succinct()).map_err(|e| FfiError::internal(format!("keccak prover: {e:#}")))?;
    let receipt = prover.prove_keccak(&request).map_err(|e| FfiError::internal(format!("proving keccak: {e:#}")))?;
    let claim = receipt.claim.digest();
    if claim != request.claim_digest {
        return Err(FfiError::invalid_kind(
            "verification_failed",
            format!(
                "the keccak proof's claim {} is not the request's claim {}: the request's states do not hash to it",
                hex::encode(claim.as_bytes()),
                hex::encode(request.claim_digest.as_bytes())
            ),
        ));
    }
    encode(&receipt, "keccak receipt")
}

/// Unites two keccak proofs (or unions of them) into one; the bincode
/// `SuccinctReceipt<Unknown>` of the union. The order of the inputs does not
/// matter: RISC Zero sorts them by assumption digest.
pub fn union(left: &[u8], right: &[u8]) -> FfiResult<Vec<u8>> {
    let left = decode_unknown(left, "left receipt")?;
    let right = decode_unknown(right, "right receipt")?;
    let prover = get_prover_server(&ProverOpts::succinct())
        .map_err(|e| FfiError::internal(format!("recursion prover: {e:#}")))?;
    let united = prover.union(&left, &right).map_err(|e| FfiError::invalid(format!("uniting receipts: {e:#}")))?;
    encode(&united.into_unknown(), "union receipt")
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
/// `keccak_root` (empty: none) is the united proof of the guest's keccak
/// requests; it resolves the one assumption they leave. Checks that the
/// resulting claim digest is `expected_claim` (what execution reported) and
/// that the receipt verifies against `image_id`; `kind` is `succinct` or
/// `groth16` (which needs a Groth16 prover on this machine). The JSON report
/// has the fields of `refute_prove`'s, minus the execution statistics the
/// caller already has.
pub fn finalize(
    succinct: &[u8],
    keccak_root: &[u8],
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
    let mut succinct = decode_succinct(succinct, "final receipt")?;
    if !keccak_root.is_empty() {
        let root = decode_unknown(keccak_root, "keccak root receipt")?;
        let prover = get_prover_server(&ProverOpts::succinct())
            .map_err(|e| FfiError::internal(format!("recursion prover: {e:#}")))?;
        succinct = prover.resolve(&succinct, &root).map_err(|e| {
            FfiError::invalid(format!(
                "resolving the keccak assumption: {e:#} (is the root the union of this run's keccak proofs?)"
            ))
        })?;
    }
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

/// Executes and writes segments and keccak requests into the existing directory
/// `out_dir` (UTF-8 path); `keccak_po2` 0 is RISC Zero's default. JSON report:
/// execution statistics and, per segment and per keccak request, `index`,
/// `po2`, `bytes`, `sha256` and `file` (name inside `out_dir`).
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
    keccak_po2: u32,
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
                keccak_po2,
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

/// Proves one bincode keccak request: bincode `SuccinctReceipt<Unknown>`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_segments_prove_keccak(request: *const u8, request_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| prove_keccak(ffi::input(request, request_len, "request")?)) }
}

/// Unites two bincode keccak receipts (or unions): bincode `SuccinctReceipt<Unknown>`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_segments_union(
    left: *const u8,
    left_len: usize,
    right: *const u8,
    right_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| union(ffi::input(left, left_len, "left")?, ffi::input(right, right_len, "right")?)) }
}

/// Resolves the keccak assumption (`keccak_root`, empty: none), then builds,
/// checks and verifies the final receipt. JSON report with the bincode receipt
/// (hex) under `"receipt"`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn refute_segments_finalize(
    succinct: *const u8,
    succinct_len: usize,
    keccak_root: *const u8,
    keccak_root_len: usize,
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
                ffi::input(keccak_root, keccak_root_len, "keccak_root")?,
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
        let e = finalize(b"junk", b"", b"", &[0; 32], &[0; 32], "succinct").unwrap_err();
        assert_eq!(kind_of(e), "invalid_input");
        assert_eq!(kind_of(prove_keccak(b"not a request").unwrap_err()), "invalid_input");
        assert_eq!(kind_of(union(b"x", b"y").unwrap_err()), "invalid_input");
    }

    fn request(po2: usize, states: usize) -> Vec<u8> {
        let request = ProveKeccakRequest {
            claim_digest: Digest::ZERO,
            po2,
            control_root: Digest::ZERO,
            input: vec![[0; 25]; states],
        };
        bincode::serialize(&request).unwrap()
    }

    #[test]
    fn keccak_requests_out_of_shape_are_refused_before_proving() {
        assert_eq!(prove_keccak(&request(13, 1)).unwrap_err().fields["po2"], 13);
        assert_eq!(prove_keccak(&request(19, 1)).unwrap_err().fields["po2"], 19);
        assert_eq!(prove_keccak(&request(14, 0)).unwrap_err().fields["states"], 0);
        assert_eq!(prove_keccak(&request(14, 82)).unwrap_err().fields["states"], 82);
    }

    #[test]
    fn finalize_checks_its_arguments_first() {
        assert_eq!(kind_of(finalize(b"x", b"", b"", &[0; 31], &[0; 32], "succinct").unwrap_err()), "bad_argument");
        assert_eq!(kind_of(finalize(b"x", b"", b"", &[0; 32], &[0; 32], "composite").unwrap_err()), "bad_argument");
    }

    #[test]
    fn execute_refuses_bad_po2_and_missing_directory() {
        let e = execute_to_segments(b"", b"", 30, 0, "/").unwrap_err();
        assert_eq!(e.fields["segment_po2"], 30);
        let e = execute_to_segments(b"", b"", 14, 0, "/nonexistent/refute-segments").unwrap_err();
        assert_eq!(kind_of(e), "invalid_input");
        let dir = std::env::temp_dir();
        let e = execute_to_segments(b"", b"", 14, 13, dir.to_str().unwrap()).unwrap_err();
        assert_eq!(e.fields["keccak_po2"], 13);
    }

    fn leaf(n: u8) -> Assumption {
        Assumption { claim: Digest::from([u32::from(n); 8]), control_root: Digest::from([7; 8]) }
    }

    #[test]
    fn keccak_root_follows_the_guests_mountain_range() {
        let [a, b, c, d, e] = [1, 2, 3, 4, 5].map(leaf);
        assert_eq!(keccak_root(&[]), None);
        // One request: its own assumption, under the keccak circuit's control root.
        assert_eq!(keccak_root(std::slice::from_ref(&a)), Some(a.clone()));
        let ab = union_assumption(&a, &b);
        assert_eq!(ab, union_assumption(&b, &a));
        assert_eq!(ab.control_root, ALLOWED_CONTROL_ROOT);
        assert_eq!(keccak_root(&[a.clone(), b.clone()]), Some(ab.clone()));
        // Peaks of heights 1 and 0 fold oldest first: (ab)c.
        assert_eq!(keccak_root(&[a.clone(), b.clone(), c.clone()]), Some(union_assumption(&ab, &c)));
        let abcd = union_assumption(&ab, &union_assumption(&c, &d));
        assert_eq!(keccak_root(&[a.clone(), b.clone(), c.clone(), d.clone()]), Some(abcd.clone()));
        assert_eq!(keccak_root(&[a, b, c, d, e.clone()]), Some(union_assumption(&abcd, &e)));
    }
}

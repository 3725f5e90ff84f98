//! RISC Zero host operations: pack, image ID, execute, prove, verify.
//!
//! Each `refute_*` function here is a thin C-ABI shell (see [`crate::ffi`]) over a
//! plain Rust function, so the logic can be unit-tested without the ABI.

use std::time::Instant;

use risc0_zkvm::{
    sha::Digest, sha::Digestible, ExecutorEnv, ExecutorImpl, ExitCode, InnerReceipt, LocalProver, Prover, ProverOpts,
    Receipt, ReceiptKind, VerifierContext,
};
use serde::Serialize;

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

/// Receipt kinds this build can produce without network access.
///
/// `groth16` is listed separately because it additionally needs a running Docker
/// engine (RISC Zero's `shrink_wrap` runs its prover image) or the CUDA prover.
pub const OFFLINE_RECEIPT_KINDS: [&str; 2] = ["composite", "succinct"];

#[derive(Serialize)]
struct VersionInfo {
    refute_native: &'static str,
    risc0_zkvm: &'static str,
    receipt_kinds: Vec<&'static str>,
    groth16_available: bool,
}

/// Whether a Docker engine answers (checked once per process: it spawns `docker info`).
fn docker_engine_running() -> bool {
    static RUNNING: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *RUNNING.get_or_init(probe_docker_engine)
}

fn probe_docker_engine() -> bool {
    std::process::Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn version_info() -> VersionInfo {
    let groth16 = docker_engine_running();
    let mut kinds: Vec<&'static str> = OFFLINE_RECEIPT_KINDS.to_vec();
    if groth16 {
        kinds.push("groth16");
    }
    VersionInfo {
        refute_native: env!("CARGO_PKG_VERSION"),
        risc0_zkvm: risc0_zkvm::VERSION,
        receipt_kinds: kinds,
        groth16_available: groth16,
    }
}

/// Wraps a user ELF with the v1compat kernel into a RISC Zero program binary.
pub fn pack_elf(user_elf: &[u8]) -> FfiResult<Vec<u8>> {
    refute_pack::pack_elf(user_elf).map_err(invalid_program)
}

/// The image ID (32 bytes) of a program binary.
pub fn image_id(program: &[u8]) -> FfiResult<Digest> {
    refute_pack::image_id(program).map(Digest::from).map_err(invalid_program)
}

fn invalid_program(error: refute_pack::PackError) -> FfiError {
    FfiError::invalid_kind("invalid_program", error.to_string())
}

fn exit_code_name(code: &ExitCode) -> String {
    match code {
        ExitCode::Halted(0) => "halted(0)".to_string(),
        ExitCode::Halted(n) => format!("halted({n})"),
        ExitCode::Paused(n) => format!("paused({n})"),
        ExitCode::SystemSplit => "system_split".to_string(),
        ExitCode::SessionLimit => "session_limit".to_string(),
        other => format!("{other:?}"),
    }
}

#[derive(Serialize)]
struct SegmentReport {
    index: u32,
    po2: u32,
}

#[derive(Serialize)]
struct ExecuteReport {
    image_id: String,
    journal: String,
    exit_code: String,
    user_cycles: u64,
    paging_cycles: u64,
    reserved_cycles: u64,
    total_cycles: u64,
    segments: Vec<SegmentReport>,
    claim_digest: String,
    execute_seconds: f64,
    /// What the guest wrote to stderr (capped).
    guest_stderr: String,
}

/// What a guest writes to stderr, kept (up to [`GUEST_STDERR_CAP`] bytes) so the
/// host can report it: phase cycle lines, and the panic message of a guest that
/// refused its input.
#[derive(Clone, Debug, Default)]
struct GuestStderr(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

/// Bytes of guest stderr kept.
const GUEST_STDERR_CAP: usize = 1 << 20;

impl std::io::Write for GuestStderr {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut buf = self.0.lock().map_err(|_| std::io::Error::other("guest stderr buffer poisoned"))?;
        let room = GUEST_STDERR_CAP.saturating_sub(buf.len());
        buf.extend_from_slice(&data[..data.len().min(room)]);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl GuestStderr {
    fn text(&self) -> String {
        self.0.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }

    /// The last lines, for an error message.
    fn tail(&self) -> String {
        let text = self.text();
        let start = text.len().saturating_sub(2000);
        let start = (start..text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text[start..].trim().to_string()
    }
}

fn with_stderr(message: String, stderr: &GuestStderr) -> String {
    let tail = stderr.tail();
    if tail.is_empty() {
        message
    } else {
        format!("{message}; guest stderr: {tail}")
    }
}

fn executor_env(input: &[u8], segment_limit_po2: u32, stderr: &GuestStderr) -> FfiResult<ExecutorEnv<'static>> {
    executor_env_builder(input, segment_limit_po2, stderr)
        .build()
        .map_err(|e| FfiError::internal(format!("executor environment: {e:#}")))
}

fn executor_env_builder(
    input: &[u8],
    segment_limit_po2: u32,
    stderr: &GuestStderr,
) -> risc0_zkvm::ExecutorEnvBuilder<'static> {
    let mut builder = ExecutorEnv::builder();
    builder.write_slice(input);
    builder.stderr(stderr.clone());
    if segment_limit_po2 != 0 {
        builder.segment_limit_po2(segment_limit_po2);
    }
    builder
}

fn ensure_halted_ok(exit: &ExitCode) -> FfiResult<()> {
    match exit {
        ExitCode::Halted(0) => Ok(()),
        other => {
            let code = exit_code_name(other);
            Err(FfiError::invalid_kind("guest_failed", format!("guest did not halt successfully: exit code {code}"))
                .with("exit_code", code))
        }
    }
}

/// Executes a program without proving: journal, cycles and segments.
pub fn execute(program: &[u8], input: &[u8], segment_limit_po2: u32) -> FfiResult<Vec<u8>> {
    let id = image_id(program)?;
    let stderr = GuestStderr::default();
    let env = executor_env(input, segment_limit_po2, &stderr)?;
    let started = Instant::now();
    let mut exec = ExecutorImpl::from_elf(env, program)
        .map_err(|e| FfiError::invalid_kind("invalid_program", format!("program binary: {e:#}")))?;
    let mut segments = Vec::new();
    let session = exec
        .run_with_callback(|segment| {
            segments.push(SegmentReport { index: segment.index, po2: segment.po2() as u32 });
            Ok(Box::new(risc0_zkvm::NullSegmentRef))
        })
        .map_err(|e| {
            FfiError::invalid_kind("guest_failed", with_stderr(format!("guest execution failed: {e:#}"), &stderr))
        })?;
    let elapsed = started.elapsed().as_secs_f64();
    ensure_halted_ok(&session.exit_code)?;
    let claim = session.claim().map_err(|e| FfiError::internal(format!("receipt claim: {e:#}")))?;
    let journal = session.journal.map(|j| j.bytes).unwrap_or_default();
    ffi::json(&ExecuteReport {
        image_id: hex::encode(id.as_bytes()),
        journal: hex::encode(&journal),
        exit_code: exit_code_name(&session.exit_code),
        user_cycles: session.user_cycles,
        paging_cycles: session.paging_cycles,
        reserved_cycles: session.reserved_cycles,
        total_cycles: session.total_cycles,
        segments,
        claim_digest: hex::encode(claim.digest().as_bytes()),
        execute_seconds: elapsed,
        guest_stderr: stderr.text(),
    })
}

#[derive(Serialize)]
struct ProveReport {
    image_id: String,
    journal: String,
    receipt_kind: String,
    dev_mode: bool,
    user_cycles: u64,
    total_cycles: u64,
    segments: usize,
    prove_seconds: f64,
    receipt_bytes: usize,
    claim_digest: String,
    /// The on-chain seal (selector || seal) for Groth16 and dev-mode receipts; empty otherwise.
    seal: String,
    /// bincode-serialised `risc0_zkvm::Receipt`, hex.
    receipt: String,
}

fn parse_kind(kind: &str) -> FfiResult<ReceiptKind> {
    match kind {
        "composite" => Ok(ReceiptKind::Composite),
        "succinct" => Ok(ReceiptKind::Succinct),
        "groth16" => Ok(ReceiptKind::Groth16),
        other => Err(FfiError::bad_argument(format!(
            "receipt kind {other:?} unknown; expected composite, succinct or groth16"
        ))),
    }
}

/// The kind of an inner receipt, as the CLI names it.
pub fn receipt_kind_name(receipt: &Receipt) -> &'static str {
    match &receipt.inner {
        InnerReceipt::Composite(_) => "composite",
        InnerReceipt::Succinct(_) => "succinct",
        InnerReceipt::Groth16(_) => "groth16",
        InnerReceipt::Fake(_) => "fake",
        _ => "unknown",
    }
}

/// The seal as the L1 verifier router takes it: a 4-byte selector then the seal.
///
/// Groth16: selector = first 4 bytes of the verifier parameters digest.
/// Fake (dev mode): selector 0xFFFFFFFF then the claim digest, as RISC Zero's mock
/// verifier expects. Other kinds have no on-chain form.
pub fn onchain_seal(receipt: &Receipt) -> Option<Vec<u8>> {
    match &receipt.inner {
        InnerReceipt::Groth16(inner) => {
            let mut out = inner.verifier_parameters.as_bytes()[..4].to_vec();
            out.extend_from_slice(&inner.seal);
            Some(out)
        }
        InnerReceipt::Fake(inner) => {
            let mut out = vec![0xFF; 4];
            out.extend_from_slice(inner.claim.digest().as_bytes());
            Some(out)
        }
        _ => None,
    }
}

/// Proves a program run; returns the report with the receipt embedded.
pub fn prove(program: &[u8], input: &[u8], kind: &str, dev_mode: bool, segment_limit_po2: u32) -> FfiResult<Vec<u8>> {
    let kind = parse_kind(kind)?;
    let id = image_id(program)?;
    if kind == ReceiptKind::Groth16 && !dev_mode && !docker_engine_running() {
        return Err(FfiError::unavailable(
            "groth16 receipts are not available here: RISC Zero wraps the succinct receipt into Groth16 \
             with its prover image run by a Docker engine (or with the CUDA prover and the risc0-groth16 \
             proving key from rzup), and this machine has neither a running Docker engine nor CUDA. \
             Use --receipt succinct or --receipt composite.",
        ));
    }
    let opts = ProverOpts::default().with_receipt_kind(kind).with_dev_mode(dev_mode);
    let stderr = GuestStderr::default();
    let env = executor_env(input, segment_limit_po2, &stderr)?;
    let ctx = VerifierContext::default().with_dev_mode(dev_mode);
    let started = Instant::now();
    let info = LocalProver::new("refute")
        .prove_with_ctx(env, &ctx, program, &opts)
        .map_err(|e| FfiError::invalid_kind("guest_failed", with_stderr(format!("proving failed: {e:#}"), &stderr)))?;
    let elapsed = started.elapsed().as_secs_f64();
    let receipt = info.receipt;
    let encoded = bincode::serialize(&receipt).map_err(|e| FfiError::internal(format!("receipt encoding: {e}")))?;
    let claim = receipt.claim().map_err(|e| FfiError::internal(format!("receipt claim: {e:#}")))?;
    ffi::json(&ProveReport {
        image_id: hex::encode(id.as_bytes()),
        journal: hex::encode(&receipt.journal.bytes),
        receipt_kind: receipt_kind_name(&receipt).to_string(),
        dev_mode,
        user_cycles: info.stats.user_cycles,
        total_cycles: info.stats.total_cycles,
        segments: info.stats.segments,
        prove_seconds: elapsed,
        receipt_bytes: encoded.len(),
        claim_digest: hex::encode(claim.digest().as_bytes()),
        seal: onchain_seal(&receipt).map(hex::encode).unwrap_or_default(),
        receipt: hex::encode(&encoded),
    })
}

#[derive(Serialize)]
struct VerifyReport {
    receipt_kind: &'static str,
    dev_mode: bool,
    journal: String,
    claim_digest: String,
}

/// Largest receipt accepted for decoding (a composite receipt of a long run is tens of MiB).
const MAX_RECEIPT_BYTES: usize = 512 * 1024 * 1024;

/// Decodes a bincode receipt, rejecting oversized or malformed input.
pub fn decode_receipt(bytes: &[u8]) -> FfiResult<Receipt> {
    if bytes.len() > MAX_RECEIPT_BYTES {
        return Err(FfiError::invalid(format!("receipt is {} bytes; the limit is {MAX_RECEIPT_BYTES}", bytes.len())));
    }
    use bincode::Options;
    // Same encoding as bincode::serialize (fixint, little endian), plus a size limit so a
    // forged length prefix cannot make us allocate gigabytes.
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .with_limit(bytes.len() as u64 * 4 + 1024)
        .deserialize::<Receipt>(bytes)
        .map_err(|e| FfiError::invalid(format!("receipt: not a bincode risc0_zkvm::Receipt: {e}")))
}

/// Verifies a receipt against an image ID. Fake (dev-mode) receipts pass only with `allow_dev`.
pub fn verify(receipt_bytes: &[u8], image_id: &[u8], allow_dev: bool) -> FfiResult<Vec<u8>> {
    let id: [u8; 32] = image_id
        .try_into()
        .map_err(|_| FfiError::bad_argument(format!("image ID must be 32 bytes, got {}", image_id.len())))?;
    let receipt =
        decode_receipt(receipt_bytes).map_err(|e| FfiError::invalid_kind("verification_failed", e.message))?;
    let is_fake = matches!(receipt.inner, InnerReceipt::Fake(_));
    if is_fake && !allow_dev {
        return Err(FfiError::invalid_kind(
            "verification_failed",
            "receipt is a dev-mode (fake) receipt: it proves nothing; refusing it without --allow-dev",
        ));
    }
    let ctx = VerifierContext::default().with_dev_mode(allow_dev);
    receipt
        .verify_with_context(&ctx, Digest::from(id))
        .map_err(|e| FfiError::invalid_kind("verification_failed", format!("receipt does not verify: {e}")))?;
    let claim = receipt.claim().map_err(|e| FfiError::internal(format!("receipt claim: {e:#}")))?;
    ffi::json(&VerifyReport {
        receipt_kind: receipt_kind_name(&receipt),
        dev_mode: is_fake,
        journal: hex::encode(&receipt.journal.bytes),
        claim_digest: hex::encode(claim.digest().as_bytes()),
    })
}

// ---- C ABI ----------------------------------------------------------------

/// JSON: `{"refute_native", "risc0_zkvm", "receipt_kinds", "groth16_available"}`.
#[no_mangle]
pub extern "C" fn refute_version() -> RefuteResult {
    ffi::run(|| ffi::json(&version_info()))
}

/// Wraps a user ELF with the v1compat kernel; returns the program binary bytes.
///
/// # Safety
/// `elf` must point to `elf_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_pack_elf(elf: *const u8, elf_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| pack_elf(ffi::input(elf, elf_len, "elf")?)) }
}

/// Returns the 32-byte image ID of a program binary.
///
/// # Safety
/// `program` must point to `program_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_image_id(program: *const u8, program_len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| Ok(image_id(ffi::input(program, program_len, "program")?)?.as_bytes().to_vec())) }
}

/// Executes without proving. JSON report (see `ExecuteReport`).
/// `segment_limit_po2` 0 means the default.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_execute(
    program: *const u8,
    program_len: usize,
    input: *const u8,
    input_len: usize,
    segment_limit_po2: u32,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            execute(
                ffi::input(program, program_len, "program")?,
                ffi::input(input, input_len, "input")?,
                segment_limit_po2,
            )
        })
    }
}

/// Proves. `kind` is UTF-8 `composite`, `succinct` or `groth16`. JSON report with the
/// receipt (bincode, hex) under `"receipt"`.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_prove(
    program: *const u8,
    program_len: usize,
    input: *const u8,
    input_len: usize,
    kind: *const u8,
    kind_len: usize,
    dev_mode: bool,
    segment_limit_po2: u32,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            prove(
                ffi::input(program, program_len, "program")?,
                ffi::input(input, input_len, "input")?,
                ffi::input_str(kind, kind_len, "kind")?,
                dev_mode,
                segment_limit_po2,
            )
        })
    }
}

/// Verifies a bincode receipt against a 32-byte image ID. Status 0 with a JSON report
/// when it verifies; status 1 with the reason when it does not.
///
/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_verify(
    receipt: *const u8,
    receipt_len: usize,
    image_id: *const u8,
    image_id_len: usize,
    allow_dev: bool,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            verify(
                ffi::input(receipt, receipt_len, "receipt")?,
                ffi::input(image_id, image_id_len, "image_id")?,
                allow_dev,
            )
        })
    }
}

// ---- helpers for the segment-parallel prover (crate::segments) --------------

/// The executor environment of `input` and a describer that appends the guest's
/// stderr to error messages, with keccak proof requests handed to
/// `coprocessor` as the guest makes them (instead of kept inside the session),
/// each covering up to `2^keccak_po2` keccak-circuit cycles.
pub(crate) fn guest_env_with_coprocessor(
    input: &[u8],
    segment_limit_po2: u32,
    keccak_po2: u32,
    coprocessor: impl risc0_zkvm::CoprocessorCallback + 'static,
) -> FfiResult<(ExecutorEnv<'static>, impl Fn(String) -> String)> {
    let stderr = GuestStderr::default();
    let mut builder = executor_env_builder(input, segment_limit_po2, &stderr);
    builder.coprocessor_callback(coprocessor);
    builder
        .keccak_max_po2(keccak_po2)
        .map_err(|e| FfiError::bad_argument(format!("keccak po2: {e:#}")).with("keccak_po2", keccak_po2))?;
    let env = builder.build().map_err(|e| FfiError::internal(format!("executor environment: {e:#}")))?;
    let describe = move |message: String| {
        if message.is_empty() {
            stderr.text()
        } else {
            with_stderr(message, &stderr)
        }
    };
    Ok((env, describe))
}

/// `guest_failed` unless the guest halted with exit code 0.
pub(crate) fn ensure_guest_halted(exit: &ExitCode) -> FfiResult<()> {
    ensure_halted_ok(exit)
}

/// An exit code as reports name it (`halted(0)`, `paused(1)`, ...).
pub(crate) fn exit_code_label(code: &ExitCode) -> String {
    exit_code_name(code)
}

/// Whether this machine can wrap succinct receipts into Groth16 (a running Docker engine).
pub(crate) fn groth16_prover_available() -> bool {
    docker_engine_running()
}

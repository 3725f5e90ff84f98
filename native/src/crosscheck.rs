//! RISC Zero's own Rust implementations of the checks `verifier/` re-states in
//! pure Python, exported so differential tests can compare the two decisions
//! byte for byte. The pure-Python verifier never calls these.

use risc0_zkvm::{sha::Digest, sha::Digestible, ReceiptClaim};

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

fn digest32(bytes: &[u8], what: &str) -> FfiResult<Digest> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| FfiError::bad_argument(format!("{what} must be 32 bytes, got {}", bytes.len())))?;
    Ok(Digest::from(arr))
}

/// `ReceiptClaim::ok(image_id, journal).digest()`.
pub fn claim_digest_ok(image_id: &[u8], journal: &[u8]) -> FfiResult<Vec<u8>> {
    let id = digest32(image_id, "image ID")?;
    Ok(ReceiptClaim::ok(id, journal.to_vec()).digest().as_bytes().to_vec())
}

/// `risc0_groth16::Verifier` on a seal (without selector) and the public parameters.
/// Ok when the proof verifies; `invalid` with the library's reason otherwise.
pub fn groth16_verify(
    seal: &[u8],
    control_root: &[u8],
    claim_digest: &[u8],
    bn254_control_id: &[u8],
) -> FfiResult<Vec<u8>> {
    let verifier = risc0_groth16::Verifier::new(
        seal,
        digest32(control_root, "control root")?,
        digest32(claim_digest, "claim digest")?,
        digest32(bn254_control_id, "BN254 control ID")?,
        &risc0_groth16::verifying_key(),
    )
    .map_err(|e| FfiError::invalid_kind("verification_failed", format!("groth16: {e}")))?;
    verifier.verify().map_err(|e| FfiError::invalid_kind("verification_failed", format!("groth16: {e}")))?;
    Ok(Vec::new())
}

/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_claim_digest_ok(
    image_id: *const u8,
    image_id_len: usize,
    journal: *const u8,
    journal_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            claim_digest_ok(
                ffi::input(image_id, image_id_len, "image_id")?,
                ffi::input(journal, journal_len, "journal")?,
            )
        })
    }
}

/// # Safety
/// Pointers must point to the given number of readable bytes.
#[no_mangle]
pub unsafe extern "C" fn refute_groth16_verify(
    seal: *const u8,
    seal_len: usize,
    control_root: *const u8,
    control_root_len: usize,
    claim_digest: *const u8,
    claim_digest_len: usize,
    bn254_control_id: *const u8,
    bn254_control_id_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            groth16_verify(
                ffi::input(seal, seal_len, "seal")?,
                ffi::input(control_root, control_root_len, "control_root")?,
                ffi::input(claim_digest, claim_digest_len, "claim_digest")?,
                ffi::input(bn254_control_id, bn254_control_id_len, "bn254_control_id")?,
            )
        })
    }
}

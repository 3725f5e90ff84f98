//! Blob binding by proof of equivalence (`docs/protocol.md`).
//!
//! The guest never verifies a KZG commitment (pairings are expensive in the
//! zkVM). Instead it evaluates the blob it read at a Fiat–Shamir point `z` and
//! commits `(versioned_hash, z, y)`; the L1 contract checks `y` against the
//! versioned hash with the point-evaluation precompile. Two different
//! degree-<4096 polynomials agree at a pseudo-random `z` with probability at most
//! 4096 / r.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256, U256};

use crate::{
    error::{FaultError, FaultResult},
    scalar::{self, R},
    sha256::sha256,
};

/// Field elements in an EIP-4844 blob.
pub const FIELD_ELEMENTS_PER_BLOB: usize = 4096;
/// Bytes in an EIP-4844 blob.
pub const BLOB_BYTES: usize = FIELD_ELEMENTS_PER_BLOB * 32;
/// Domain separation for the challenge point.
pub const CHALLENGE_DOMAIN: &[u8] = b"refute/blob-binding/v1";
/// EIP-4844 `PRIMITIVE_ROOT_OF_UNITY`: the roots of the evaluation domain are
/// powers of `7^((r - 1) / 4096)`.
const PRIMITIVE_ROOT: u64 = 7;

/// What the journal binds for one blob, and what the contract checks with `0x0a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobOpening {
    pub versioned_hash: B256,
    /// The evaluation point (a canonical scalar, big-endian).
    pub z: B256,
    /// The blob polynomial's value at `z` (a canonical scalar, big-endian).
    pub y: B256,
}

/// `z = sha256(domain ‖ versioned_hash ‖ blob) mod r`.
pub fn challenge(versioned_hash: &B256, blob: &[u8]) -> U256 {
    let digest = sha256(&[CHALLENGE_DOMAIN, versioned_hash.as_slice(), blob]);
    U256::from_be_bytes(digest).reduce_mod(R)
}

/// The blob's field elements; an element at or above `r` is refused (the
/// point-evaluation precompile would never accept such a blob either).
pub fn field_elements(blob: &[u8]) -> FaultResult<Vec<U256>> {
    if blob.len() != BLOB_BYTES {
        return Err(FaultError::BlobBinding(alloc::format!("a blob is {BLOB_BYTES} bytes, got {}", blob.len())));
    }
    blob.chunks_exact(32)
        .enumerate()
        .map(|(i, chunk)| {
            let value = U256::from_be_slice(chunk);
            if value >= R {
                return Err(FaultError::BlobBinding(alloc::format!(
                    "field element {i} is not below the BLS12-381 scalar order"
                )));
            }
            Ok(value)
        })
        .collect()
}

/// The evaluation domain in EIP-4844 order: `omega^brp(i)` for i in 0..4096.
fn bit_reversed_roots() -> Vec<U256> {
    let omega = scalar::pow(U256::from(PRIMITIVE_ROOT), (R - U256::from(1)) >> 12);
    let mut natural = Vec::with_capacity(FIELD_ELEMENTS_PER_BLOB);
    let mut power = U256::from(1);
    for _ in 0..FIELD_ELEMENTS_PER_BLOB {
        natural.push(power);
        power = scalar::mul(power, omega);
    }
    (0..FIELD_ELEMENTS_PER_BLOB).map(|i| natural[(i as u32).reverse_bits() as usize >> 20]).collect()
}

/// `p(z)` for the polynomial taking `values[i]` at the i-th bit-reversed root,
/// in barycentric form: `p(z) = (z^n − 1)/n · Σ values[i]·ω_i / (z − ω_i)`.
pub fn evaluate(values: &[U256], z: U256) -> U256 {
    let roots = bit_reversed_roots();
    if let Some(i) = roots.iter().position(|w| *w == z) {
        return values[i];
    }
    let mut denominators: Vec<U256> = roots.iter().map(|w| scalar::sub(z, *w)).collect();
    // z is not a root, so no denominator is zero.
    if scalar::batch_inverse(&mut denominators).is_none() {
        return U256::ZERO;
    }
    let mut sum = U256::ZERO;
    for ((f, w), d) in values.iter().zip(&roots).zip(&denominators) {
        sum = scalar::add(sum, scalar::mul(scalar::mul(*f, *w), *d));
    }
    let n = U256::from(FIELD_ELEMENTS_PER_BLOB as u64);
    let n_inv = scalar::inverse(n).unwrap_or_default();
    let vanishing = scalar::sub(scalar::pow(z, n), U256::from(1));
    scalar::mul(scalar::mul(vanishing, n_inv), sum)
}

/// The opening the journal binds for `blob`, read under `versioned_hash`.
pub fn open(versioned_hash: B256, blob: &[u8]) -> FaultResult<BlobOpening> {
    let values = field_elements(blob)?;
    let z = challenge(&versioned_hash, blob);
    let y = evaluate(&values, z);
    Ok(BlobOpening { versioned_hash, z: B256::from(z.to_be_bytes::<32>()), y: B256::from(y.to_be_bytes::<32>()) })
}

/// The journal's blob binding: keccak256 over every opening, zero if none.
pub fn binding_hash(openings: &[BlobOpening]) -> B256 {
    if openings.is_empty() {
        return B256::ZERO;
    }
    let mut data = Vec::with_capacity(openings.len() * 96);
    for o in openings {
        data.extend_from_slice(o.versioned_hash.as_slice());
        data.extend_from_slice(o.z.as_slice());
        data.extend_from_slice(o.y.as_slice());
    }
    keccak256(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_polynomial_evaluates_to_the_constant() {
        let values = alloc::vec![U256::from(5); FIELD_ELEMENTS_PER_BLOB];
        assert_eq!(evaluate(&values, U256::from(123_456_789u64)), U256::from(5));
    }

    #[test]
    fn a_domain_point_returns_its_value() {
        let values: Vec<U256> = (0..FIELD_ELEMENTS_PER_BLOB as u64).map(U256::from).collect();
        let roots = bit_reversed_roots();
        assert_eq!(roots[0], U256::from(1));
        assert_eq!(scalar::pow(roots[1], U256::from(2)), U256::from(1)); // roots[1] = ω^2048 = −1
        assert_eq!(evaluate(&values, roots[17]), U256::from(17));
    }

    #[test]
    fn refuses_non_canonical_elements() {
        let mut blob = alloc::vec![0u8; BLOB_BYTES];
        blob[32 * 9..32 * 10].fill(0xff);
        let err = field_elements(&blob).expect_err("an element above r");
        assert!(alloc::format!("{err}").contains("field element 9"));
    }

    #[test]
    fn empty_binding_is_zero() {
        assert_eq!(binding_hash(&[]), B256::ZERO);
    }
}

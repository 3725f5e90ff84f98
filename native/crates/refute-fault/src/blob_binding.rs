//! Blob binding by proof of equivalence (`docs/protocol.md`).
//!
//! The guest never verifies a KZG commitment (pairings are expensive in the
//! zkVM). Instead it evaluates the blob it read at a Fiat–Shamir point `z` and
//! commits `(versioned_hash, z, y)`; the L1 contract checks `y` against the
//! versioned hash with the point-evaluation precompile. Two different
//! degree-<4096 polynomials agree at a pseudo-random `z` with probability at most
//! 4096 / r.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256};
use ark_bls12_381::Fr;
use ark_ff::{batch_inversion, BigInteger, Field, PrimeField};
use sha2::{Digest, Sha256};

use crate::error::{FaultError, FaultResult};

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
pub fn challenge(versioned_hash: &B256, blob: &[u8]) -> Fr {
    let mut h = Sha256::new();
    h.update(CHALLENGE_DOMAIN);
    h.update(versioned_hash.as_slice());
    h.update(blob);
    Fr::from_be_bytes_mod_order(&h.finalize())
}

/// The blob's field elements; an element at or above `r` is refused (the
/// point-evaluation precompile would never accept such a blob either).
pub fn field_elements(blob: &[u8]) -> FaultResult<Vec<Fr>> {
    if blob.len() != BLOB_BYTES {
        return Err(FaultError::BlobBinding(alloc::format!("a blob is {BLOB_BYTES} bytes, got {}", blob.len())));
    }
    blob.chunks_exact(32)
        .enumerate()
        .map(|(i, chunk)| {
            let mut limbs = [0u64; 4];
            for (j, limb) in limbs.iter_mut().enumerate() {
                let at = 32 - 8 * (j + 1);
                let mut word = [0u8; 8];
                word.copy_from_slice(&chunk[at..at + 8]);
                *limb = u64::from_be_bytes(word);
            }
            Fr::from_bigint(ark_ff::BigInt::new(limbs)).ok_or_else(|| {
                FaultError::BlobBinding(alloc::format!("field element {i} is not below the BLS12-381 scalar order"))
            })
        })
        .collect()
}

/// The evaluation domain in EIP-4844 order: `omega^brp(i)` for i in 0..4096.
fn bit_reversed_roots() -> Vec<Fr> {
    let mut exponent = Fr::MODULUS;
    exponent.sub_with_borrow(&ark_ff::BigInt::from(1u64));
    exponent >>= 12; // (r - 1) / 4096
    let omega = Fr::from(PRIMITIVE_ROOT).pow(exponent);
    let mut natural = Vec::with_capacity(FIELD_ELEMENTS_PER_BLOB);
    let mut power = Fr::ONE;
    for _ in 0..FIELD_ELEMENTS_PER_BLOB {
        natural.push(power);
        power *= omega;
    }
    (0..FIELD_ELEMENTS_PER_BLOB).map(|i| natural[(i as u32).reverse_bits() as usize >> 20]).collect()
}

/// `p(z)` for the polynomial taking `values[i]` at the i-th bit-reversed root,
/// in barycentric form: `p(z) = (z^n − 1)/n · Σ values[i]·ω_i / (z − ω_i)`.
pub fn evaluate(values: &[Fr], z: Fr) -> Fr {
    let roots = bit_reversed_roots();
    if let Some(i) = roots.iter().position(|w| *w == z) {
        return values[i];
    }
    let mut denominators: Vec<Fr> = roots.iter().map(|w| z - w).collect();
    batch_inversion(&mut denominators);
    let sum: Fr = values.iter().zip(&roots).zip(&denominators).map(|((f, w), d)| *f * w * d).sum();
    let n = Fr::from(FIELD_ELEMENTS_PER_BLOB as u64);
    let n_inv = n.inverse().unwrap_or_default();
    (z.pow([FIELD_ELEMENTS_PER_BLOB as u64]) - Fr::ONE) * n_inv * sum
}

fn scalar_bytes(x: Fr) -> B256 {
    B256::from_slice(&x.into_bigint().to_bytes_be())
}

/// The opening the journal binds for `blob`, read under `versioned_hash`.
pub fn open(versioned_hash: B256, blob: &[u8]) -> FaultResult<BlobOpening> {
    let values = field_elements(blob)?;
    let z = challenge(&versioned_hash, blob);
    let y = evaluate(&values, z);
    Ok(BlobOpening { versioned_hash, z: scalar_bytes(z), y: scalar_bytes(y) })
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
        let values = alloc::vec![Fr::from(5u64); FIELD_ELEMENTS_PER_BLOB];
        assert_eq!(evaluate(&values, Fr::from(123_456_789u64)), Fr::from(5u64));
    }

    #[test]
    fn a_domain_point_returns_its_value() {
        let values: Vec<Fr> = (0..FIELD_ELEMENTS_PER_BLOB as u64).map(Fr::from).collect();
        let roots = bit_reversed_roots();
        assert_eq!(roots[0], Fr::ONE);
        assert_eq!(evaluate(&values, roots[17]), Fr::from(17u64));
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

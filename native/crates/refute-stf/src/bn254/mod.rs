//! BN254 (alt_bn128) for the precompiles of EIP-196 and EIP-197 (0x06 add,
//! 0x07 scalar multiplication, 0x08 pairing check) in the zkVM guests.
//!
//! Why: revm runs these precompiles on arkworks in software, tens of millions
//! of cycles per pairing check in the zkVM; contracts that verify SNARKs call
//! them (a fifth of the cycles of OP Sepolia block 26208384). Here the field
//! arithmetic runs on RISC Zero's bigint2 programs: 𝔽p² products, sums and
//! differences, 𝔽p inversions and G1 point operations are one accelerator
//! call each. Inputs are read and refused exactly as revm's arkworks backend
//! reads and refuses them (coordinates below p, points on the curve, G2
//! points in the order-r subgroup, `(0, 0)` for infinity); the tests compare
//! every result and every refusal with revm's.

mod fp12;
mod fp2;
mod g1;
mod g2;
mod pairing;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use crate::field::{self, Fe};
use fp2::P;

/// The order r of G1 and G2.
const R: Fe = [0xf000_0001, 0x43e1_f593, 0x79b9_7091, 0x2833_e848, 0x8181_585d, 0xb850_45b6, 0xe131_a029, 0x3064_4e72];

/// Why an input is refused: revm's refusals (`PrecompileHalt`'s BN254 variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bn254Error {
    /// A coordinate is not below p.
    NotAFieldElement,
    /// A point is not on its curve, or a G2 point is not in the order-r subgroup.
    NotInGroup,
    /// A point's encoding is not 64 (G1) or 128 (G2) bytes, or a scalar's 32.
    Length { expected: usize, got: usize },
}

/// The 64-byte EIP-196 encoding of `a + b`.
pub fn g1_add(a: &[u8], b: &[u8]) -> Result<[u8; 64], Bn254Error> {
    let (a, b) = (read_g1(a)?, read_g1(b)?);
    Ok(encode_g1(&g1::add(&a, &b)))
}

/// The 64-byte EIP-196 encoding of `k·a`, `k` a 32-byte big-endian integer
/// (any value: it is taken modulo r).
pub fn g1_mul(point: &[u8], scalar: &[u8]) -> Result<[u8; 64], Bn254Error> {
    let point = read_g1(point)?;
    let scalar = field::reduce(&field::from_be_bytes(exact::<32>(scalar)?), &R);
    Ok(encode_g1(&g1::mul(&point, &scalar)))
}

/// Whether `Π e(Pᵢ, Qᵢ) = 1` for pairs of a 64-byte G1 and a 128-byte G2
/// encoding; true for no pairs. Pairs are read in order, each G1 point before
/// its G2 point, and the first refusal is returned.
pub fn pairing_check(pairs: &[(&[u8], &[u8])]) -> Result<bool, Bn254Error> {
    let mut points = Vec::with_capacity(pairs.len());
    for (g1_bytes, g2_bytes) in pairs {
        let p = read_g1(g1_bytes)?;
        let q = read_g2(g2_bytes)?;
        if let (Some(p), Some(q)) = (p, q) {
            points.push((p, q));
        }
    }
    Ok(pairing::product_is_one(&points))
}

fn exact<const N: usize>(bytes: &[u8]) -> Result<&[u8; N], Bn254Error> {
    bytes.try_into().map_err(|_| Bn254Error::Length { expected: N, got: bytes.len() })
}

/// A coordinate: 32 big-endian bytes, below p.
fn read_fp(bytes: &[u8]) -> Result<Fe, Bn254Error> {
    let value = field::from_be_bytes(exact::<32>(bytes)?);
    if field::lt(&value, &P) {
        Ok(value)
    } else {
        Err(Bn254Error::NotAFieldElement)
    }
}

/// `x ‖ y`; `(0, 0)` is infinity.
fn read_g1(bytes: &[u8]) -> Result<g1::G1, Bn254Error> {
    let bytes = exact::<64>(bytes)?;
    let (x, y) = (read_fp(&bytes[..32])?, read_fp(&bytes[32..])?);
    if field::is_zero(&x) && field::is_zero(&y) {
        return Ok(None);
    }
    if !g1::is_on_curve(&x, &y) {
        return Err(Bn254Error::NotInGroup);
    }
    Ok(Some((x, y)))
}

/// `x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0` (imaginary parts first); all zero is infinity.
fn read_g2(bytes: &[u8]) -> Result<g2::G2, Bn254Error> {
    let bytes = exact::<128>(bytes)?;
    let x = fp2::new(read_fp(&bytes[32..64])?, read_fp(&bytes[..32])?);
    let y = fp2::new(read_fp(&bytes[96..])?, read_fp(&bytes[64..96])?);
    if fp2::is_zero(&x) && fp2::is_zero(&y) {
        return Ok(None);
    }
    let point = (x, y);
    if !g2::is_on_curve(&point) || !g2::is_in_subgroup(&point) {
        return Err(Bn254Error::NotInGroup);
    }
    Ok(Some(point))
}

/// `x ‖ y`, or 64 zero bytes at infinity.
fn encode_g1(point: &g1::G1) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some((x, y)) = point {
        out[..32].copy_from_slice(&field::to_be_bytes(x));
        out[32..].copy_from_slice(&field::to_be_bytes(y));
    }
    out
}

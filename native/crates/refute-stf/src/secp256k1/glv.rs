//! The GLV split of a scalar: `k ≡ k₁ + λ·k₂ (mod n)` with `|k₁|, |k₂| < 2^128`.
//!
//! Why: secp256k1 has an endomorphism `λ·(x, y) = (β·x, y)` that costs one field
//! multiplication, so `k·P = k₁·P + k₂·(λ·P)` needs half the doublings of a
//! 256-bit scalar; doublings are most of the cost of sender recovery in the
//! guest. The split is libsecp256k1's (and k256's): `c₁ = round(k·g₁ / 2^384)`,
//! `c₂ = round(k·g₂ / 2^384)`, `k₂ = c₁·(−b₁) + c₂·(−b₂)`, `k₁ = k − λ·k₂`, so
//! `k₁ + λ·k₂ ≡ k` holds for every `k` by construction; the bound on the halves
//! is what their analysis proves, and [`split`] checks it anyway, returning
//! `None` rather than a wrong split if a half were ever larger.

use crate::field::{self, Fe, ZERO};

use super::{HALF_N, N};

/// `−λ mod n`, where `λ` is the cube root of unity modulo n matching [`BETA`].
const MINUS_LAMBDA: Fe =
    [0xb512_83cf, 0xe0cf_c810, 0x8ec7_39c2, 0xa880_b9fc, 0x77ed_9ba4, 0x5ad9_e3fd, 0x3fa3_cf1f, 0xac9c_52b3];
/// `β`, the cube root of unity modulo p with `λ·(x, y) = (β·x, y)`.
pub const BETA: Fe =
    [0x7195_01ee, 0xc139_6c28, 0x12f5_8995, 0x9cf0_4975, 0xac34_34e9, 0x6e64_479e, 0x657c_0710, 0x7ae9_6a2b];
/// `−b₁` of the lattice basis (b₁ is negative, so this is a 128-bit number).
const MINUS_B1: Fe = [0x0abf_e4c3, 0x6f54_7fa9, 0x010e_8828, 0xe443_7ed6, 0, 0, 0, 0];
/// `−b₂ mod n`.
const MINUS_B2: Fe =
    [0x3db1_562c, 0xd765_cda8, 0x0774_346d, 0x8a28_0ac5, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
/// `round(2^384 · b₂ / n)`.
const G1: Fe = [0x45db_b031, 0xe893_209a, 0x71e8_ca7f, 0x3daa_8a14, 0x9284_eb15, 0xe86c_90e4, 0xa7d4_6bcd, 0x3086_d221];
/// `round(2^384 · (−b₁) / n)`.
const G2: Fe = [0x8ac4_7f71, 0x1571_b4ae, 0x9df5_06c6, 0x2212_08ac, 0x0abf_e4c4, 0x6f54_7fa9, 0x010e_8828, 0xe443_7ed6];

/// A signed half of a split scalar: `±magnitude`, the magnitude below 2^128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Half {
    /// Little-endian 32-bit words.
    pub magnitude: [u32; 4],
    pub negative: bool,
}

impl Half {
    /// Bits `4i .. 4i + width` of the magnitude (`width` ≤ 8, `i` even when 8).
    pub fn digit(&self, i: usize, width: u32) -> usize {
        ((self.magnitude[i / 8] >> (4 * (i % 8))) & ((1 << width) - 1)) as usize
    }
}

/// `(k₁, k₂)` with `k₁ + λ·k₂ ≡ k (mod n)` for `k < n`, or `None` if either
/// half is not below 2^128 in absolute value.
pub fn split(k: &Fe) -> Option<(Half, Half)> {
    let c1 = field::mul(&mul_shift_384(k, &G1), &MINUS_B1, &N);
    let c2 = field::mul(&mul_shift_384(k, &G2), &MINUS_B2, &N);
    let k2 = field::add(&c1, &c2, &N);
    let k1 = field::add(k, &field::mul(&k2, &MINUS_LAMBDA, &N), &N);
    Some((signed_half(&k1)?, signed_half(&k2)?))
}

/// A residue `r` mod n as `±m` with the smaller magnitude (`r` above n/2 is
/// `−(n − r)`), if that magnitude is below 2^128.
fn signed_half(r: &Fe) -> Option<Half> {
    let negative = field::lt(&HALF_N, r);
    let m = if negative { field::neg(r, &N) } else { *r };
    if m[4..].iter().any(|w| *w != 0) {
        return None;
    }
    Some(Half { magnitude: [m[0], m[1], m[2], m[3]], negative })
}

/// `round(a·b / 2^384)` for 256-bit `a` and `b` (below 2^129, so it fits).
fn mul_shift_384(a: &Fe, b: &Fe) -> Fe {
    let mut wide = [0u32; 16];
    for (i, ai) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, bj) in b.iter().enumerate() {
            let t = u64::from(*ai) * u64::from(*bj) + u64::from(wide[i + j]) + carry;
            wide[i + j] = t as u32;
            carry = t >> 32;
        }
        wide[i + 8] = carry as u32;
    }
    let mut out = ZERO;
    out[..4].copy_from_slice(&wide[12..]);
    // Round half up: add bit 383, the highest bit shifted out.
    let round = [wide[11] >> 31, 0, 0, 0, 0, 0, 0, 0];
    field::add_words(&out, &round).0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use proptest::prelude::*;

    fn n() -> U256 {
        field::to_u256(&N)
    }

    fn lambda() -> U256 {
        n() - field::to_u256(&MINUS_LAMBDA)
    }

    /// The signed half as an integer mod n.
    fn residue(h: &Half) -> U256 {
        let mut words = ZERO;
        words[..4].copy_from_slice(&h.magnitude);
        let m = field::to_u256(&words);
        if h.negative {
            (n() - m) % n()
        } else {
            m
        }
    }

    fn check(k: U256) {
        let (k1, k2) = split(&field::from_u256(k)).unwrap();
        let sum = residue(&k1).add_mod(lambda().mul_mod(residue(&k2), n()), n());
        assert_eq!(sum, k, "k1 + λ·k2 ≠ k for k = {k:#x}");
    }

    #[test]
    fn the_constants_are_the_endomorphism() {
        let p = field::to_u256(&super::super::point::P);
        let beta = field::to_u256(&BETA);
        assert_eq!(beta.pow_mod(U256::from(3), p), U256::from(1));
        assert_eq!(lambda().pow_mod(U256::from(3), n()), U256::from(1));
        // λ·G = (β·Gx, Gy): the pair is matched, not just two cube roots.
        let [gx, gy] = super::super::g_table::G_MULTIPLES[0];
        let lambda_g = super::super::point::lincomb_plain(&field::from_u256(lambda()), &ZERO, (gx, gy));
        let (x, y) = lambda_g.to_affine().unwrap();
        assert_eq!(x, field::mul(&BETA, &gx, &super::super::point::P));
        assert_eq!(y, gy);
    }

    #[test]
    fn boundary_scalars_split() {
        let n = n();
        for k in [
            U256::ZERO,
            U256::from(1),
            n - U256::from(1),
            n / U256::from(2),
            n / U256::from(2) + U256::from(1),
            lambda(),
            n - lambda(),
            U256::from(1) << 128,
            (U256::from(1) << 128) - U256::from(1),
            U256::from(1) << 255,
        ] {
            check(k);
        }
    }

    proptest! {
        #[test]
        fn every_scalar_splits_into_halves_below_2_128(k in any::<[u64; 4]>()) {
            check(U256::from_limbs(k) % n());
        }
    }
}

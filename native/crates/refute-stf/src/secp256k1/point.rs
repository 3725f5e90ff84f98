//! secp256k1 points in Jacobian coordinates and the double-scalar
//! multiplication `u1·G + u2·R` of public-key recovery.
//!
//! The host's chain (and the guest's fallback for a scalar the GLV split
//! cannot bound). Multiplications are accelerator calls in the guest and
//! additions software, so the formulas favour multiplications over chains of
//! additions. Every addition handles its exceptional cases (an operand at
//! infinity, equal operands, opposite operands) exactly: the scalars come from
//! a transaction, so an attacker may steer the intermediate points.
//!
//! Coordinates are *loose*: any 256-bit integer, standing for its residue
//! mod p. A sum or difference that wraps past 2^256 is corrected by the
//! two-word constant 2^256 − p ≡ 0 instead of being compared with p and
//! reduced, which in the guest costs more than the multiplication it feeds;
//! the accelerator's multiplication takes any 256-bit operands and returns a
//! canonical product, zero tests accept both 0 and p (the only loose forms
//! of 0, since 2p > 2^256), and [`Jacobian::to_affine`] returns canonical
//! coordinates (products).

use super::{g_table::G_MULTIPLES, glv};
use crate::field::{self, Fe, ONE, ZERO};

/// The field prime p = 2^256 − 2^32 − 977.
pub const P: Fe =
    [0xffff_fc2f, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];

const FOUR: Fe = [4, 0, 0, 0, 0, 0, 0, 0];
const EIGHT: Fe = [8, 0, 0, 0, 0, 0, 0, 0];

/// `2^256 − p = 2^32 + 977` as its two low words (the rest are zero).
const WRAP: [u32; 2] = [0x3d1, 1];

/// `a + b`, loose. Each carry out drops 2^256 ≡ 2^256 − p, which is added
/// back; a second carry can only follow a first (the sum is then below
/// 2^256 − p + 2^256 − 2), and a third cannot.
fn add(a: &Fe, b: &Fe) -> Fe {
    let (mut sum, mut carry) = field::add_words(a, b);
    while carry {
        (sum, carry) = wrap(&sum, u32::overflowing_add);
    }
    sum
}

/// `a − b`, loose: each borrow adds 2^256 ≡ 2^256 − p, which is subtracted
/// again (at most twice, as in [`add`]).
fn sub(a: &Fe, b: &Fe) -> Fe {
    let (mut diff, mut borrow) = field::sub_words(a, b);
    while borrow {
        (diff, borrow) = wrap(&diff, u32::overflowing_sub);
    }
    diff
}

/// `x ± (2^256 − p)` modulo 2^256, and whether it carried or borrowed out:
/// `step` is `u32::overflowing_add` or `u32::overflowing_sub`.
#[inline(always)]
fn wrap(x: &Fe, step: fn(u32, u32) -> (u32, bool)) -> (Fe, bool) {
    let mut out = *x;
    let (w0, o0) = step(out[0], WRAP[0]);
    let (w1, o1) = step(out[1], WRAP[1] + u32::from(o0));
    (out[0], out[1]) = (w0, w1);
    let mut over = o1;
    for word in &mut out[2..] {
        if !over {
            break;
        }
        (*word, over) = step(*word, 1);
    }
    (out, over)
}

/// Whether a loose `x` is 0 mod p.
fn is_zero(x: &Fe) -> bool {
    field::is_zero(x) || *x == P
}

fn mul(a: &Fe, b: &Fe) -> Fe {
    field::mul(a, b, &P)
}
fn square(a: &Fe) -> Fe {
    field::square(a, &P)
}

/// A point (X : Y : Z) standing for (X/Z², Y/Z³); Z = 0 is the point at infinity.
#[derive(Clone, Copy, Debug)]
pub struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Jacobian {
    /// The point at infinity.
    pub const INFINITY: Self = Self { x: ONE, y: ONE, z: ZERO };

    /// The affine point (x, y), assumed on the curve.
    pub fn from_affine(x: Fe, y: Fe) -> Self {
        Self { x, y, z: ONE }
    }

    /// Whether this is the point at infinity.
    pub fn is_infinity(&self) -> bool {
        is_zero(&self.z)
    }

    /// Affine (x, y), or `None` at infinity.
    pub fn to_affine(self) -> Option<(Fe, Fe)> {
        if self.is_infinity() {
            return None;
        }
        let z_inv = super::invert_p(&self.z);
        let z_inv2 = square(&z_inv);
        Some((mul(&self.x, &z_inv2), mul(&self.y, &mul(&z_inv2, &z_inv))))
    }

    /// 2·self (a = 0 doubling; infinity doubles to infinity since Z₃ = 2·Y·Z).
    ///
    /// Small multiples (4·X·Y², 8·X·Y², 3·X², 8·Y⁴) are multiplications by a
    /// constant: in the guest one accelerator call costs less than the two or
    /// three modular additions it replaces.
    pub fn double(&self) -> Self {
        let a = square(&self.x);
        let b = square(&self.y);
        let c = square(&b);
        let xb = mul(&self.x, &b);
        let d = mul(&xb, &FOUR); // 4·X·Y²
        let e = mul(&a, &field::THREE); // 3·X²
        let x3 = sub(&square(&e), &mul(&xb, &EIGHT));
        let y3 = sub(&mul(&e, &sub(&d, &x3)), &mul(&c, &EIGHT));
        let yz = mul(&self.y, &self.z);
        Self { x: x3, y: y3, z: add(&yz, &yz) }
    }

    /// self + other.
    pub fn add(&self, other: &Self) -> Self {
        if self.is_infinity() {
            return *other;
        }
        if other.is_infinity() {
            return *self;
        }
        let z1z1 = square(&self.z);
        let z2z2 = square(&other.z);
        let u1 = mul(&self.x, &z2z2);
        let u2 = mul(&other.x, &z1z1);
        let s1 = mul(&self.y, &mul(&other.z, &z2z2));
        let s2 = mul(&other.y, &mul(&self.z, &z1z1));
        let z1z2 = mul(&self.z, &other.z);
        self.finish_add(u1, s1, u2, s2, z1z2)
    }

    /// self + (x, y) for an affine (x, y) on the curve.
    pub fn add_affine(&self, x: &Fe, y: &Fe) -> Self {
        if self.is_infinity() {
            return Self::from_affine(*x, *y);
        }
        let z1z1 = square(&self.z);
        let u2 = mul(x, &z1z1);
        let s2 = mul(y, &mul(&self.z, &z1z1));
        self.finish_add(self.x, self.y, u2, s2, self.z)
    }

    /// The sum from U₁ = X₁·Z₂², S₁ = Y₁·Z₂³, U₂ = X₂·Z₁², S₂ = Y₂·Z₁³ and
    /// Z₁·Z₂ (both operands finite).
    fn finish_add(&self, u1: Fe, s1: Fe, u2: Fe, s2: Fe, z1z2: Fe) -> Self {
        let h = sub(&u2, &u1);
        let r = sub(&s2, &s1);
        if is_zero(&h) {
            // Same x: the operands are equal (double) or opposite (infinity).
            return if is_zero(&r) { self.double() } else { Self::INFINITY };
        }
        let hh = square(&h);
        let hhh = mul(&hh, &h);
        let v = mul(&u1, &hh);
        let x3 = sub(&sub(&square(&r), &hhh), &add(&v, &v));
        let y3 = sub(&mul(&r, &sub(&v, &x3)), &mul(&s1, &hhh));
        Self { x: x3, y: y3, z: mul(&z1z2, &h) }
    }
}

/// `u1·G + u2·R` for scalars `u1, u2 < n` and an affine `R` on the curve.
///
/// Each scalar is split by the GLV endomorphism into two signed halves below
/// 2^128 ([`glv::split`]), so the shared doubling chain is 128 doublings long
/// instead of 256: `u1·G = a₁·G + a₂·(λ·G)` and `u2·R = b₁·R + b₂·(λ·R)`, with
/// `λ·(x, y) = (β·x, y)`. A scalar the split cannot bound falls back to
/// [`lincomb_plain`] (the split's analysis says none exists).
pub fn lincomb(u1: &Fe, u2: &Fe, r: (Fe, Fe)) -> Jacobian {
    match (glv::split(u1), glv::split(u2)) {
        (Some(a), Some(b)) => lincomb_split(a, b, r),
        _ => lincomb_plain(u1, u2, r),
    }
}

/// `a₁·G + a₂·(λ·G) + b₁·R + b₂·(λ·R)` for signed 128-bit halves: a 4-bit
/// window over tables of ±R's and ±λR's multiples built here, an 8-bit window
/// over the constant table of G's (λ and the sign applied per addition).
fn lincomb_split((a1, a2): (glv::Half, glv::Half), (b1, b2): (glv::Half, glv::Half), r: (Fe, Fe)) -> Jacobian {
    let r1_table = multiples((r.0, signed(&r.1, b1.negative))); // k·(±R)
                                                                // λ·(X : Y : Z) = (β·X : Y : Z); the sign of b₂ relative to b₁ flips Y.
    let flip = b1.negative != b2.negative;
    let r2_table = r1_table.map(|p| Jacobian { x: mul(&glv::BETA, &p.x), y: signed(&p.y, flip), z: p.z });
    let mut acc = Jacobian::INFINITY;
    for i in (0..32).rev() {
        if !acc.is_infinity() {
            for _ in 0..4 {
                acc = acc.double();
            }
        }
        let digit = b1.digit(i, 4);
        if digit != 0 {
            acc = acc.add(&r1_table[digit - 1]);
        }
        let digit = b2.digit(i, 4);
        if digit != 0 {
            acc = acc.add(&r2_table[digit - 1]);
        }
        if i % 2 == 0 {
            let byte = a1.digit(i, 8);
            if byte != 0 {
                let [gx, gy] = &G_MULTIPLES[byte - 1];
                acc = acc.add_affine(gx, &signed(gy, a1.negative));
            }
            let byte = a2.digit(i, 8);
            if byte != 0 {
                let [gx, gy] = &G_MULTIPLES[byte - 1];
                acc = acc.add_affine(&mul(&glv::BETA, gx), &signed(gy, a2.negative));
            }
        }
    }
    acc
}

/// `1·P … 15·P` for an affine `P` (entry `k − 1` is `k·P`): the table of a
/// 4-bit window.
fn multiples(p: (Fe, Fe)) -> [Jacobian; 15] {
    let mut table = [Jacobian::from_affine(p.0, p.1); 15];
    for k in 1..15 {
        table[k] = table[k - 1].add_affine(&p.0, &p.1);
    }
    table
}

/// `−y mod p`, loose.
fn negate(y: &Fe) -> Fe {
    sub(&ZERO, y)
}

/// `y`, or `−y` when `negative`.
fn signed(y: &Fe, negative: bool) -> Fe {
    if negative {
        negate(y)
    } else {
        *y
    }
}

/// `u1·G + u2·R` for scalars `u1, u2` (any 256-bit values) and an affine `R` on
/// the curve: one shared doubling chain of 256 doublings, a 4-bit window over a
/// table of `R`'s multiples built here and an 8-bit window over the constant
/// table of `G`'s.
pub fn lincomb_plain(u1: &Fe, u2: &Fe, r: (Fe, Fe)) -> Jacobian {
    let r_table = multiples(r);
    let mut acc = Jacobian::INFINITY;
    for i in (0..64).rev() {
        if !acc.is_infinity() {
            for _ in 0..4 {
                acc = acc.double();
            }
        }
        let nibble = ((u2[i / 8] >> (4 * (i % 8))) & 0xf) as usize;
        if nibble != 0 {
            acc = acc.add(&r_table[nibble - 1]);
        }
        if i % 2 == 0 {
            let byte = ((u1[i / 8] >> (4 * (i % 8))) & 0xff) as usize;
            if byte != 0 {
                let [gx, gy] = &G_MULTIPLES[byte - 1];
                acc = acc.add_affine(gx, gy);
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use proptest::prelude::*;

    fn p() -> U256 {
        field::to_u256(&P)
    }

    /// Loose values: random, and next to 0, p and 2^256 (where the wraps happen twice).
    fn loose() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(U256::from_limbs),
            (0u64..4096).prop_map(U256::from),
            (0u64..4096).prop_map(|k| U256::MAX - U256::from(k)),
            (0u64..4096).prop_map(|k| field::to_u256(&P) - U256::from(k)),
            (0u64..4096).prop_map(|k| field::to_u256(&P) + U256::from(k)),
        ]
    }

    fn residue(x: U256) -> U256 {
        x.reduce_mod(p())
    }

    proptest! {
        #[test]
        fn loose_sums_and_differences_are_congruent(a in loose(), b in loose()) {
            let (fa, fb) = (field::from_u256(a), field::from_u256(b));
            prop_assert_eq!(residue(field::to_u256(&add(&fa, &fb))), residue(a).add_mod(residue(b), p()));
            prop_assert_eq!(residue(field::to_u256(&sub(&fa, &fb))), residue(a).add_mod(p() - residue(b), p()));
            prop_assert_eq!(residue(field::to_u256(&negate(&fa))), (p() - residue(a)).reduce_mod(p()));
            prop_assert_eq!(is_zero(&fa), residue(a).is_zero());
            prop_assert_eq!(field::to_u256(&mul(&fa, &fb)), residue(a).mul_mod(residue(b), p()));
        }
    }

    #[test]
    fn double_wraps() {
        let max = field::from_u256(U256::MAX);
        // (2^256 − 1) + (2^256 − 1) carries twice; 0 − (2^256 − 1) borrows twice.
        let sum = field::to_u256(&add(&max, &max));
        assert_eq!(residue(sum), residue(U256::MAX).add_mod(residue(U256::MAX), p()));
        let diff = field::to_u256(&sub(&ZERO, &max));
        assert_eq!(residue(diff), (p() - residue(U256::MAX)) % p());
        assert!(is_zero(&P) && is_zero(&ZERO) && !is_zero(&ONE));
        assert!(Jacobian { x: ONE, y: ONE, z: P }.is_infinity());
    }
}

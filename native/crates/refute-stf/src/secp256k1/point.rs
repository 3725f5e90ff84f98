//! secp256k1 points in Jacobian coordinates and the double-scalar
//! multiplication `u1·G + u2·R` of public-key recovery.
//!
//! Why these formulas: multiplications are the accelerated operation in the
//! guest, additions are software, so the formulas favour multiplications over
//! chains of additions. Every addition handles its exceptional cases (an
//! operand at infinity, equal operands, opposite operands) exactly: the
//! scalars come from a transaction, so an attacker may steer the intermediate
//! points.

use super::{g_table::G_MULTIPLES, glv};
use crate::field::{self, Fe, ONE, ZERO};

/// The field prime p = 2^256 − 2^32 − 977.
pub const P: Fe =
    [0xffff_fc2f, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];

const THREE: Fe = [3, 0, 0, 0, 0, 0, 0, 0];
const FOUR: Fe = [4, 0, 0, 0, 0, 0, 0, 0];
const EIGHT: Fe = [8, 0, 0, 0, 0, 0, 0, 0];

fn add(a: &Fe, b: &Fe) -> Fe {
    field::add(a, b, &P)
}
fn sub(a: &Fe, b: &Fe) -> Fe {
    field::sub(a, b, &P)
}
fn mul(a: &Fe, b: &Fe) -> Fe {
    field::mul(a, b, &P)
}
fn square(a: &Fe) -> Fe {
    field::square(a, &P)
}

/// A point (X : Y : Z) standing for (X/Z², Y/Z³); Z = 0 is the point at infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
        field::is_zero(&self.z)
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
        let e = mul(&a, &THREE); // 3·X²
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
        if field::is_zero(&h) {
            // Same x: the operands are equal (double) or opposite (infinity).
            return if field::is_zero(&r) { self.double() } else { Self::INFINITY };
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
    let r1 = if b1.negative { (r.0, negate(&r.1)) } else { r };
    let mut r1_table = [Jacobian::from_affine(r1.0, r1.1); 15]; // entry k − 1 is k·(±R)
    for k in 1..15 {
        r1_table[k] = r1_table[k - 1].add_affine(&r1.0, &r1.1);
    }
    // λ·(X : Y : Z) = (β·X : Y : Z); the sign of b₂ relative to b₁ flips Y.
    let flip = b1.negative != b2.negative;
    let r2_table =
        r1_table.map(|p| Jacobian { x: mul(&glv::BETA, &p.x), y: if flip { negate(&p.y) } else { p.y }, z: p.z });
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

/// `−y mod p`.
fn negate(y: &Fe) -> Fe {
    field::neg(y, &P)
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
    let mut r_table = [Jacobian::from_affine(r.0, r.1); 15]; // entry k − 1 is k·R
    for k in 1..15 {
        r_table[k] = r_table[k - 1].add_affine(&r.0, &r.1);
    }
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

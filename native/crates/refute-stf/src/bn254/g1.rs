//! G1 of BN254 (y² = x³ + 3 over 𝔽p, prime order r, so every curve point is in
//! G1), in affine coordinates.
//!
//! Why affine: the zkVM adds and doubles affine points of any short
//! Weierstrass curve over a 256-bit prime in one bigint2 call each
//! (risc0-bigint2's `ec` module, whose checked wrapper also settles an operand
//! at infinity and equal or opposite operands); the host uses the textbook
//! formulas, an inversion each.

use super::fp2::P;
use crate::field::{self, Fe};

/// A point: `Some((x, y))` with canonical coordinates, on the curve, or `None`
/// at infinity.
pub(crate) type G1 = Option<(Fe, Fe)>;

/// The curve's `b`.
pub(crate) const B: Fe = [3, 0, 0, 0, 0, 0, 0, 0];

/// Whether `(x, y)` satisfies `y² = x³ + 3`.
pub(crate) fn is_on_curve(x: &Fe, y: &Fe) -> bool {
    let rhs = field::add(&field::mul(&field::square(x, &P), x, &P), &B, &P);
    field::square(y, &P) == rhs
}

#[cfg(target_os = "zkvm")]
mod accelerated {
    use super::{Fe, G1, P};
    use risc0_bigint2::ec::{AffinePoint, Curve, WeierstrassCurve, EC_256_WIDTH_WORDS};

    /// BN254's G1 curve for the accelerator's point programs.
    #[derive(Debug)]
    pub(super) enum Bn254Curve {}

    impl Curve<EC_256_WIDTH_WORDS> for Bn254Curve {
        const CURVE: &'static WeierstrassCurve<EC_256_WIDTH_WORDS> =
            &WeierstrassCurve::new(P, [0; EC_256_WIDTH_WORDS], super::B);
    }

    pub(super) type Point = AffinePoint<EC_256_WIDTH_WORDS, Bn254Curve>;

    pub(super) fn point(a: &G1) -> Point {
        match a {
            Some((x, y)) => Point::new_unchecked(*x, *y),
            None => Point::IDENTITY,
        }
    }

    pub(super) fn coordinates(a: &Point) -> G1 {
        a.as_u32s().map(|[x, y]: &[Fe; 2]| (*x, *y))
    }
}

/// `a + b`.
#[cfg(target_os = "zkvm")]
pub(crate) fn add(a: &G1, b: &G1) -> G1 {
    let mut out = accelerated::Point::IDENTITY;
    accelerated::point(a).add(&accelerated::point(b), &mut out);
    accelerated::coordinates(&out)
}

/// `2·a`.
#[cfg(target_os = "zkvm")]
pub(crate) fn double(a: &G1) -> G1 {
    let mut out = accelerated::Point::IDENTITY;
    accelerated::point(a).double(&mut out);
    accelerated::coordinates(&out)
}

/// `a + b`.
#[cfg(not(target_os = "zkvm"))]
pub(crate) fn add(a: &G1, b: &G1) -> G1 {
    crate::weierstrass::add(a, b, &P)
}

/// `2·a`.
#[cfg(not(target_os = "zkvm"))]
pub(crate) fn double(a: &G1) -> G1 {
    crate::weierstrass::double(a, &P)
}

/// `k·a` for any 256-bit `k`: a fixed 4-bit window from `k`'s highest
/// non-zero nibble down (a table of `a … 15·a` as far as a nibble needs it, then four doublings and at
/// most one addition per nibble), so a small `k` costs few point operations.
pub(crate) fn mul(a: &G1, k: &Fe) -> G1 {
    let nibble = |i: usize| ((k[i / 8] >> (4 * (i % 8))) & 0xf) as usize;
    let top = (0..64).rev().find(|i| nibble(*i) != 0)?;
    // Only the multiples some nibble uses.
    let largest = (0..=top).map(nibble).max().unwrap_or(0);
    let mut table = [*a; 16];
    table[0] = None;
    for i in 2..=largest {
        table[i] = add(&table[i - 1], a);
    }
    let mut acc = table[nibble(top)];
    for i in (0..top).rev() {
        for _ in 0..4 {
            acc = double(&acc);
        }
        let digit = nibble(i);
        if digit != 0 {
            acc = add(&acc, &table[digit]);
        }
    }
    acc
}

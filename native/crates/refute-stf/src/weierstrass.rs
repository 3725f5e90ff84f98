//! Affine addition and doubling on a curve `y² = x³ + b` over a prime field,
//! by the textbook formulas (an inversion each).
//!
//! The host's point arithmetic: BN254's G1 on the host, and the reference the
//! secp256k1 tests check the accelerated chain against. In the zkVM both curves
//! add and double with the accelerator's point programs instead.

use crate::field::{self, Fe};

/// A point with canonical coordinates, on the curve, or `None` at infinity.
pub(crate) type Point = Option<(Fe, Fe)>;

/// `a + b` on the curve over 𝔽p.
pub(crate) fn add(a: &Point, b: &Point, p: &Fe) -> Point {
    let ((x1, y1), (x2, y2)) = match (a, b) {
        (None, other) | (other, None) => return *other,
        (Some(a), Some(b)) => (a, b),
    };
    if x1 == x2 {
        return if y1 == y2 { double(a, p) } else { None };
    }
    let slope = field::mul(&field::sub(y2, y1, p), &field::invert_prime(&field::sub(x2, x1, p), p), p);
    Some(chord_end(&slope, x1, y1, x2, p))
}

/// `2·a` on the curve over 𝔽p: the tangent's slope is 3x²/2y, and a point with
/// y = 0 has order 2.
pub(crate) fn double(a: &Point, p: &Fe) -> Point {
    let (x, y) = a.as_ref()?;
    if field::is_zero(y) {
        return None;
    }
    let three_x_squared = field::mul(&field::square(x, p), &field::THREE, p);
    let slope = field::mul(&three_x_squared, &field::invert_prime(&field::add(y, y, p), p), p);
    Some(chord_end(&slope, x, y, x, p))
}

/// The third intersection of the line of `slope` through `(x1, y1)` and a
/// point with abscissa `x2`, reflected: `x3 = s² − x1 − x2`, `y3 = s(x1 − x3) − y1`.
fn chord_end(slope: &Fe, x1: &Fe, y1: &Fe, x2: &Fe, p: &Fe) -> (Fe, Fe) {
    let x3 = field::sub(&field::sub(&field::square(slope, p), x1, p), x2, p);
    let y3 = field::sub(&field::mul(slope, &field::sub(x1, &x3, p), p), y1, p);
    (x3, y3)
}

//! G2 of BN254: the order-r subgroup of the sextic twist y² = x³ + 3/ξ over
//! 𝔽p², in affine coordinates (an 𝔽p² inversion is one accelerator call in
//! the zkVM, cheaper than the extra products of projective formulas).

use super::fp12::FROBENIUS;
use super::fp2::{self, Fp2};
use crate::field;

/// A point `(x, y)` of the twist with canonical coordinates.
pub(crate) type Affine = (Fp2, Fp2);
/// A point of the twist or `None` at infinity.
pub(crate) type G2 = Option<Affine>;

/// The twist's `b` = 3/ξ (derived from ξ in the tests).
pub(crate) const B: Fp2 = fp2::new(
    [0x24a1_38e5, 0x3267_e6dc, 0x59db_efa3, 0xb5b4_c5e5, 0x1be0_6ac3, 0x81be_1899, 0xceb8_aaae, 0x2b14_9d40],
    [0x85c3_15d2, 0xe4a2_bd06, 0xe52d_1852, 0xa74f_a084, 0xeed8_fdf4, 0xcd2c_afad, 0x3af0_fed4, 0x0097_13b0],
);

/// 6x² for BN254's parameter x = 4965661367192848881: a twist point Q is in
/// G2 exactly when ψ(Q) = [6x²]Q (El Housni, Guillevic and Piellard,
/// eprint 2022/352 §4.3; the check arkworks' `ark-bn254` makes, which revm's
/// precompile uses).
pub(crate) const SIX_X_SQUARED: u128 = 0x6f4d_8248_eeb8_59fb_f83e_9682_e87c_fd46;

/// Whether `(x, y)` satisfies `y² = x³ + b`.
pub(crate) fn is_on_curve(point: &Affine) -> bool {
    let (x, y) = point;
    fp2::square(y) == fp2::add(&fp2::mul(&fp2::square(x), x), &B)
}

/// Whether a point on the twist is in the order-r subgroup.
pub(crate) fn is_in_subgroup(point: &Affine) -> bool {
    mul(&Some(*point), SIX_X_SQUARED) == Some(frobenius(point))
}

/// ψ(Q): the twist point whose untwisted image is the p-power Frobenius of Q's.
pub(crate) fn frobenius(point: &Affine) -> Affine {
    (fp2::mul(&fp2::conjugate(&point.0), &FROBENIUS[2]), fp2::mul(&fp2::conjugate(&point.1), &FROBENIUS[3]))
}

/// `(x, −y)`.
pub(crate) fn neg(point: &Affine) -> Affine {
    (point.0, fp2::neg(&point.1))
}

/// The slope of the tangent at `t` (`y ≠ 0`: no point of odd order has it).
pub(crate) fn tangent_slope(t: &Affine) -> Fp2 {
    let three_x_squared = fp2::mul_by_fp(&fp2::square(&t.0), &field::THREE);
    fp2::mul(&three_x_squared, &fp2::inverse(&fp2::double(&t.1)))
}

/// The slope of the chord through `t` and `q` (`x_t ≠ x_q`).
pub(crate) fn chord_slope(t: &Affine, q: &Affine) -> Fp2 {
    fp2::mul(&fp2::sub(&q.1, &t.1), &fp2::inverse(&fp2::sub(&q.0, &t.0)))
}

/// The sum of `t` and the point of abscissa `x2` on the line of `slope`
/// through `t`: `x3 = s² − x1 − x2`, `y3 = s(x1 − x3) − y1`.
pub(crate) fn line_end(slope: &Fp2, t: &Affine, x2: &Fp2) -> Affine {
    let x3 = fp2::sub(&fp2::sub(&fp2::square(slope), &t.0), x2);
    let y3 = fp2::sub(&fp2::mul(slope, &fp2::sub(&t.0, &x3)), &t.1);
    (x3, y3)
}

/// `a + b` for any two points of the twist.
pub(crate) fn add(a: &G2, b: &G2) -> G2 {
    let (ta, tb) = match (a, b) {
        (None, other) | (other, None) => return *other,
        (Some(a), Some(b)) => (a, b),
    };
    if ta.0 == tb.0 {
        return if ta.1 == tb.1 { double(a) } else { None };
    }
    Some(line_end(&chord_slope(ta, tb), ta, &tb.0))
}

/// `2·a`.
pub(crate) fn double(a: &G2) -> G2 {
    let t = a.as_ref()?;
    if fp2::is_zero(&t.1) {
        return None;
    }
    Some(line_end(&tangent_slope(t), t, &t.0))
}

/// `k·a` (left to right, double and add).
pub(crate) fn mul(a: &G2, k: u128) -> G2 {
    let mut acc: G2 = None;
    for bit in (0..128 - k.leading_zeros()).rev() {
        acc = double(&acc);
        if k >> bit & 1 == 1 {
            acc = add(&acc, a);
        }
    }
    acc
}

//! The optimal ate pairing of BN254 as a product check: whether
//! `Π e(Pᵢ, Qᵢ) = 1` (EIP-197's precompile 0x08).
//!
//! Miller loop over 6x + 2 (x = 4965661367192848881) with affine twist points,
//! one shared accumulator for all pairs, lines evaluated at P in the sparse
//! shape `yP + (−λ·xP + (λ·x_T − y_T)·v)·w`, then the two Frobenius steps; the
//! final exponentiation raises to `(p¹² − 1)/r` times a constant prime to r
//! (Fuentes-Castañeda et al.'s chain for the hard part, as arkworks computes
//! it), which leaves the check `= 1` unchanged.
//!
//! Every point here is in its order-r group and not at infinity (the caller
//! drops pairs with a point at infinity), so no slope has a zero denominator:
//! the loop's multiples `k·Q` have `1 < k < r`.

use alloc::vec::Vec;

use super::fp12::{self, Fp12};
use super::fp2::{self, Fp2};
use super::g2::{self, Affine};
use crate::field::Fe;

/// 6x + 2, the loop's scalar.
const LOOP: u128 = 0x1_9d79_7039_be76_3ba8;
/// BN254's x.
const X: u64 = 0x44e9_92b4_4a69_09f1;

/// One pair of the product: a G1 point and a G2 point, neither at infinity.
pub(crate) type Pair = ((Fe, Fe), Affine);

/// Whether the product of the pairings of `pairs` is 1 (true for no pairs).
pub(crate) fn product_is_one(pairs: &[Pair]) -> bool {
    if pairs.is_empty() {
        return true;
    }
    final_exponentiation(&miller_loop(pairs)) == fp12::ONE
}

/// `f · ℓ(P)` for the line of `slope` through `t`.
fn mul_by_line(f: &Fp12, slope: &Fp2, t: &Affine, p: &(Fe, Fe)) -> Fp12 {
    let (xp, yp) = p;
    let b0 = fp2::neg(&fp2::mul_by_fp(slope, xp));
    let b1 = fp2::sub(&fp2::mul(slope, &t.0), &t.1);
    fp12::mul_by_line(f, yp, &b0, &b1)
}

/// `f` times the tangent line at `t` evaluated at P; `t` becomes `2t`.
fn double_step(f: &Fp12, t: &mut Affine, p: &(Fe, Fe)) -> Fp12 {
    let slope = g2::tangent_slope(t);
    let f = mul_by_line(f, &slope, t, p);
    *t = g2::line_end(&slope, t, &t.0);
    f
}

/// `f` times the chord through `t` and `q` evaluated at P; `t` becomes `t + q`.
fn add_step(f: &Fp12, t: &mut Affine, q: &Affine, p: &(Fe, Fe)) -> Fp12 {
    let slope = g2::chord_slope(t, q);
    let f = mul_by_line(f, &slope, t, p);
    *t = g2::line_end(&slope, t, &q.0);
    f
}

fn miller_loop(pairs: &[Pair]) -> Fp12 {
    let mut ts: Vec<Affine> = pairs.iter().map(|(_, q)| *q).collect();
    let mut f = fp12::ONE;
    for bit in (0..128 - LOOP.leading_zeros() - 1).rev() {
        f = fp12::square(&f);
        for ((p, q), t) in pairs.iter().zip(ts.iter_mut()) {
            f = double_step(&f, t, p);
            if LOOP >> bit & 1 == 1 {
                f = add_step(&f, t, q, p);
            }
        }
    }
    for ((p, q), t) in pairs.iter().zip(ts.iter_mut()) {
        let q1 = g2::frobenius(q);
        let q2 = g2::neg(&g2::frobenius(&q1));
        f = add_step(&f, t, &q1, p);
        f = add_step(&f, t, &q2, p);
    }
    f
}

/// `f^(−x)` for `f` in the cyclotomic subgroup (where the inverse is the conjugate).
fn pow_neg_x(f: &Fp12) -> Fp12 {
    fp12::conjugate(&fp12::cyclotomic_pow(f, X))
}

/// The final exponentiation's easy part, f^((p⁶ − 1)(p² + 1)): its result lies in
/// the cyclotomic subgroup, where the hard part's cheaper squaring applies.
fn easy_part(f: &Fp12) -> Fp12 {
    let f1 = fp12::mul(&fp12::conjugate(f), &fp12::inverse(f));
    fp12::mul(&fp12::frobenius(&fp12::frobenius(&f1)), &f1)
}

/// `f^((p¹² − 1)/r · m)` for a constant `m` prime to r.
fn final_exponentiation(f: &Fp12) -> Fp12 {
    let r = easy_part(f);
    // Hard part.
    let y0 = pow_neg_x(&r);
    let y1 = fp12::cyclotomic_square(&y0);
    let y2 = fp12::cyclotomic_square(&y1);
    let y3 = fp12::mul(&y2, &y1);
    let y4 = pow_neg_x(&y3);
    let y5 = fp12::cyclotomic_square(&y4);
    let y6 = fp12::conjugate(&pow_neg_x(&y5));
    let y3 = fp12::conjugate(&y3);
    let y7 = fp12::mul(&y6, &y4);
    let y8 = fp12::mul(&y7, &y3);
    let y9 = fp12::mul(&y8, &y1);
    let y10 = fp12::mul(&y8, &y4);
    let y11 = fp12::mul(&y10, &r);
    let y13 = fp12::mul(&fp12::frobenius(&y9), &y11);
    let y14 = fp12::mul(&fp12::frobenius(&fp12::frobenius(&y8)), &y13);
    let y15 = fp12::mul(&fp12::conjugate(&r), &y9);
    let y15 = fp12::frobenius(&fp12::frobenius(&fp12::frobenius(&y15)));
    fp12::mul(&y15, &y14)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The easy part of the final exponentiation of a Miller loop value: an
    /// element of the cyclotomic subgroup.
    fn cyclotomic_element() -> Fp12 {
        let g1 = ([1, 0, 0, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0, 0, 0]);
        let x = fp2::new(
            [0xd992_f6ed, 0x46de_bd5c, 0xf75e_dadd, 0x6743_22d4, 0x5e5c_4479, 0x426a_0066, 0x121f_1e76, 0x1800_deef],
            [0xaef3_12c2, 0x97e4_85b7, 0x35a9_e712, 0xf1aa_4933, 0x31fb_5d25, 0x7260_bfb7, 0x920d_483a, 0x198e_9393],
        );
        let y = fp2::new(
            [0x66fa_7daa, 0x4ce6_cc01, 0x0c43_d37b, 0xe3d1_e769, 0x8dcb_408f, 0x4aab_7180, 0xdb8c_6deb, 0x12c8_5ea5],
            [0xd122_975b, 0x55ac_dadc, 0x70b3_8ef3, 0xbc4b_3133, 0x690c_3395, 0xec9e_99ad, 0x585f_f075, 0x0906_89d0],
        );
        let q = (x, y);
        assert!(g2::is_on_curve(&q) && g2::is_in_subgroup(&q), "the G2 generator");
        easy_part(&miller_loop(&[(g1, q)]))
    }

    #[test]
    fn cyclotomic_squares_and_powers_are_squares_and_powers() {
        let a = cyclotomic_element();
        assert_eq!(fp12::cyclotomic_square(&a), fp12::square(&a));
        let mut power = fp12::ONE;
        for _ in 0..X % 97 {
            power = fp12::mul(&power, &a);
        }
        assert_eq!(fp12::cyclotomic_pow(&a, X % 97), power);
        assert_eq!(fp12::cyclotomic_pow(&a, 1), a);
        assert_eq!(fp12::cyclotomic_pow(&a, 0), fp12::ONE);
        // The inverse of a cyclotomic element is its conjugate.
        assert_eq!(fp12::mul(&a, &fp12::conjugate(&a)), fp12::ONE);
    }
}

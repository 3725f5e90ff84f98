//! The tower 𝔽p⁶ = 𝔽p²[v]/(v³ − ξ) and 𝔽p¹² = 𝔽p⁶[w]/(w² − v), ξ = 9 + u: the
//! field the BN254 pairing takes its values in (the tower of EIP-197 and of
//! the clients' libraries).
//!
//! An 𝔽p¹² element `g + h·w` with `g = g0 + g1·v + g2·v²` and
//! `h = h0 + h1·v + h2·v²` is, in powers of w (w² = v), `Σ gᵢ·w²ⁱ + hᵢ·w²ⁱ⁺¹`;
//! the Frobenius map is therefore the 𝔽p² conjugate of each coefficient times
//! `ξ^(k·(p−1)/6)` for its power `k` of w ([`FROBENIUS`]).
//!
//! 𝔽p⁶ products are schoolbook (nine 𝔽p² products, few additions): in the
//! zkVM an 𝔽p² product costs one accelerator call, no more than an addition.

use super::fp2::{self, Fp2};

/// `c0 + c1·v + c2·v²`.
pub(crate) type Fp6 = [Fp2; 3];
/// `g + h·w`, as `[g, h]`.
pub(crate) type Fp12 = [Fp6; 2];

pub(crate) const FP6_ZERO: Fp6 = [fp2::ZERO; 3];
pub(crate) const FP6_ONE: Fp6 = [fp2::ONE, fp2::ZERO, fp2::ZERO];
pub(crate) const ONE: Fp12 = [FP6_ONE, FP6_ZERO];

/// `ξ^(k·(p−1)/6)` for k = 0 … 5 (k = 2 and 3 also map twist points to their
/// Frobenius images); derived from ξ in the tests.
pub(crate) const FROBENIUS: [Fp2; 6] = [
    fp2::ONE,
    fp2::new(
        [0xdcc9_e470, 0xd60b_35da, 0x292f_2176, 0x5c52_1e08, 0x76e6_8b60, 0xe8b9_9fdd, 0x2865_a7df, 0x1284_b71c],
        [0x80f3_62ac, 0xca5c_f05f, 0x8eee_c7e5, 0x7479_9277, 0x1215_0b8e, 0xa632_7cfe, 0xb4fa_e7e6, 0x2469_96f3],
    ),
    fp2::new(
        [0x176f_553d, 0x99e3_9557, 0xc2c3_330c, 0xb78c_c310, 0xf559_b143, 0x4c0b_ec3c, 0x4f79_11f7, 0x2fb3_4798],
        [0x640f_cba2, 0x1665_d51c, 0x0b7c_9dce, 0x32ae_2a1d, 0xd75a_0794, 0x4ba4_cc8b, 0x61eb_ae20, 0x16c9_e550],
    ),
    fp2::new(
        [0x71a0_135a, 0xdc54_0146, 0xa9c9_5998, 0xdbaa_e0ed, 0xb6e2_f9b9, 0xdc5e_c698, 0x489a_f5dc, 0x063c_f305],
        [0x2623_b0e3, 0x82d3_7f63, 0x8fa2_5bd2, 0x2180_7dc9, 0xec79_6f2b, 0x0704_b5a7, 0xac41_049a, 0x07c0_3cbc],
    ),
    fp2::new(
        [0x921e_a762, 0x848a_1f55, 0xbe94_ec72, 0xd333_65f7, 0x5a18_1e84, 0x80f3_c0b7, 0x64ee_a801, 0x05b5_4f5e],
        [0xcd2b_8126, 0xc13b_4711, 0x1bde_c763, 0x3685_d2ea, 0x3b0b_1c92, 0x9f3a_80b0, 0xe7fd_8aee, 0x2c14_5edb],
    ),
    fp2::new(
        [0xeab7_692f, 0x2ea2_c810, 0x55aa_1bd3, 0x425c_459b, 0xa435_3ff4, 0xe93a_3661, 0x4f79_8649, 0x0183_c1e7],
        [0x6e0c_2c4b, 0x24c6_b8ee, 0x678e_2ac0, 0xb080_cb99, 0xc772_9f7d, 0xa27f_b246, 0x76fd_0675, 0x12ac_f2ca],
    ),
];

fn fp6_add(a: &Fp6, b: &Fp6) -> Fp6 {
    [fp2::add(&a[0], &b[0]), fp2::add(&a[1], &b[1]), fp2::add(&a[2], &b[2])]
}

fn fp6_sub(a: &Fp6, b: &Fp6) -> Fp6 {
    [fp2::sub(&a[0], &b[0]), fp2::sub(&a[1], &b[1]), fp2::sub(&a[2], &b[2])]
}

fn fp6_neg(a: &Fp6) -> Fp6 {
    [fp2::neg(&a[0]), fp2::neg(&a[1]), fp2::neg(&a[2])]
}

/// `a · b` (schoolbook, v³ = ξ).
fn fp6_mul(a: &Fp6, b: &Fp6) -> Fp6 {
    let c0 =
        fp2::add(&fp2::mul(&a[0], &b[0]), &fp2::mul_by_xi(&fp2::add(&fp2::mul(&a[1], &b[2]), &fp2::mul(&a[2], &b[1]))));
    let c1 =
        fp2::add(&fp2::add(&fp2::mul(&a[0], &b[1]), &fp2::mul(&a[1], &b[0])), &fp2::mul_by_xi(&fp2::mul(&a[2], &b[2])));
    let c2 = fp2::add(&fp2::add(&fp2::mul(&a[0], &b[2]), &fp2::mul(&a[1], &b[1])), &fp2::mul(&a[2], &b[0]));
    [c0, c1, c2]
}

/// `a · (b0 + b1·v)`: the product with the w-part of a line ([`mul_by_line`]).
fn fp6_mul_by_01(a: &Fp6, b0: &Fp2, b1: &Fp2) -> Fp6 {
    let c0 = fp2::add(&fp2::mul(&a[0], b0), &fp2::mul_by_xi(&fp2::mul(&a[2], b1)));
    let c1 = fp2::add(&fp2::mul(&a[0], b1), &fp2::mul(&a[1], b0));
    let c2 = fp2::add(&fp2::mul(&a[1], b1), &fp2::mul(&a[2], b0));
    [c0, c1, c2]
}

/// `a · v = ξ·c2 + c0·v + c1·v²`.
fn fp6_mul_by_v(a: &Fp6) -> Fp6 {
    [fp2::mul_by_xi(&a[2]), a[0], a[1]]
}

/// `a⁻¹` for `a ≠ 0` (one 𝔽p² inversion).
fn fp6_inverse(a: &Fp6) -> Fp6 {
    let t0 = fp2::sub(&fp2::square(&a[0]), &fp2::mul_by_xi(&fp2::mul(&a[1], &a[2])));
    let t1 = fp2::sub(&fp2::mul_by_xi(&fp2::square(&a[2])), &fp2::mul(&a[0], &a[1]));
    let t2 = fp2::sub(&fp2::square(&a[1]), &fp2::mul(&a[0], &a[2]));
    let norm =
        fp2::add(&fp2::mul(&a[0], &t0), &fp2::mul_by_xi(&fp2::add(&fp2::mul(&a[2], &t1), &fp2::mul(&a[1], &t2))));
    let inverse_norm = fp2::inverse(&norm);
    [fp2::mul(&t0, &inverse_norm), fp2::mul(&t1, &inverse_norm), fp2::mul(&t2, &inverse_norm)]
}

/// `a · b` (Karatsuba over 𝔽p⁶, w² = v).
pub(crate) fn mul(a: &Fp12, b: &Fp12) -> Fp12 {
    let t0 = fp6_mul(&a[0], &b[0]);
    let t1 = fp6_mul(&a[1], &b[1]);
    let cross = fp6_mul(&fp6_add(&a[0], &a[1]), &fp6_add(&b[0], &b[1]));
    [fp6_add(&t0, &fp6_mul_by_v(&t1)), fp6_sub(&fp6_sub(&cross, &t0), &t1)]
}

/// `a²`: `(g + h·w)² = (g + h)(g + v·h) − t − v·t + 2t·w` with `t = g·h`.
pub(crate) fn square(a: &Fp12) -> Fp12 {
    let t = fp6_mul(&a[0], &a[1]);
    let product = fp6_mul(&fp6_add(&a[0], &a[1]), &fp6_add(&a[0], &fp6_mul_by_v(&a[1])));
    [fp6_sub(&fp6_sub(&product, &t), &fp6_mul_by_v(&t)), fp6_add(&t, &t)]
}

/// `f · ℓ` for a line value `ℓ = a + (b0 + b1·v)·w` with `a` in 𝔽p (the shape
/// every line of the Miller loop has): `(g·a + v·h·B) + (g·B + h·a)·w`,
/// `B = b0 + b1·v`.
pub(crate) fn mul_by_line(f: &Fp12, a: &crate::field::Fe, b0: &Fp2, b1: &Fp2) -> Fp12 {
    let scale = |x: &Fp6| [fp2::mul_by_fp(&x[0], a), fp2::mul_by_fp(&x[1], a), fp2::mul_by_fp(&x[2], a)];
    let g = fp6_add(&scale(&f[0]), &fp6_mul_by_v(&fp6_mul_by_01(&f[1], b0, b1)));
    let h = fp6_add(&fp6_mul_by_01(&f[0], b0, b1), &scale(&f[1]));
    [g, h]
}

/// `a^(p⁶)`: negates the w-part.
pub(crate) fn conjugate(a: &Fp12) -> Fp12 {
    [a[0], fp6_neg(&a[1])]
}

/// `a⁻¹` for `a ≠ 0`: `(g − h·w) / (g² − v·h²)`.
pub(crate) fn inverse(a: &Fp12) -> Fp12 {
    let norm = fp6_sub(&fp6_mul(&a[0], &a[0]), &fp6_mul_by_v(&fp6_mul(&a[1], &a[1])));
    let inverse_norm = fp6_inverse(&norm);
    [fp6_mul(&a[0], &inverse_norm), fp6_neg(&fp6_mul(&a[1], &inverse_norm))]
}

/// `a^p`.
pub(crate) fn frobenius(a: &Fp12) -> Fp12 {
    let map = |c: &Fp2, k: usize| {
        let conjugate = fp2::conjugate(c);
        if k == 0 {
            conjugate
        } else {
            fp2::mul(&conjugate, &FROBENIUS[k])
        }
    };
    [[map(&a[0][0], 0), map(&a[0][1], 2), map(&a[0][2], 4)], [map(&a[1][0], 1), map(&a[1][1], 3), map(&a[1][2], 5)]]
}

/// `a²` for `a` in the cyclotomic subgroup (what the final exponentiation's
/// easy part leaves), by Granger and Scott's formulas: over 𝔽p⁴ = 𝔽p²[z]/(z² − ξ),
/// `z = w³`, the element is `A + B·w + C·w²` with `A = g0 + h1·z`,
/// `B = h0 + g2·z`, `C = g1 + h2·z`, and its square is
/// `(3A² − 2Ā) + (3z·C² + 2B̄)·w + (3B² − 2C̄)·w²`: three 𝔽p⁴ squarings.
pub(crate) fn cyclotomic_square(a: &Fp12) -> Fp12 {
    let [[g0, g1, g2], [h0, h1, h2]] = a;
    // (x + y·z)² = (x² + ξ·y²) + 2xy·z
    let square =
        |x: &Fp2, y: &Fp2| (fp2::add(&fp2::square(x), &fp2::mul_by_xi(&fp2::square(y))), fp2::double(&fp2::mul(x, y)));
    let (a0, a1) = square(g0, h1);
    let (b0, b1) = square(h0, g2);
    let (c0, c1) = square(g1, h2);
    // 3t − 2c and 3t + 2c
    let minus = |t: &Fp2, c: &Fp2| fp2::add(&fp2::double(&fp2::sub(t, c)), t);
    let plus = |t: &Fp2, c: &Fp2| fp2::add(&fp2::double(&fp2::add(t, c)), t);
    [[minus(&a0, g0), minus(&b0, g1), minus(&c0, g2)], [plus(&fp2::mul_by_xi(&c1), h0), plus(&a1, h1), plus(&b1, h2)]]
}

/// `a^e` for `a` in the cyclotomic subgroup and a public exponent (square and
/// multiply, most significant bit first).
pub(crate) fn cyclotomic_pow(a: &Fp12, exponent: u64) -> Fp12 {
    if exponent == 0 {
        return ONE;
    }
    let mut acc = *a;
    for bit in (0..63 - exponent.leading_zeros()).rev() {
        acc = cyclotomic_square(&acc);
        if exponent >> bit & 1 == 1 {
            acc = mul(&acc, a);
        }
    }
    acc
}

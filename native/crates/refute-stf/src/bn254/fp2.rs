//! 𝔽p² = 𝔽p[u]/(u² + 1) over the BN254 base field, with canonical
//! coefficients (each below p).
//!
//! Why its own type: the zkVM multiplies two 𝔽p² elements in one bigint2 call
//! (`extfield_xxone_mul_256`: reduction by u² + 1 built in), and adds or
//! subtracts them in one call each, so the tower above is built on 𝔽p² calls.
//! The host computes the same values in software.

use crate::field::{self, Fe};

/// p, the BN254 base field's modulus.
pub(crate) const P: Fe =
    [0xd87c_fd47, 0x3c20_8c16, 0x6871_ca8d, 0x9781_6a91, 0x8181_585d, 0xb850_45b6, 0xe131_a029, 0x3064_4e72];

/// p², which the accelerator's 𝔽p² multiplication takes to bound its reduction.
#[cfg(any(target_os = "zkvm", test))]
pub(crate) const P_SQUARED: [u32; 16] = [
    0x275d_69b1,
    0x3b54_58a2,
    0x09ea_c101,
    0xa602_072d,
    0x6d96_cadc,
    0x4a50_189c,
    0x7a12_42c8,
    0x0468_9e95,
    0x34c6_b38d,
    0x26ed_fa5c,
    0x1637_5606,
    0xb00b_8551,
    0x0348_d21c,
    0x599a_6f7c,
    0x763c_bf9c,
    0x0925_c4b8,
];

/// `c0 + c1·u`, as `[c0, c1]`.
pub(crate) type Fp2 = [Fe; 2];

pub(crate) const ZERO: Fp2 = [field::ZERO; 2];
pub(crate) const ONE: Fp2 = [field::ONE, field::ZERO];

/// The 𝔽p² element with these coefficients.
pub(crate) const fn new(c0: Fe, c1: Fe) -> Fp2 {
    [c0, c1]
}

pub(crate) fn is_zero(a: &Fp2) -> bool {
    field::is_zero(&a[0]) && field::is_zero(&a[1])
}

/// `a + b`.
#[cfg(target_os = "zkvm")]
pub(crate) fn add(a: &Fp2, b: &Fp2) -> Fp2 {
    let mut out = ZERO;
    risc0_bigint2::field::extfield_deg2_add_256(a, b, &P, &mut out);
    out
}

/// `a + b`.
#[cfg(not(target_os = "zkvm"))]
pub(crate) fn add(a: &Fp2, b: &Fp2) -> Fp2 {
    [field::add(&a[0], &b[0], &P), field::add(&a[1], &b[1], &P)]
}

/// `a − b`.
#[cfg(target_os = "zkvm")]
pub(crate) fn sub(a: &Fp2, b: &Fp2) -> Fp2 {
    let mut out = ZERO;
    risc0_bigint2::field::extfield_deg2_sub_256(a, b, &P, &mut out);
    out
}

/// `a − b`.
#[cfg(not(target_os = "zkvm"))]
pub(crate) fn sub(a: &Fp2, b: &Fp2) -> Fp2 {
    [field::sub(&a[0], &b[0], &P), field::sub(&a[1], &b[1], &P)]
}

/// `a · b`: one call of the accelerator's 𝔽p[u]/(u² + 1) program, whose checked
/// wrapper asserts both coefficients are below p.
#[cfg(target_os = "zkvm")]
pub(crate) fn mul(a: &Fp2, b: &Fp2) -> Fp2 {
    let mut out = ZERO;
    risc0_bigint2::field::extfield_xxone_mul_256(a, b, &P, &P_SQUARED, &mut out);
    out
}

/// `a · b = (a0·b0 − a1·b1) + (a0·b1 + a1·b0)·u`.
#[cfg(not(target_os = "zkvm"))]
pub(crate) fn mul(a: &Fp2, b: &Fp2) -> Fp2 {
    let real = field::sub(&field::mul(&a[0], &b[0], &P), &field::mul(&a[1], &b[1], &P), &P);
    let imaginary = field::add(&field::mul(&a[0], &b[1], &P), &field::mul(&a[1], &b[0], &P), &P);
    [real, imaginary]
}

pub(crate) fn square(a: &Fp2) -> Fp2 {
    mul(a, a)
}

pub(crate) fn double(a: &Fp2) -> Fp2 {
    add(a, a)
}

pub(crate) fn neg(a: &Fp2) -> Fp2 {
    sub(&ZERO, a)
}

/// `a^p`: the conjugate `c0 − c1·u`.
pub(crate) fn conjugate(a: &Fp2) -> Fp2 {
    [a[0], field::neg(&a[1], &P)]
}

/// `a · s` for `s` in 𝔽p (one 𝔽p² product: one accelerator call in the zkVM).
pub(crate) fn mul_by_fp(a: &Fp2, s: &Fe) -> Fp2 {
    mul(a, &[*s, field::ZERO])
}

/// ξ = 9 + u, the non-residue the sextic tower is built on.
pub(crate) const XI: Fp2 = [[9, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]];

/// `a · ξ` (one 𝔽p² product).
pub(crate) fn mul_by_xi(a: &Fp2) -> Fp2 {
    mul(a, &XI)
}

/// `a⁻¹` for `a ≠ 0`: `conj(a) / (c0² + c1²)`, one inversion in 𝔽p.
///
/// Callers pass only non-zero elements (the denominators of the Miller loop's
/// slopes and the norms of non-zero tower elements); a zero here would have
/// no inverse, and the zkVM's inversion program could not be proven.
pub(crate) fn inverse(a: &Fp2) -> Fp2 {
    let norm = field::add(&field::square(&a[0], &P), &field::square(&a[1], &P), &P);
    let inverse_norm = field::invert_prime(&norm, &P);
    [field::mul(&a[0], &inverse_norm, &P), field::neg(&field::mul(&a[1], &inverse_norm, &P), &P)]
}

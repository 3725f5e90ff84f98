//! `u1·G + u2·R` in affine coordinates, over point operations that are one
//! accelerator call each in the guest.
//!
//! Why: RISC Zero's bigint2 programs add and double secp256k1 affine points in
//! one call each (risc0-bigint2's `ec` module, whose wrapper also settles the
//! exceptional cases: an operand at infinity, equal or opposite operands).
//! That costs less than the eleven to sixteen modular multiplications of a
//! Jacobian operation, and an affine result needs no final inversion. On the
//! host an affine operation in software costs an inversion, so the host keeps
//! the Jacobian chain of [`super::point`]; the tests run this chain over
//! [`Software`] point operations (the same exceptional-case rules) against it.
//!
//! Every coordinate here is canonical (below p): the accelerator's results are
//! checked by risc0-bigint2, the tables are products or constants, and a
//! negation of a canonical non-zero y is canonical. The wrapper's test for
//! equal operands compares coordinates word for word, which needs exactly that.

use super::{g_table::G_MULTIPLES, glv, point::P};
use crate::field::{self, Fe};

/// Affine point arithmetic on secp256k1: points on the curve or at infinity.
pub(crate) trait PointOps {
    type Point: Copy;
    const INFINITY: Self::Point;
    /// The point (x, y), canonical coordinates, on the curve.
    fn point(x: Fe, y: Fe) -> Self::Point;
    /// `out = a + b` for any two points (written in place: a point is 72
    /// bytes, and returning one costs the guest a copy per operation).
    fn add(a: &Self::Point, b: &Self::Point, out: &mut Self::Point);
    /// `out = 2·a`.
    fn double(a: &Self::Point, out: &mut Self::Point);
    /// `(x, y)`, or `None` at infinity.
    fn coordinates(a: &Self::Point) -> Option<(Fe, Fe)>;
}

/// The accelerator's point operations (risc0-bigint2 `AffinePoint` on
/// `Secp256k1Curve`).
#[cfg(target_os = "zkvm")]
#[derive(Debug)]
pub(crate) enum Accelerated {}

#[cfg(target_os = "zkvm")]
impl PointOps for Accelerated {
    type Point = risc0_bigint2::ec::AffinePoint<8, risc0_bigint2::ec::Secp256k1Curve>;
    const INFINITY: Self::Point = risc0_bigint2::ec::AffinePoint::IDENTITY;

    fn point(x: Fe, y: Fe) -> Self::Point {
        risc0_bigint2::ec::AffinePoint::new_unchecked(x, y)
    }

    fn add(a: &Self::Point, b: &Self::Point, out: &mut Self::Point) {
        a.add(b, out);
    }

    fn double(a: &Self::Point, out: &mut Self::Point) {
        a.double(out);
    }

    fn coordinates(a: &Self::Point) -> Option<(Fe, Fe)> {
        a.as_u32s().map(|[x, y]| (*x, *y))
    }
}

/// The same operations in software, by the textbook affine formulas (an
/// inversion each): the reference the chain is tested with on the host.
#[cfg(test)]
#[derive(Debug)]
pub(crate) enum Software {}

#[cfg(test)]
impl PointOps for Software {
    type Point = Option<(Fe, Fe)>;
    const INFINITY: Self::Point = None;

    fn point(x: Fe, y: Fe) -> Self::Point {
        Some((x, y))
    }

    fn add(a: &Self::Point, b: &Self::Point, out: &mut Self::Point) {
        *out = crate::weierstrass::add(a, b, &P);
    }

    fn double(a: &Self::Point, out: &mut Self::Point) {
        *out = crate::weierstrass::double(a, &P);
    }

    fn coordinates(a: &Self::Point) -> Option<(Fe, Fe)> {
        *a
    }
}

/// `a₁·G + a₂·(λ·G) + b₁·R + b₂·(λ·R)` for signed 128-bit halves (see
/// [`super::point::lincomb`]): a 4-bit window over tables of ±R's and ±λR's
/// multiples built here, an 8-bit window over the constant table of G's
/// (λ and the sign applied per addition), 128 doublings.
pub(crate) fn lincomb_split<O: PointOps>(
    (a1, a2): (glv::Half, glv::Half),
    (b1, b2): (glv::Half, glv::Half),
    r: (Fe, Fe),
) -> O::Point {
    let r1_table = multiples::<O>(r.0, signed(&r.1, b1.negative)); // k·(±R)
                                                                   // λ·(x, y) = (β·x, y); the sign of b₂ relative to b₁ flips y.
    let flip = b1.negative != b2.negative;
    let r2_table = r1_table.map(|p| match O::coordinates(&p) {
        Some((x, y)) => O::point(field::mul(&glv::BETA, &x, &P), signed(&y, flip)),
        None => O::INFINITY,
    });
    // The running sum alternates between two buffers: each operation writes
    // the other one, and only the references swap.
    let (mut first, mut second) = (O::INFINITY, O::INFINITY);
    let (mut acc, mut next) = (&mut first, &mut second);
    let mut started = false;
    for i in (0..32).rev() {
        if started {
            for _ in 0..4 {
                O::double(acc, next);
                core::mem::swap(&mut acc, &mut next);
            }
        }
        for (half, table) in [(&b1, &r1_table), (&b2, &r2_table)] {
            let digit = half.digit(i, 4);
            if digit != 0 {
                O::add(acc, &table[digit - 1], next);
                core::mem::swap(&mut acc, &mut next);
                started = true;
            }
        }
        if i % 2 == 0 {
            for (half, lambda) in [(&a1, false), (&a2, true)] {
                let byte = half.digit(i, 8);
                if byte != 0 {
                    let [gx, gy] = &G_MULTIPLES[byte - 1];
                    let x = if lambda { field::mul(&glv::BETA, gx, &P) } else { *gx };
                    O::add(acc, &O::point(x, signed(gy, half.negative)), next);
                    core::mem::swap(&mut acc, &mut next);
                    started = true;
                }
            }
        }
    }
    *acc
}

/// `1·P … 15·P` (entry `k − 1` is `k·P`) for the point (x, y).
fn multiples<O: PointOps>(x: Fe, y: Fe) -> [O::Point; 15] {
    let base = O::point(x, y);
    let mut table = [base; 15];
    for k in 1..15 {
        let (done, rest) = table.split_at_mut(k);
        O::add(&done[k - 1], &base, &mut rest[0]);
    }
    table
}

/// `y`, or `p − y` when `negative` (canonical for a canonical y ≠ 0; no point
/// on secp256k1 has y = 0).
fn signed(y: &Fe, negative: bool) -> Fe {
    if negative {
        field::neg(y, &P)
    } else {
        *y
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secp256k1::point;
    use alloy_primitives::U256;
    use proptest::prelude::*;

    /// `k·G` for a small k, affine, from the constant table.
    fn small_multiple(k: usize) -> (Fe, Fe) {
        let [x, y] = G_MULTIPLES[k - 1];
        (x, y)
    }

    /// Scalars whose GLV halves are zero, small, negative or equal, and random ones.
    fn scalar() -> impl Strategy<Value = Fe> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(|l| field::from_u256(U256::from_limbs(l) >> 1)),
            (0u64..64).prop_map(|k| field::from_u256(U256::from(k))),
            (0u128..u128::MAX).prop_map(|k| field::from_u256(U256::from(k))),
        ]
    }

    proptest! {
        #[test]
        fn the_affine_chain_equals_the_jacobian_chain(u1 in scalar(), u2 in scalar(), k in 1usize..=255) {
            let n = field::to_u256(&super::super::N);
            let (u1, u2) = (field::from_u256(field::to_u256(&u1).reduce_mod(n)), field::from_u256(field::to_u256(&u2).reduce_mod(n)));
            let (Some(a), Some(b)) = (glv::split(&u1), glv::split(&u2)) else { return Ok(()) };
            let r = small_multiple(k);
            let affine = Software::coordinates(&lincomb_split::<Software>(a, b, r));
            prop_assert_eq!(affine, point::lincomb(&u1, &u2, r).to_affine());
        }
    }

    #[test]
    fn equal_and_opposite_operands_meet() {
        // R = k·G with u1 = −u2·k: the sum is infinity; u1 = u2·k: it doubles.
        let n = field::to_u256(&super::super::N);
        for k in 1..20usize {
            for u2 in [1u64, 2, 3, 15, 16, 17, 255, 256] {
                let r = small_multiple(k);
                let u2w = U256::from(u2);
                for u1 in [(u2w * U256::from(k)) % n, n - (u2w * U256::from(k)) % n] {
                    let (u1, u2) = (field::from_u256(u1), field::from_u256(u2w));
                    let (Some(a), Some(b)) = (glv::split(&u1), glv::split(&u2)) else { panic!("split") };
                    let affine = Software::coordinates(&lincomb_split::<Software>(a, b, r));
                    assert_eq!(affine, point::lincomb(&u1, &u2, r).to_affine(), "k {k} u2 {u2:?}");
                }
            }
        }
    }
}

//! BN254 against revm's own backend (arkworks): every result and every refusal
//! of the three precompiles, on valid products, random points, points off the
//! curve, twist points outside G2, coordinates not below p and infinity; and
//! the constants against their definitions.

use super::fp12::FROBENIUS;
use super::fp2::{self, Fp2, P, P_SQUARED};
use super::{g1, g2, Bn254Error, R};
use crate::field::{self, Fe};
use crate::precompiles::{bn254_halt, AcceleratedCrypto};
use alloy_primitives::U256;
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, PrimeField};
use proptest::prelude::*;
use revm::precompile::{Crypto, DefaultCrypto, PrecompileHalt};

fn fq_bytes(x: &Fq) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.into_bigint().to_bytes_be());
    out
}

fn g1_bytes(point: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some((x, y)) = point.xy() {
        out[..32].copy_from_slice(&fq_bytes(&x));
        out[32..].copy_from_slice(&fq_bytes(&y));
    }
    out
}

fn g2_bytes(point: &G2Affine) -> [u8; 128] {
    let mut out = [0u8; 128];
    if let Some((x, y)) = point.xy() {
        out[..32].copy_from_slice(&fq_bytes(&x.c1));
        out[32..64].copy_from_slice(&fq_bytes(&x.c0));
        out[64..96].copy_from_slice(&fq_bytes(&y.c1));
        out[96..].copy_from_slice(&fq_bytes(&y.c0));
    }
    out
}

fn scalar(bytes: &[u8; 32]) -> Fr {
    Fr::from_be_bytes_mod_order(bytes)
}

fn g1_of(k: &[u8; 32]) -> G1Affine {
    (G1Projective::generator() * scalar(k)).into_affine()
}

fn g2_of(k: &[u8; 32]) -> G2Affine {
    (G2Projective::generator() * scalar(k)).into_affine()
}

/// A point on the twist that is (almost surely) not in G2: the curve point of
/// abscissa `x` or the next one that has a point, without clearing the cofactor.
fn twist_point_outside_g2(seed: u64) -> G2Affine {
    let mut x = Fq2::new(Fq::from(seed), Fq::from(seed.wrapping_mul(7) + 1));
    loop {
        if let Some(point) = G2Affine::get_point_from_x_unchecked(x, seed.is_multiple_of(2)) {
            return point;
        }
        x += Fq2::new(Fq::from(1u64), Fq::from(0u64));
    }
}

fn ours(pairs: &[([u8; 64], [u8; 128])]) -> Result<bool, PrecompileHalt> {
    let slices: Vec<(&[u8], &[u8])> = pairs.iter().map(|(a, b)| (&a[..], &b[..])).collect();
    AcceleratedCrypto.bn254_pairing_check(&slices)
}

fn reference(pairs: &[([u8; 64], [u8; 128])]) -> Result<bool, PrecompileHalt> {
    let slices: Vec<(&[u8], &[u8])> = pairs.iter().map(|(a, b)| (&a[..], &b[..])).collect();
    DefaultCrypto.bn254_pairing_check(&slices)
}

/// One way of spoiling an encoding, or none.
#[derive(Debug, Clone, Copy)]
enum Spoil {
    None,
    Infinity,
    /// Word `i` of the encoding set to p (not below p).
    Unreduced(usize),
    /// A bit of the last coordinate flipped: off the curve (or, rarely, another point).
    OffCurve,
    /// A twist point outside G2 (G2 encodings only).
    OutsideG2(u64),
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        6 => Just(Spoil::None),
        1 => Just(Spoil::Infinity),
        1 => (0usize..4).prop_map(Spoil::Unreduced),
        1 => Just(Spoil::OffCurve),
        1 => any::<u64>().prop_map(Spoil::OutsideG2),
    ]
}

fn spoiled<const N: usize>(mut bytes: [u8; N], how: Spoil, outside: impl Fn(u64) -> [u8; N]) -> [u8; N] {
    let p = field::to_be_bytes(&P);
    match how {
        Spoil::None => {}
        Spoil::Infinity => bytes = [0; N],
        Spoil::Unreduced(i) => {
            let i = i % (N / 32);
            bytes[32 * i..32 * i + 32].copy_from_slice(&p);
        }
        Spoil::OffCurve => bytes[N - 1] ^= 1,
        Spoil::OutsideG2(seed) => bytes = outside(seed),
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn products_that_are_one_and_products_that_are_not(
        a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), tweak in any::<bool>(), extra in 0usize..3,
    ) {
        let (sa, sb) = (scalar(&a), scalar(&b));
        let minus_ab = -(sa * sb) + if tweak { Fr::from(1u64) } else { Fr::from(0u64) };
        let mut pairs = vec![
            (g1_bytes(&g1_of(&a)), g2_bytes(&g2_of(&b))),
            (g1_bytes(&(G1Projective::generator() * minus_ab).into_affine()), g2_bytes(&G2Affine::generator())),
        ];
        for i in 0..extra {
            // A pair with a point at infinity contributes 1.
            let g1 = if i % 2 == 0 { [0u8; 64] } else { g1_bytes(&g1_of(&a)) };
            let g2 = if i % 2 == 0 { g2_bytes(&g2_of(&b)) } else { [0u8; 128] };
            pairs.push((g1, g2));
        }
        let expected = reference(&pairs);
        // With the tweak the product is e(G1, G2), which is not 1.
        prop_assert_eq!(&expected, &Ok(!tweak));
        prop_assert_eq!(ours(&pairs), expected);
    }

    #[test]
    fn refusals_match_revm(
        k in any::<[[u8; 32]; 2]>(), spoils in [(spoil(), spoil()), (spoil(), spoil())],
    ) {
        let pairs: Vec<([u8; 64], [u8; 128])> = k
            .iter()
            .zip(spoils)
            .map(|(k, (s1, s2))| {
                let g1 = spoiled(g1_bytes(&g1_of(k)), s1, |_| [0; 64]);
                let g2 = spoiled(g2_bytes(&g2_of(k)), s2, |seed| g2_bytes(&twist_point_outside_g2(seed)));
                (g1, g2)
            })
            .collect();
        prop_assert_eq!(ours(&pairs), reference(&pairs));
    }

    #[test]
    fn g1_add_and_mul_match_revm(
        a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), k in any::<[u8; 32]>(), shape in 0u8..6, spoil in spoil(),
    ) {
        let pa = g1_bytes(&g1_of(&a));
        let pb = match shape {
            0 => pa,
            1 => g1_bytes(&(-g1_of(&a).into_group()).into_affine()),
            2 => [0u8; 64],
            _ => g1_bytes(&g1_of(&b)),
        };
        let pb = spoiled(pb, spoil, |_| [0; 64]);
        prop_assert_eq!(AcceleratedCrypto.bn254_g1_add(&pa, &pb), DefaultCrypto.bn254_g1_add(&pa, &pb));
        prop_assert_eq!(AcceleratedCrypto.bn254_g1_mul(&pb, &k), DefaultCrypto.bn254_g1_mul(&pb, &k));
    }
}

#[test]
fn scalars_at_the_edges() {
    let point = g1_bytes(&g1_of(&[7; 32]));
    let r = field::to_u256(&R);
    let small = [0u64, 1, 2, 3, 15, 16, 17, 255, 256, 0x1_0000_0001].map(U256::from);
    let large = [r - U256::from(1), r, r + U256::from(1), (r + U256::from(1)) / U256::from(2), U256::MAX];
    for k in small.into_iter().chain(large) {
        let k = k.to_be_bytes::<32>();
        for point in [point, [0u8; 64]] {
            assert_eq!(AcceleratedCrypto.bn254_g1_mul(&point, &k), DefaultCrypto.bn254_g1_mul(&point, &k), "k {k:?}");
        }
    }
}

#[test]
fn empty_and_single_pairs() {
    assert_eq!(ours(&[]), Ok(true));
    let generators = (g1_bytes(&G1Affine::generator()), g2_bytes(&G2Affine::generator()));
    assert_eq!(ours(&[generators]), Ok(false));
    let negated = (g1_bytes(&(-G1Affine::generator().into_group()).into_affine()), generators.1);
    assert_eq!(ours(&[generators, negated]), Ok(true));
    assert_eq!(ours(&[generators, negated]), reference(&[generators, negated]));
}

#[test]
fn wrong_lengths_are_refused_not_panicked_on() {
    assert_eq!(super::g1_add(&[0; 63], &[0; 64]), Err(Bn254Error::Length { expected: 64, got: 63 }));
    assert_eq!(super::g1_mul(&[0; 64], &[0; 31]), Err(Bn254Error::Length { expected: 32, got: 31 }));
    assert_eq!(super::pairing_check(&[(&[0; 64], &[0; 127])]), Err(Bn254Error::Length { expected: 128, got: 127 }));
    assert_eq!(bn254_halt(Bn254Error::Length { expected: 128, got: 127 }), PrecompileHalt::Bn254PairLength);
}

fn fp2_pow(base: &Fp2, exponent: U256) -> Fp2 {
    let mut acc = fp2::ONE;
    for bit in (0..256).rev() {
        acc = fp2::square(&acc);
        if exponent.bit(bit) {
            acc = fp2::mul(&acc, base);
        }
    }
    acc
}

fn fe(x: u64) -> Fe {
    field::from_u256(U256::from(x))
}

#[test]
fn constants_follow_from_their_definitions() {
    let p = field::to_u256(&P);
    let xi = fp2::new(fe(9), fe(1));
    assert_eq!(fp2::XI, xi);
    for (k, coefficient) in FROBENIUS.iter().enumerate() {
        let exponent = U256::from(k) * ((p - U256::from(1)) / U256::from(6));
        assert_eq!(*coefficient, fp2_pow(&xi, exponent), "ξ^({k}(p−1)/6)");
    }
    assert_eq!(g2::B, fp2::mul(&fp2::new(fe(3), field::ZERO), &fp2::inverse(&xi)), "b' = 3/ξ");
    let p_squared = p.widening_mul::<256, 4, 512, 8>(p);
    let words: Vec<u32> = p_squared.as_limbs().iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect();
    assert_eq!(P_SQUARED.to_vec(), words, "p²");
    let x = U256::from(0x44e9_92b4_4a69_09f1u64);
    assert_eq!(U256::from(g2::SIX_X_SQUARED), U256::from(6) * x * x, "6x²");
    // Both groups have order r, and r and p are ark-bn254's.
    assert_eq!(r_words(), R);
    assert_eq!(field::from_be_bytes(&fq_bytes(&-Fq::from(1u64))), field::sub(&P, &field::ONE, &P));
    assert_eq!(g1::mul(&Some((fe(1), fe(2))), &R), None);
    let generator = G2Affine::generator();
    let (x, y) = generator.xy().unwrap_or_else(|| unreachable!());
    let ours = |c: &Fq2| fp2::new(field::from_be_bytes(&fq_bytes(&c.c0)), field::from_be_bytes(&fq_bytes(&c.c1)));
    let q = (ours(&x), ours(&y));
    assert!(g2::is_on_curve(&q) && g2::is_in_subgroup(&q));
    let outside = twist_point_outside_g2(5);
    let (x, y) = outside.xy().unwrap_or_else(|| unreachable!());
    let outside = (ours(&x), ours(&y));
    assert!(g2::is_on_curve(&outside) && !g2::is_in_subgroup(&outside));
}

fn r_words() -> Fe {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&Fr::MODULUS.to_bytes_be());
    field::from_be_bytes(&bytes)
}

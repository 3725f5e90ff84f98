//! The recovery against k256: every result (address or error) must be the one
//! the k256-based reference below gives.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use super::*;
use k256::{
    ecdsa::SigningKey,
    elliptic_curve::{
        ops::{LinearCombination, Reduce},
        point::DecompressPoint,
        sec1::ToEncodedPoint,
        subtle::Choice,
        PrimeField,
    },
    AffinePoint, FieldBytes, ProjectivePoint, Scalar,
};
use proptest::prelude::*;

const N_U256: U256 = U256::from_limbs([0xbfd2_5e8c_d036_4141, 0xbaae_dce6_af48_a03b, 0xffff_ffff_ffff_fffe, u64::MAX]);

/// The k256 recovery this module replaces, kept as the reference.
fn reference(prehash: B256, r: U256, s: U256, y_odd: bool) -> Result<Address, &'static str> {
    if s > N_U256 / U256::from(2) {
        return Err("s is above secp256k1n/2 (EIP-2)");
    }
    let r_bytes: FieldBytes = r.to_be_bytes::<32>().into();
    let r_scalar = Option::<Scalar>::from(Scalar::from_repr(r_bytes)).ok_or("r is not below the group order")?;
    let s_scalar = Option::<Scalar>::from(Scalar::from_repr(s.to_be_bytes::<32>().into()))
        .ok_or("s is not below the group order")?;
    if bool::from(r_scalar.is_zero()) || bool::from(s_scalar.is_zero()) {
        return Err("r or s is zero");
    }
    let big_r = Option::<AffinePoint>::from(AffinePoint::decompress(&r_bytes, Choice::from(u8::from(y_odd))))
        .ok_or("r is not the x coordinate of a curve point")?;
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&FieldBytes::from(prehash.0));
    let r_inv = Option::<Scalar>::from(r_scalar.invert()).ok_or("r is not invertible")?;
    let u1 = -(r_inv * z);
    let u2 = r_inv * s_scalar;
    let key = ProjectivePoint::lincomb(&ProjectivePoint::GENERATOR, &u1, &ProjectivePoint::from(big_r), &u2);
    if key == ProjectivePoint::IDENTITY {
        return Err("the recovered key is the point at infinity");
    }
    let encoded = key.to_affine().to_encoded_point(false);
    Ok(Address::from_slice(&keccak256(&encoded.as_bytes()[1..])[12..]))
}

fn address_of(key: &SigningKey) -> Address {
    let encoded = key.verifying_key().to_encoded_point(false);
    Address::from_slice(&keccak256(&encoded.as_bytes()[1..])[12..])
}

/// `k·G` in affine coordinates as big-endian (x, y).
fn multiple_of_g(k: Scalar) -> ([u8; 32], [u8; 32]) {
    let encoded = (ProjectivePoint::GENERATOR * k).to_affine().to_encoded_point(false);
    (encoded.x().unwrap().as_slice().try_into().unwrap(), encoded.y().unwrap().as_slice().try_into().unwrap())
}

fn scalar_of(x: U256) -> Scalar {
    Option::from(Scalar::from_repr(x.to_be_bytes::<32>().into())).unwrap()
}

#[test]
fn g_table_matches_k256() {
    for (k, [x, y]) in (1u64..).zip(g_table::G_MULTIPLES.iter()) {
        assert_eq!((field::to_be_bytes(x), field::to_be_bytes(y)), multiple_of_g(Scalar::from(k)), "{k}·G");
    }
}

#[test]
fn constants() {
    let p = U256::MAX - U256::from((1u64 << 32) + 977) + U256::from(1);
    assert_eq!(field::to_u256(&P), p);
    assert_eq!(field::to_u256(&N), N_U256);
    assert_eq!(field::to_u256(&HALF_N), N_U256 / U256::from(2));
    assert_eq!(field::to_u256(&N_MINUS_2), N_U256 - U256::from(2));
    assert_eq!(field::to_u256(&P_MINUS_2), p - U256::from(2));
    assert_eq!(field::to_u256(&SQRT_EXPONENT), (p + U256::from(1)) / U256::from(4));
}

#[test]
fn boundary_values() {
    let half_n = N_U256 / U256::from(2);
    let one = U256::from(1);
    let hash = keccak256(b"boundary");
    let values = [U256::ZERO, one, U256::from(2), half_n, half_n + one, N_U256 - one, N_U256, N_U256 + one, U256::MAX];
    let mut errors = std::collections::BTreeSet::new();
    for r in values {
        for s in values {
            for y_odd in [false, true] {
                let ours = recover_address(hash, r, s, y_odd);
                assert_eq!(ours, reference(hash, r, s, y_odd), "r {r} s {s} odd {y_odd}");
                if let Err(e) = ours {
                    errors.insert(e);
                }
            }
        }
    }
    // r = 0, s = 0, s > n/2, r ≥ n are all reached.
    for e in ["r or s is zero", "s is above secp256k1n/2 (EIP-2)", "r is not below the group order"] {
        assert!(errors.contains(e), "{e}");
    }
}

#[test]
fn x_not_on_curve() {
    // About half of all x are not the x-coordinate of a point.
    let hash = keccak256(b"x");
    let mut rejected = 0;
    for r in 1u64..64 {
        let r = U256::from(r);
        let ours = recover_address(hash, r, U256::from(5), false);
        assert_eq!(ours, reference(hash, r, U256::from(5), false));
        rejected += usize::from(ours == Err("r is not the x coordinate of a curve point"));
    }
    assert!(rejected > 10);
}

/// (x, y parity) of k·G, if x < n (so it can be an r).
fn r_of(k: Scalar) -> Option<(U256, bool)> {
    let (x, y) = multiple_of_g(k);
    let x = U256::from_be_bytes(x);
    (x < N_U256).then_some((x, y[31] & 1 == 1))
}

fn nonzero_scalar() -> impl Strategy<Value = U256> {
    any::<[u64; 4]>().prop_map(|l| U256::from_limbs(l).reduce_mod(N_U256)).prop_filter("zero", |x| !x.is_zero())
}

fn interesting_u256() -> impl Strategy<Value = U256> {
    let half_n = N_U256 / U256::from(2);
    prop_oneof![
        any::<[u64; 4]>().prop_map(U256::from_limbs),
        (0u64..8).prop_map(U256::from),
        (0u64..8).prop_map(move |k| half_n - U256::from(4) + U256::from(k)),
        (0u64..8).prop_map(|k| N_U256 - U256::from(4) + U256::from(k)),
        (0u64..8).prop_map(|k| U256::MAX - U256::from(k)),
    ]
}

proptest! {
    #[test]
    fn the_addition_chains_are_the_exponentiations(a in any::<[u64; 4]>()) {
        let p = field::to_u256(&P);
        let a = field::from_u256(U256::from_limbs(a).reduce_mod(p));
        prop_assert_eq!(invert_p(&a), field::pow(&a, &P_MINUS_2, &P));
        prop_assert_eq!(sqrt_candidate(&a), field::pow(&a, &SQRT_EXPONENT, &P));
    }
}

#[test]
fn the_addition_chains_at_the_edges() {
    let p = field::to_u256(&P);
    for a in [U256::ZERO, U256::from(1), U256::from(2), p - U256::from(1), p - U256::from(2)] {
        let a = field::from_u256(a);
        assert_eq!(invert_p(&a), field::pow(&a, &P_MINUS_2, &P));
        assert_eq!(sqrt_candidate(&a), field::pow(&a, &SQRT_EXPONENT, &P));
    }
}

proptest! {
    #[test]
    fn recovers_the_signer(secret in any::<[u8; 32]>(), message in any::<Vec<u8>>()) {
        let Ok(key) = SigningKey::from_bytes(&secret.into()) else { return Ok(()) };
        let hash = keccak256(&message);
        let (sig, rid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        let sig = alloy_primitives::Signature::from_signature_and_parity(sig, rid.is_y_odd());
        let ours = recover_address(hash, sig.r(), sig.s(), sig.v());
        prop_assert_eq!(ours, Ok(address_of(&key)));
        prop_assert_eq!(ours, reference(hash, sig.r(), sig.s(), sig.v()));
        let flipped = recover_address(hash, sig.r(), sig.s(), !sig.v());
        prop_assert_eq!(flipped, reference(hash, sig.r(), sig.s(), !sig.v()));
        prop_assert_ne!(flipped, Ok(address_of(&key)));
        // The malleated twin recovers the same key but breaks EIP-2.
        prop_assert_eq!(recover_address(hash, sig.r(), N_U256 - sig.s(), !sig.v()), Err("s is above secp256k1n/2 (EIP-2)"));
    }

    #[test]
    fn arbitrary_signatures(r in interesting_u256(), s in interesting_u256(), hash in any::<[u8; 32]>(), y_odd: bool) {
        let hash = B256::from(hash);
        prop_assert_eq!(recover_address(hash, r, s, y_odd), reference(hash, r, s, y_odd));
    }

    #[test]
    fn hashes_at_or_above_n(k in 0u64..1000, r in nonzero_scalar(), s in nonzero_scalar(), y_odd: bool) {
        // z ≥ n is reduced once.
        let hash = B256::from((N_U256 + U256::from(k)).to_be_bytes::<32>());
        prop_assert_eq!(recover_address(hash, r, s, y_odd), reference(hash, r, s, y_odd));
    }

    #[test]
    fn key_at_infinity(k in nonzero_scalar(), s in nonzero_scalar()) {
        // R = k·G and z = s·k make s·R − z·G the point at infinity.
        let Some((r, y_odd)) = r_of(scalar_of(k)) else { return Ok(()) };
        let s = if s > N_U256 / U256::from(2) { N_U256 - s } else { s };
        let hash = B256::from(s.mul_mod(k, N_U256).to_be_bytes::<32>());
        prop_assert_eq!(recover_address(hash, r, s, y_odd), Err("the recovered key is the point at infinity"));
        prop_assert_eq!(reference(hash, r, s, y_odd), Err("the recovered key is the point at infinity"));
    }

    #[test]
    fn small_scalars_with_r_a_multiple_of_g(k in 1u64..20, u1 in 0u64..600, u2 in 1u64..600) {
        // Small u1, u2 and R = k·G make the additions meet equal and opposite
        // operands (the doubling and infinity branches).
        let Some((r, y_odd)) = r_of(Scalar::from(k)) else { return Ok(()) };
        let (u1, u2) = (U256::from(u1), U256::from(u2));
        let s = u2.mul_mod(r, N_U256);
        let z = (N_U256 - u1.mul_mod(r, N_U256)).reduce_mod(N_U256);
        let hash = B256::from(z.to_be_bytes::<32>());
        let ours = recover_address(hash, r, s, y_odd);
        prop_assert_eq!(ours, reference(hash, r, s, y_odd));
        // The key (u1 + u2·k)·G is never infinity for these small values.
        if s <= N_U256 / U256::from(2) {
            prop_assert!(ours.is_ok());
        }
    }
}

/// λ, the cube root of unity mod n of the GLV endomorphism.
const LAMBDA: U256 =
    U256::from_limbs([0xdf02_967c_1b23_bd72, 0x122e_22ea_2081_6678, 0xa526_1c02_8812_645a, 0x5363_ad4c_c05c_30e0]);

/// Scalars mod n that make the GLV halves small, zero, negative or equal, and random ones.
fn glv_scalar() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<[u64; 4]>().prop_map(|l| U256::from_limbs(l).reduce_mod(N_U256)),
        (0u64..64).prop_map(U256::from),
        (1u64..64).prop_map(|k| N_U256 - U256::from(k)),
        (0u64..64).prop_map(|k| U256::from(k).mul_mod(LAMBDA, N_U256)),
        (1u64..64).prop_map(|k| N_U256 - U256::from(k).mul_mod(LAMBDA, N_U256)),
        (0u64..64, 0u64..64).prop_map(|(a, b)| U256::from(a).add_mod(U256::from(b).mul_mod(LAMBDA, N_U256), N_U256)),
    ]
}

proptest! {
    #[test]
    fn the_glv_chain_equals_the_plain_chain(u1 in glv_scalar(), u2 in glv_scalar(), k in prop_oneof![1u64..8, any::<u64>()]) {
        // R = k·G: small k makes the additions meet equal and opposite operands.
        let (x, y) = multiple_of_g(Scalar::from(k.max(1)));
        let r = (field::from_be_bytes(&x), field::from_be_bytes(&y));
        let (u1, u2) = (field::from_u256(u1), field::from_u256(u2));
        prop_assert_eq!(point::lincomb(&u1, &u2, r).to_affine(), point::lincomb_plain(&u1, &u2, r).to_affine());
    }
}

#[test]
fn lambda_is_the_endomorphism_of_the_tests() {
    assert_eq!(LAMBDA.pow_mod(U256::from(3), N_U256), U256::from(1));
    assert_ne!(LAMBDA, U256::from(1));
}

//! Arithmetic modulo the BLS12-381 scalar field order `r`, on little-endian
//! 32-bit words ([`refute_stf::field`]).
//!
//! Why not a field library: the zkVM multiplies 256-bit numbers modulo a
//! 256-bit modulus in one accelerator call on exactly these words, so the blob
//! binding's field multiplications cost a few dozen cycles each. Only the
//! multiplication differs between the guest and the host; the host's results
//! are checked against c-kzg.

use refute_stf::field::{self, Fe};

pub use refute_stf::field::{is_zero, lt, to_be_bytes, Fe as Scalar, ONE, ZERO};

/// `r`, the BLS12-381 scalar field order (EIP-4844 `BLS_MODULUS`).
pub const R: Fe =
    [0x0000_0001, 0xffff_ffff, 0xfffe_5bfe, 0x53bd_a402, 0x09a1_d805, 0x3339_d808, 0x299d_7d48, 0x73ed_a753];
/// `r − 2`, the inversion exponent.
const R_MINUS_2: Fe =
    [0xffff_ffff, 0xffff_fffe, 0xfffe_5bfe, 0x53bd_a402, 0x09a1_d805, 0x3339_d808, 0x299d_7d48, 0x73ed_a753];

/// `a + b mod r` for `a, b < r`.
pub fn add(a: &Fe, b: &Fe) -> Fe {
    field::add(a, b, &R)
}

/// `a − b mod r` for `a, b < r`.
pub fn sub(a: &Fe, b: &Fe) -> Fe {
    field::sub(a, b, &R)
}

/// `−a mod r` for `a < r`.
pub fn neg(a: &Fe) -> Fe {
    field::neg(a, &R)
}

/// `a · b mod r` for `a, b < r`.
pub fn mul(a: &Fe, b: &Fe) -> Fe {
    field::mul(a, b, &R)
}

/// `base^exponent mod r`.
pub fn pow(base: &Fe, exponent: &Fe) -> Fe {
    field::pow(base, exponent, &R)
}

/// `a^(r−2)`: the inverse of a non-zero `a` (Fermat); `None` for zero.
pub fn inverse(a: &Fe) -> Option<Fe> {
    (!is_zero(a)).then(|| pow(a, &R_MINUS_2))
}

/// Any 256-bit integer reduced modulo `r` (2^256 < 3r, so at most two subtractions).
pub fn reduce(x: &Fe) -> Fe {
    field::reduce(x, &R)
}

/// The canonical scalar with these 32 big-endian bytes, or `None` if it is not below `r`.
pub fn from_be_bytes(bytes: &[u8; 32]) -> Option<Fe> {
    let x = field::from_be_bytes(bytes);
    lt(&x, &R).then_some(x)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use proptest::prelude::*;

    const R_U256: U256 =
        U256::from_limbs([0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48]);

    fn scalar() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(|l| U256::from_limbs(l).reduce_mod(R_U256)),
            (1u64..4).prop_map(|k| R_U256 - U256::from(k)),
            (0u64..4).prop_map(U256::from),
        ]
    }

    proptest! {
        #[test]
        fn field_laws(a in scalar(), b in scalar()) {
            let (fa, fb) = (field::from_u256(a), field::from_u256(b));
            prop_assert_eq!(field::to_u256(&mul(&fa, &fb)), a.mul_mod(b, R_U256));
            prop_assert_eq!(sub(&add(&fa, &fb), &fb), fa);
            prop_assert_eq!(add(&neg(&fa), &fa), ZERO);
            if !a.is_zero() {
                prop_assert_eq!(mul(&fa, &inverse(&fa).unwrap()), ONE);
            }
        }

        #[test]
        fn reduction_and_parsing(x in any::<[u64; 4]>()) {
            let x = U256::from_limbs(x);
            prop_assert_eq!(field::to_u256(&reduce(&field::from_u256(x))), x.reduce_mod(R_U256));
            let parsed = from_be_bytes(&x.to_be_bytes::<32>());
            prop_assert_eq!(parsed.map(|p| field::to_u256(&p)), (x < R_U256).then_some(x));
        }
    }

    #[test]
    fn constants_are_the_eip4844_modulus() {
        let decimal = "52435875175126190479447740508185965837690552500527637822603658699938581184513";
        assert_eq!(field::to_u256(&R), decimal.parse::<U256>().unwrap());
        assert_eq!(field::to_u256(&R_MINUS_2), R_U256 - U256::from(2));
        assert_eq!(inverse(&ZERO), None);
        assert_eq!(from_be_bytes(&R_U256.to_be_bytes::<32>()), None);
        assert_eq!(reduce(&[u32::MAX; 8]), field::from_u256(U256::MAX.reduce_mod(R_U256)));
    }
}

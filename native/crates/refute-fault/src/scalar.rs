//! Arithmetic modulo the BLS12-381 scalar field order `r`, on 256-bit integers.
//!
//! Why not a field library: the zkVM multiplies 256-bit numbers modulo a
//! 256-bit modulus in one accelerator call (`sys_bigint`), which turns the
//! blob binding's ~30,000 field multiplications from tens of millions of
//! cycles into a few hundred thousand. Only [`mul`] differs between the guest
//! and the host (where it is `U256::mul_mod`); everything else is shared, and
//! the host's results are checked against c-kzg.

use alloc::vec::Vec;

use alloy_primitives::U256;

/// `r`, the BLS12-381 scalar field order (EIP-4844 `BLS_MODULUS`).
pub const R: U256 =
    U256::from_limbs([0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48]);

/// `a + b mod r` for `a, b < r`.
pub fn add(a: U256, b: U256) -> U256 {
    let sum = a + b; // < 2r < 2^256
    if sum >= R {
        sum - R
    } else {
        sum
    }
}

/// `a − b mod r` for `a, b < r`.
pub fn sub(a: U256, b: U256) -> U256 {
    if a >= b {
        a - b
    } else {
        a + (R - b)
    }
}

/// `a · b mod r` for `a, b < r`: the zkVM's bigint accelerator.
#[cfg(target_os = "zkvm")]
pub fn mul(a: U256, b: U256) -> U256 {
    use risc0_zkvm_platform::syscall::{bigint, sys_bigint};
    fn words(x: U256) -> [u32; bigint::WIDTH_WORDS] {
        let mut out = [0u32; bigint::WIDTH_WORDS];
        for (i, limb) in x.as_limbs().iter().enumerate() {
            out[2 * i] = *limb as u32;
            out[2 * i + 1] = (*limb >> 32) as u32;
        }
        out
    }
    let (x, y, m) = (words(a), words(b), words(R));
    let mut out = [0u32; bigint::WIDTH_WORDS];
    // SAFETY: all four arrays are word-aligned, live and of the accelerator's width.
    unsafe { sys_bigint(&mut out, bigint::OP_MULTIPLY, &x, &y, &m) };
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = u64::from(out[2 * i]) | (u64::from(out[2 * i + 1]) << 32);
    }
    let product = U256::from_limbs(limbs);
    // The circuit proves out ≡ a·b (mod r); canonical form is checked here.
    assert!(product < R, "the bigint accelerator returned a product not below r");
    product
}

/// `a · b mod r` for `a, b < r`.
#[cfg(not(target_os = "zkvm"))]
pub fn mul(a: U256, b: U256) -> U256 {
    a.mul_mod(b, R)
}

/// `base^exponent mod r` (square and multiply, most significant bit first).
pub fn pow(base: U256, exponent: U256) -> U256 {
    let mut acc = U256::from(1);
    for i in (0..exponent.bit_len()).rev() {
        acc = mul(acc, acc);
        if exponent.bit(i) {
            acc = mul(acc, base);
        }
    }
    acc
}

/// `a^(r−2)`: the inverse of a non-zero `a` (Fermat).
pub fn inverse(a: U256) -> Option<U256> {
    (!a.is_zero()).then(|| pow(a, R - U256::from(2)))
}

/// Replaces every (non-zero) value by its inverse with one inversion and three
/// multiplications per value (Montgomery's trick); `None` if any value is zero.
pub fn batch_inverse(values: &mut [U256]) -> Option<()> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = U256::from(1);
    for v in values.iter() {
        prefix.push(acc);
        acc = mul(acc, *v);
    }
    let mut inv = inverse(acc)?;
    for (v, before) in values.iter_mut().zip(prefix).rev() {
        let next = mul(inv, *v);
        *v = mul(inv, before);
        inv = next;
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = U256> {
        any::<[u64; 4]>().prop_map(|l| U256::from_limbs(l).reduce_mod(R))
    }

    proptest! {
        #[test]
        fn field_laws(a in scalar(), b in scalar()) {
            prop_assert_eq!(sub(add(a, b), b), a);
            prop_assert_eq!(add(sub(a, b), b), a);
            if !a.is_zero() {
                prop_assert_eq!(mul(a, inverse(a).unwrap()), U256::from(1));
            }
        }

        #[test]
        fn batch_inverse_matches_single(values in proptest::collection::vec(scalar(), 1..20)) {
            prop_assume!(values.iter().all(|v| !v.is_zero()));
            let mut batch = values.clone();
            batch_inverse(&mut batch).unwrap();
            for (v, inv) in values.iter().zip(batch) {
                prop_assert_eq!(inverse(*v).unwrap(), inv);
            }
        }
    }

    #[test]
    fn r_is_the_eip4844_modulus() {
        let decimal = "52435875175126190479447740508185965837690552500527637822603658699938581184513";
        assert_eq!(R, decimal.parse::<U256>().unwrap());
    }
}

//! Arithmetic modulo a 256-bit odd modulus on little-endian 32-bit words,
//! shared by secp256k1 sender recovery and the fault program's blob binding
//! (BLS12-381 scalars).
//!
//! Why words: `[u32; 8]` is exactly what the zkVM's bigint accelerator reads
//! and writes, so a multiplication in the guest is one accelerator call with no
//! conversion. Only [`mul`] differs between the guest and the host; addition,
//! subtraction and exponentiation are the same code everywhere. Every value is
//! kept canonical (`< m`), so equality of residues is equality of words; the
//! one exception is an operand of [`mul`], which may be any 256-bit integer.

use alloy_primitives::U256;

/// A residue, least significant word first.
pub type Fe = [u32; 8];

/// 0.
pub const ZERO: Fe = [0; 8];
/// 1.
pub const ONE: Fe = [1, 0, 0, 0, 0, 0, 0, 0];
/// 3 (a tangent's slope on `y² = x³ + b` is 3x²/2y).
pub const THREE: Fe = [3, 0, 0, 0, 0, 0, 0, 0];

/// The words of `x`.
pub fn from_u256(x: U256) -> Fe {
    let mut out = ZERO;
    for (i, limb) in x.as_limbs().iter().enumerate() {
        out[2 * i] = *limb as u32;
        out[2 * i + 1] = (*limb >> 32) as u32;
    }
    out
}

/// The integer with words `x`.
pub fn to_u256(x: &Fe) -> U256 {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = u64::from(x[2 * i]) | (u64::from(x[2 * i + 1]) << 32);
    }
    U256::from_limbs(limbs)
}

/// `x` as 32 big-endian bytes.
pub fn to_be_bytes(x: &Fe) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, word) in x.iter().enumerate() {
        out[28 - 4 * i..32 - 4 * i].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// The integer with these 32 big-endian bytes.
pub fn from_be_bytes(bytes: &[u8; 32]) -> Fe {
    let mut out = ZERO;
    for (i, chunk) in bytes.chunks_exact(4).enumerate() {
        out[7 - i] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

/// `a < b` as integers.
pub fn lt(a: &Fe, b: &Fe) -> bool {
    for i in (0..8).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// `a == 0`.
pub fn is_zero(a: &Fe) -> bool {
    a.iter().all(|w| *w == 0)
}

/// `a − b` modulo 2^256, and whether it borrowed.
///
/// On 32-bit words with 32-bit borrows: the guest is RV32, where every 64-bit
/// operation costs several instructions, and this runs several times per
/// field element of a blob and per step of sender recovery.
pub fn sub_words(a: &Fe, b: &Fe) -> (Fe, bool) {
    let mut out = ZERO;
    let mut borrow = false;
    for i in 0..8 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u32::from(borrow));
        out[i] = d;
        borrow = b1 | b2;
    }
    (out, borrow)
}

/// `a + b` modulo 2^256, and whether it carried (32-bit carries, as in [`sub_words`]).
pub fn add_words(a: &Fe, b: &Fe) -> (Fe, bool) {
    let mut out = ZERO;
    let mut carry = false;
    for i in 0..8 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(u32::from(carry));
        out[i] = s;
        carry = c1 | c2;
    }
    (out, carry)
}

/// `a + b mod m` for `a, b < m`.
pub fn add(a: &Fe, b: &Fe, m: &Fe) -> Fe {
    let (sum, carry) = add_words(a, b);
    // sum < 2m, so one subtraction reduces it (wrapping when it carried past 2^256).
    if carry || !lt(&sum, m) {
        sub_words(&sum, m).0
    } else {
        sum
    }
}

/// `a − b mod m` for `a, b < m`.
pub fn sub(a: &Fe, b: &Fe, m: &Fe) -> Fe {
    let (diff, borrow) = sub_words(a, b);
    if borrow {
        add_words(&diff, m).0
    } else {
        diff
    }
}

/// Any 256-bit `x` reduced modulo `m`, by repeated subtraction: meant for
/// moduli close to 2^256 (for m > 2^254, at most three subtractions).
pub fn reduce(x: &Fe, m: &Fe) -> Fe {
    let mut x = *x;
    while !lt(&x, m) {
        x = sub_words(&x, m).0;
    }
    x
}

/// `−a mod m` for `a < m`.
pub fn neg(a: &Fe, m: &Fe) -> Fe {
    sub(&ZERO, a, m)
}

/// `a · b mod m` for any 256-bit `a` and `b` (neither needs to be reduced):
/// one run of RISC Zero's bigint2 `modmul_256` program (risc0-bigint2).
///
/// The program's quotient holds 65 bytes, room for `a · b / m` of any two
/// 256-bit operands, and the circuit checks `a · b = q · m + out` whatever
/// their size; only `out < m` is left to the caller, and checked here. Callers
/// may therefore pass sums of two residues (below `2m`) unreduced, saving the
/// comparison and subtraction a modular addition costs.
#[cfg(target_os = "zkvm")]
pub fn mul(a: &Fe, b: &Fe, m: &Fe) -> Fe {
    let mut out = ZERO;
    risc0_bigint2::field::unchecked::modmul_256(a, b, m, &mut out);
    // The circuit proves out ≡ a·b (mod m); canonical form is checked here.
    assert!(lt(&out, m), "the bigint accelerator returned a product not below the modulus");
    out
}

/// `a⁻¹ mod m` for `0 < a < m` and a prime `m`: one run of the bigint2
/// `modinv_256` program (the circuit checks `a · out ≡ 1`; risc0-bigint2's
/// checked call asserts `out < m`).
#[cfg(target_os = "zkvm")]
pub fn invert_prime(a: &Fe, m: &Fe) -> Fe {
    let mut out = ZERO;
    risc0_bigint2::field::modinv_256(a, m, &mut out);
    out
}

/// `a⁻¹ mod m` for `0 < a < m` and a prime `m`, by Fermat: `a^(m−2)`.
#[cfg(not(target_os = "zkvm"))]
pub fn invert_prime(a: &Fe, m: &Fe) -> Fe {
    pow(a, &sub_words(m, &[2, 0, 0, 0, 0, 0, 0, 0]).0, m)
}

/// `a · b mod m` for any 256-bit `a` and `b` (see the zkVM version).
#[cfg(not(target_os = "zkvm"))]
pub fn mul(a: &Fe, b: &Fe, m: &Fe) -> Fe {
    from_u256(to_u256(a).mul_mod(to_u256(b), to_u256(m)))
}

/// `a² mod m`.
pub fn square(a: &Fe, m: &Fe) -> Fe {
    mul(a, a, m)
}

/// `base^exponent mod m` with a fixed 4-bit window (the exponents are public
/// constants: about 256 squarings and 64 multiplications).
pub fn pow(base: &Fe, exponent: &Fe, m: &Fe) -> Fe {
    let mut table = [ONE; 16];
    for i in 1..16 {
        table[i] = mul(&table[i - 1], base, m);
    }
    let mut acc = ONE;
    let mut started = false;
    for i in (0..64).rev() {
        let nibble = ((exponent[i / 8] >> (4 * (i % 8))) & 0xf) as usize;
        if started {
            for _ in 0..4 {
                acc = square(&acc, m);
            }
        }
        if nibble != 0 {
            acc = if started { mul(&acc, &table[nibble], m) } else { table[nibble] };
            started = true;
        }
    }
    acc
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const M: U256 =
        U256::from_limbs([0xffff_fffe_ffff_fc2f, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff]);

    fn residue() -> impl Strategy<Value = U256> {
        prop_oneof![
            any::<[u64; 4]>().prop_map(|l| U256::from_limbs(l).reduce_mod(M)),
            (0u64..4).prop_map(|k| M - U256::from(k + 1)),
            (0u64..4).prop_map(U256::from),
        ]
    }

    proptest! {
        #[test]
        fn matches_u256(a in residue(), b in residue(), e in any::<[u64; 4]>()) {
            let (fa, fb, m) = (from_u256(a), from_u256(b), from_u256(M));
            prop_assert_eq!(to_u256(&add(&fa, &fb, &m)), a.add_mod(b, M));
            prop_assert_eq!(to_u256(&sub(&fa, &fb, &m)), a.add_mod(M - b, M));
            prop_assert_eq!(to_u256(&neg(&fa, &m)), (M - a).reduce_mod(M));
            prop_assert_eq!(to_u256(&mul(&fa, &fb, &m)), a.mul_mod(b, M));
            prop_assert_eq!(lt(&fa, &fb), a < b);
            let e = U256::from_limbs(e);
            prop_assert_eq!(to_u256(&pow(&fa, &from_u256(e), &m)), a.pow_mod(e, M));
            prop_assert_eq!(to_be_bytes(&fa), a.to_be_bytes::<32>());
            prop_assert_eq!(from_be_bytes(&a.to_be_bytes::<32>()), fa);
            prop_assert_eq!(to_u256(&reduce(&from_u256(e), &m)), e.reduce_mod(M));
        }

        #[test]
        fn mul_takes_unreduced_operands(a in any::<[u64; 4]>(), b in any::<[u64; 4]>()) {
            let (a, b) = (U256::from_limbs(a), U256::from_limbs(b));
            let product = mul(&from_u256(a), &from_u256(b), &from_u256(M));
            prop_assert_eq!(to_u256(&product), a.mul_mod(b, M));
        }
    }
}

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

/// RISC Zero's bigint2 program for `a · b mod m` on 256-bit operands
/// (`modmul_256.blob` of risc0-zkos-v1compat 2.2.3, whose kernel runs the same
/// program for the v1 `sys_bigint` call): a header (nondet program, verify
/// program, constants and temporary sizes in words) and the three sections.
/// The circuit checks `a · b = q · m + out` for the prover's `q` and `out`.
#[cfg(target_os = "zkvm")]
static MODMUL_256: [u32; 82] = [
    0x0000_002e,
    0x0000_0020,
    0x0000_0000,
    0x0000_0014,
    0x6362_6962,
    0x0000_0001,
    0x0000_0000,
    0x0000_0003,
    0x0000_0000,
    0x0000_0008,
    0x0000_0020,
    0x0000_0000,
    0x0000_00ff,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_003f,
    0x0000_0000,
    0x001f_c020,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0041,
    0x0000_0000,
    0x0000_00ff,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0000,
    0x0000_0003,
    0x0000_000b,
    0x0000_0003,
    0x0000_000c,
    0x0000_0003,
    0x0000_000d,
    0x0000_001a,
    0x0000_0100,
    0x0003_002c,
    0x0000_0200,
    0x0003_000b,
    0x0000_0200,
    0x0000_0004,
    0x0000_050e,
    0x0000_0024,
    0x0000_0402,
    0x11a2_0004,
    0x11a2_0003,
    0x11a2_0002,
    0x11a2_0001,
    0x12a2_0000,
    0x01ad_0001,
    0x03ad_0000,
    0x016b_0001,
    0x026b_0000,
    0x016c_0001,
    0x036c_0000,
    0x11ae_0001,
    0x13ae_0000,
    0x2400_0005,
    0x2500_0005,
    0x2100_0005,
    0x2400_0004,
    0x2500_0004,
    0x2100_0004,
    0x2400_0003,
    0x2500_0003,
    0x2100_0003,
    0x2400_0002,
    0x2500_0002,
    0x2100_0002,
    0x2400_0001,
    0x2500_0001,
    0x2100_0001,
    0x2400_0000,
    0x2500_0000,
    0x2600_0000,
    0x2000_0000,
];

/// `a · b mod m` for any 256-bit `a` and `b` (neither needs to be reduced):
/// one run of the zkVM's bigint accelerator.
///
/// The program's quotient holds 65 bytes, room for `a · b / m` of any two
/// 256-bit operands, and the circuit checks `a · b = q · m + out` whatever
/// their size; only `out < m` is left to the caller, and checked here. Callers
/// may therefore pass sums of two residues (below `2m`) unreduced, saving the
/// comparison and subtraction a modular addition costs.
///
/// Why the bigint2 call rather than `sys_bigint`: the v1 call traps into the
/// compatibility kernel, which checks its arguments in software and then runs
/// this same program; calling the program directly skips that detour on the
/// hottest operation of sender recovery and the blob binding.
#[cfg(target_os = "zkvm")]
pub fn mul(a: &Fe, b: &Fe, m: &Fe) -> Fe {
    use risc0_zkvm_platform::syscall::sys_bigint2_4;
    let mut out = ZERO;
    // SAFETY: the program is word-aligned with its header's section sizes; the
    // operands and the result are live, word-aligned arrays of 8 words, the
    // width the program reads and writes.
    unsafe {
        sys_bigint2_4(
            MODMUL_256.as_ptr().cast::<u8>(),
            a.as_ptr(),
            b.as_ptr(),
            m.as_ptr(),
            out.as_mut_ptr().cast_const(),
        )
    };
    // The circuit proves out ≡ a·b (mod m); canonical form is checked here.
    assert!(lt(&out, m), "the bigint accelerator returned a product not below the modulus");
    out
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

//! Blob binding by proof of equivalence (`docs/protocol.md`).
//!
//! The guest never verifies a KZG commitment (pairings are expensive in the
//! zkVM). Instead it evaluates the blob it read at a Fiat–Shamir point `z` and
//! commits `(versioned_hash, z, y)`; the L1 contract checks `y` against the
//! versioned hash with the point-evaluation precompile. Two different
//! degree-<4096 polynomials agree at a pseudo-random `z` with probability at most
//! 4096 / r.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256};

use refute_stf::field::{add_words, sub_words};

use crate::{
    error::{FaultError, FaultResult},
    scalar::{self, Scalar, ONE, R, ZERO},
    sha256::sha256,
};

/// Field elements in an EIP-4844 blob.
pub const FIELD_ELEMENTS_PER_BLOB: usize = 4096;
/// Bytes in an EIP-4844 blob.
pub const BLOB_BYTES: usize = FIELD_ELEMENTS_PER_BLOB * 32;
/// Domain separation for the challenge point.
pub const CHALLENGE_DOMAIN: &[u8] = b"refute/blob-binding/v2";
/// `log2` of the domain size.
const DOMAIN_BITS: u32 = 12;

/// What the journal binds for one blob, and what the contract checks with `0x0a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobOpening {
    pub versioned_hash: B256,
    /// The evaluation point (a canonical scalar, big-endian).
    pub z: B256,
    /// The blob polynomial's value at `z` (a canonical scalar, big-endian).
    pub y: B256,
}

/// `z = sha256(domain ‖ versioned_hash ‖ sha256(blob)) mod r`.
///
/// The blob is hashed on its own so that, word-aligned in the guest's memory,
/// the accelerator reads it in place (a prefix would shift it off the block
/// boundaries and force a copy of all 128 KiB).
pub fn challenge(versioned_hash: &B256, blob: &[u8]) -> Scalar {
    let blob_digest = sha256(&[blob]);
    let digest = sha256(&[CHALLENGE_DOMAIN, versioned_hash.as_slice(), &blob_digest]);
    scalar::reduce(&refute_stf::field::from_be_bytes(&digest))
}

/// The `i`-th field element of `blob` (whose length is [`BLOB_BYTES`]); an
/// element at or above `r` is refused (the point-evaluation precompile would
/// never accept such a blob either).
fn field_element(blob: &[u8], i: usize) -> FaultResult<Scalar> {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&blob[32 * i..32 * i + 32]);
    scalar::from_be_bytes(&bytes).ok_or_else(|| non_canonical(i))
}

/// [`field_element`] from the blob's eight words in memory order (each holding
/// four big-endian bytes): word swaps instead of byte assembly.
fn field_element_from_words(words: &[u32], i: usize) -> FaultResult<Scalar> {
    let mut x = ZERO;
    for (j, word) in x.iter_mut().enumerate() {
        *word = u32::from_be(words[7 - j]);
    }
    if scalar::lt(&x, &R) {
        Ok(x)
    } else {
        Err(non_canonical(i))
    }
}

fn non_canonical(i: usize) -> FaultError {
    FaultError::BlobBinding(alloc::format!("field element {i} is not below the BLS12-381 scalar order"))
}

/// The blob's field elements, each checked as in [`open`].
pub fn field_elements(blob: &[u8]) -> FaultResult<Vec<Scalar>> {
    check_length(blob)?;
    (0..FIELD_ELEMENTS_PER_BLOB).map(|i| field_element(blob, i)).collect()
}

fn check_length(blob: &[u8]) -> FaultResult<()> {
    if blob.len() != BLOB_BYTES {
        return Err(FaultError::BlobBinding(alloc::format!("a blob is {BLOB_BYTES} bytes, got {}", blob.len())));
    }
    Ok(())
}

/// `(r − 1) / 4096`-th power of EIP-4844's `PRIMITIVE_ROOT_OF_UNITY` 7: ω, the
/// generator of the evaluation domain (checked against 7^((r−1)/4096) in the tests).
const OMEGA: Scalar =
    [0xa5d3_6306, 0xe206_da11, 0x378f_bf96, 0x0ad1_347b, 0xe0f8_245f, 0xfc3e_8acf, 0xa0f7_04f4, 0x564c_0a11];

/// The even-indexed roots in EIP-4844 order: entry `j` is `ω^brp(2j)`; the
/// odd ones are their negatives (`brp(2j + 1) = brp(2j) + 2048` and
/// `ω^2048 = −1`). Computed at compile time (see [`const_roots`]) in the order
/// the blob is read, so the guest only pages it in, front to back.
static EVEN_ROOTS: [Scalar; FIELD_ELEMENTS_PER_BLOB / 2] = const_roots::even_roots(&OMEGA);

/// Entry `k` is `EVEN_ROOTS[2k]²`; `EVEN_ROOTS[2k + 1]²` is its negative
/// (`EVEN_ROOTS[2k + 1] = ω^1024 · EVEN_ROOTS[2k]` and `ω^2048 = −1`). The
/// squares are roots too, read straight from the powers of ω at compile time.
static EVEN_ROOT_SQUARES: [Scalar; FIELD_ELEMENTS_PER_BLOB / 4] = const_roots::even_root_squares(&OMEGA);

/// The `i`-th root of the evaluation domain in EIP-4844 (bit-reversed) order:
/// `ω^brp(i)`.
pub fn root(i: usize) -> Scalar {
    let even = &EVEN_ROOTS[i / 2];
    if i.is_multiple_of(2) {
        *even
    } else {
        scalar::neg(even)
    }
}

/// `2^256 mod r`: the weight of [`ElementSum`]'s carry word.
const TWO_256_MOD_R: Scalar =
    [0xffff_fffe, 0x0000_0001, 0x0003_4802, 0x5884_b7fa, 0xecbc_4ff5, 0x998c_4fef, 0xacc5_056f, 0x1824_b159];

/// `Σ f_i` over a blob's elements, added as plain integers and reduced once.
///
/// Why not a modular sum: 4096 canonical elements add up to less than 2^268,
/// so a 256-bit sum and a carry word hold it exactly, and each addition skips
/// the comparison and conditional subtraction of a modular one.
struct ElementSum {
    low: Scalar,
    carries: u32,
}

impl ElementSum {
    const ZERO: Self = Self { low: ZERO, carries: 0 };

    // Kept out of line: inlined into the loop over the blob's elements, it made
    // every element, zero ones included, about 17 cycles dearer in the guest
    // (measured), far more than a call per non-zero element costs.
    #[inline(never)]
    fn add(&mut self, f: &Scalar) {
        let (low, carry) = add_words(&self.low, f);
        self.low = low;
        self.carries += u32::from(carry);
    }

    /// The sum modulo `r`: `low + carries · 2^256`.
    fn reduce(&self) -> Scalar {
        let carries = [self.carries, 0, 0, 0, 0, 0, 0, 0];
        scalar::add(&scalar::reduce(&self.low), &scalar::mul(&carries, &TWO_256_MOD_R))
    }
}

/// `p(z)` for the polynomial taking the blob's `i`-th element `f_i` at the
/// `i`-th root `ω_i`, in barycentric form, checking every element:
///
/// `p(z) = (z^n − 1)/n · Σ f_i·ω_i/(z − ω_i) = (z^n − 1)/n · (z·Σ f_i/(z − ω_i) − Σ f_i)`
///
/// (since `ω/(z − ω) = z/(z − ω) − 1`). Elements `2j` and `2j + 1` sit at `e`
/// and `−e` (`e` = `EVEN_ROOTS[j]`), so each pair enters the sum as one
/// fraction, `(f_2j·(z + e) + f_2j+1·(z − e)) / (z² − e²)`, whose denominator
/// needs no multiplication (`e²` is a table entry); the whole sum is kept as
/// one fraction `num/den`: five multiplications per pair, one inversion in all.
/// Sums and differences of two residues stay below `2r < 2^256` and go into
/// the accelerator's multiplication unreduced (it takes any 256-bit operand),
/// so the loop makes no modular addition at all. Pairs of zero elements — a
/// blob's unused tail — contribute nothing and are skipped. If `z` is a root
/// itself (`z^n = 1`), `p(z)` is that root's element.
fn evaluate_blob(blob: &[u8], z: &Scalar) -> FaultResult<Scalar> {
    let mut z_n = *z;
    for _ in 0..DOMAIN_BITS {
        z_n = scalar::mul(&z_n, &z_n);
    }
    let vanishing = scalar::sub(&z_n, &ONE);
    if scalar::is_zero(&vanishing) {
        let mut value = None;
        for i in 0..FIELD_ELEMENTS_PER_BLOB {
            let f = field_element(blob, i)?;
            if root(i) == *z {
                value = Some(f);
            }
        }
        // z^n = 1 makes z one of the n roots, all of which root(i) lists.
        return value.ok_or_else(|| FaultError::BlobBinding("z^4096 = 1 but z is no root of the domain".into()));
    }
    let elements = Elements::new(blob);
    let z2 = scalar::mul(z, z);
    // z + r and z² + r are below 2r < 2^256: word arithmetic on them neither
    // carries out nor, after subtracting a residue, borrows.
    let z_plus_r = add_words(z, &R).0;
    let z2_plus_r = add_words(&z2, &R).0;
    let (mut num, mut den, mut total) = (ZERO, ONE, ElementSum::ZERO);
    for j in 0..FIELD_ELEMENTS_PER_BLOB / 2 {
        if elements.pair_is_zero(j) {
            continue;
        }
        let (low, high) = (elements.get(2 * j)?, elements.get(2 * j + 1)?);
        let e = &EVEN_ROOTS[j];
        // f_low·(z + e) + f_high·(z − e), each factor and the sum below 2r.
        let mut pair_num = ZERO;
        if let Some(f) = low {
            pair_num = scalar::mul(&f, &add_words(z, e).0);
            total.add(&f);
        }
        if let Some(f) = high {
            let term = scalar::mul(&f, &sub_words(&z_plus_r, e).0);
            pair_num = add_words(&pair_num, &term).0;
            total.add(&f);
        }
        // z² − e² with e² = ±EVEN_ROOT_SQUARES[j / 2], in (0, 2r); non-zero
        // modulo r because z is not a root, so den stays non-zero.
        let square = &EVEN_ROOT_SQUARES[j / 2];
        let pair_den = if j.is_multiple_of(2) { sub_words(&z2_plus_r, square).0 } else { add_words(&z2, square).0 };
        num = add_words(&scalar::mul(&num, &pair_den), &scalar::mul(&pair_num, &den)).0;
        den = scalar::mul(&den, &pair_den);
    }
    let total = total.reduce();
    let n = [FIELD_ELEMENTS_PER_BLOB as u32, 0, 0, 0, 0, 0, 0, 0];
    let inv = scalar::inverse(&scalar::mul(&n, &den))
        .ok_or_else(|| FaultError::BlobBinding("a barycentric denominator is zero".into()))?;
    let sum = scalar::sub(&scalar::mul(z, &num), &scalar::mul(&total, &den));
    Ok(scalar::mul(&scalar::mul(&vanishing, &sum), &inv))
}

/// A blob's elements by index, `None` for a zero element, each non-zero one
/// checked canonical.
///
/// A word-aligned blob is read as whole words (eight loads to find a zero
/// element, word swaps to parse one), any other as bytes.
struct Elements<'a> {
    blob: &'a [u8],
    /// The blob as words, when it is word-aligned.
    words: Option<&'a [u32]>,
}

impl<'a> Elements<'a> {
    fn new(blob: &'a [u8]) -> Self {
        // SAFETY: every bit pattern is a valid u32.
        let (head, words, _) = unsafe { blob.align_to::<u32>() };
        Self { blob, words: head.is_empty().then_some(words) }
    }

    /// Whether elements `2j` and `2j + 1` are both zero (a scan of their
    /// sixteen words that stops at the first non-zero one).
    #[inline(always)]
    fn pair_is_zero(&self, j: usize) -> bool {
        match self.words {
            Some(words) => words[16 * j..16 * j + 16].iter().all(|w| *w == 0),
            None => self.blob[64 * j..64 * j + 64].iter().all(|b| *b == 0),
        }
    }

    #[inline(always)]
    fn get(&self, i: usize) -> FaultResult<Option<Scalar>> {
        match self.words {
            Some(words) => {
                let element = &words[8 * i..8 * i + 8];
                if element.iter().all(|w| *w == 0) {
                    return Ok(None);
                }
                field_element_from_words(element, i).map(Some)
            }
            None => {
                if self.blob[32 * i..32 * i + 32].iter().all(|b| *b == 0) {
                    return Ok(None);
                }
                field_element(self.blob, i).map(Some)
            }
        }
    }
}

/// `p(z)` for the polynomial taking `values[i]` at the `i`-th root (see
/// [`open`]); `values` are canonical scalars.
pub fn evaluate(values: &[Scalar], z: &Scalar) -> FaultResult<Scalar> {
    let mut blob = alloc::vec![0u8; BLOB_BYTES];
    for (chunk, v) in blob.chunks_exact_mut(32).zip(values) {
        chunk.copy_from_slice(&scalar::to_be_bytes(v));
    }
    evaluate_blob(&blob, z)
}

/// The opening the journal binds for `blob`, read under `versioned_hash`.
pub fn open(versioned_hash: B256, blob: &[u8]) -> FaultResult<BlobOpening> {
    check_length(blob)?;
    let z = challenge(&versioned_hash, blob);
    let y = evaluate_blob(blob, &z)?;
    Ok(BlobOpening { versioned_hash, z: B256::from(scalar::to_be_bytes(&z)), y: B256::from(scalar::to_be_bytes(&y)) })
}

/// The domain's even-indexed roots, by compile-time evaluation.
///
/// Const evaluation cannot call the accelerator, so this multiplies in
/// Montgomery form on 64-bit limbs (CIOS); the tests compare every entry with
/// powers of ω computed by [`scalar::mul`].
mod const_roots {
    use super::{Scalar, FIELD_ELEMENTS_PER_BLOB, R};

    type Limbs = [u64; 4];

    const fn limbs(x: &Scalar) -> Limbs {
        let mut out = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            out[i] = x[2 * i] as u64 | ((x[2 * i + 1] as u64) << 32);
            i += 1;
        }
        out
    }

    const fn words(x: &Limbs) -> Scalar {
        let mut out = [0u32; 8];
        let mut i = 0;
        while i < 4 {
            out[2 * i] = x[i] as u32;
            out[2 * i + 1] = (x[i] >> 32) as u32;
            i += 1;
        }
        out
    }

    const M: Limbs = limbs(&R);

    /// `−M⁻¹ mod 2^64` (Newton's iteration doubles the correct bits each step).
    const M_NEG_INV: u64 = {
        let mut inv = 1u64;
        let mut i = 0;
        while i < 6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(M[0].wrapping_mul(inv)));
            i += 1;
        }
        inv.wrapping_neg()
    };

    const fn geq(a: &Limbs, b: &Limbs) -> bool {
        let mut i = 4;
        while i > 0 {
            i -= 1;
            if a[i] != b[i] {
                return a[i] > b[i];
            }
        }
        true
    }

    const fn sub(a: &Limbs, b: &Limbs) -> Limbs {
        let mut out = [0u64; 4];
        let mut borrow = 0u64;
        let mut i = 0;
        while i < 4 {
            let (d1, b1) = a[i].overflowing_sub(b[i]);
            let (d2, b2) = d1.overflowing_sub(borrow);
            out[i] = d2;
            borrow = (b1 | b2) as u64;
            i += 1;
        }
        out
    }

    /// `2a mod M` for `a < M`.
    const fn double(a: &Limbs) -> Limbs {
        let mut out = [0u64; 4];
        let mut carry = 0u64;
        let mut i = 0;
        while i < 4 {
            out[i] = (a[i] << 1) | carry;
            carry = a[i] >> 63;
            i += 1;
        }
        if carry == 1 || geq(&out, &M) {
            sub(&out, &M)
        } else {
            out
        }
    }

    /// `a · b · 2^-256 mod M` for `a, b < M`.
    const fn mont_mul(a: &Limbs, b: &Limbs) -> Limbs {
        let mut t = [0u64; 6];
        let mut i = 0;
        while i < 4 {
            let mut carry = 0u128;
            let mut j = 0;
            while j < 4 {
                let s = t[j] as u128 + (a[j] as u128) * (b[i] as u128) + carry;
                t[j] = s as u64;
                carry = s >> 64;
                j += 1;
            }
            let s = t[4] as u128 + carry;
            t[4] = s as u64;
            t[5] = (s >> 64) as u64;
            let q = t[0].wrapping_mul(M_NEG_INV);
            let s = t[0] as u128 + (q as u128) * (M[0] as u128);
            let mut carry = s >> 64;
            let mut j = 1;
            while j < 4 {
                let s = t[j] as u128 + (q as u128) * (M[j] as u128) + carry;
                t[j - 1] = s as u64;
                carry = s >> 64;
                j += 1;
            }
            let s = t[4] as u128 + carry;
            t[3] = s as u64;
            t[4] = t[5] + (s >> 64) as u64;
            i += 1;
        }
        let out = [t[0], t[1], t[2], t[3]];
        if t[4] != 0 || geq(&out, &M) {
            sub(&out, &M)
        } else {
            out
        }
    }

    /// Entry `j` is `base^brp11(j)` (11-bit reversal), which for `base = ω` is
    /// the root of element `2j` in EIP-4844 order.
    pub const fn even_roots(base: &Scalar) -> [Scalar; FIELD_ELEMENTS_PER_BLOB / 2] {
        let natural = powers(base);
        let mut out = [[0u32; 8]; FIELD_ELEMENTS_PER_BLOB / 2];
        let mut j = 0;
        while j < FIELD_ELEMENTS_PER_BLOB / 2 {
            out[j] = natural[((j as u32).reverse_bits() >> 21) as usize];
            j += 1;
        }
        out
    }

    /// Entry `k` is `base^(2·brp10(k))` (10-bit reversal): for `base = ω`, the
    /// square of even root `2k`, whose exponent `brp11(2k)` is `brp10(k)`.
    pub const fn even_root_squares(base: &Scalar) -> [Scalar; FIELD_ELEMENTS_PER_BLOB / 4] {
        let natural = powers(base);
        let mut out = [[0u32; 8]; FIELD_ELEMENTS_PER_BLOB / 4];
        let mut k = 0;
        while k < FIELD_ELEMENTS_PER_BLOB / 4 {
            out[k] = natural[2 * ((k as u32).reverse_bits() >> 22) as usize];
            k += 1;
        }
        out
    }

    /// `base^k` for `k < 2048`.
    const fn powers(base: &Scalar) -> [Scalar; FIELD_ELEMENTS_PER_BLOB / 2] {
        // 2^256 mod M (2^256 < 3M), then doubled 256 times: 2^512 mod M.
        let mut one = sub(&[0; 4], &M);
        while geq(&one, &M) {
            one = sub(&one, &M);
        }
        let mut r2 = one;
        let mut i = 0;
        while i < 256 {
            r2 = double(&r2);
            i += 1;
        }
        let base = mont_mul(&limbs(base), &r2);
        let mut out = [[0u32; 8]; FIELD_ELEMENTS_PER_BLOB / 2];
        let mut acc = one;
        let mut k = 0;
        while k < FIELD_ELEMENTS_PER_BLOB / 2 {
            out[k] = words(&mont_mul(&acc, &[1, 0, 0, 0]));
            acc = mont_mul(&acc, &base);
            k += 1;
        }
        out
    }
}

/// The journal's blob binding: keccak256 over every opening, zero if none.
pub fn binding_hash(openings: &[BlobOpening]) -> B256 {
    if openings.is_empty() {
        return B256::ZERO;
    }
    let mut data = Vec::with_capacity(openings.len() * 96);
    for o in openings {
        data.extend_from_slice(o.versioned_hash.as_slice());
        data.extend_from_slice(o.z.as_slice());
        data.extend_from_slice(o.y.as_slice());
    }
    keccak256(data)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_primitives::U256;

    fn from_u64(x: u64) -> Scalar {
        [x as u32, (x >> 32) as u32, 0, 0, 0, 0, 0, 0]
    }

    #[test]
    fn the_root_table_is_the_bit_reversed_domain() {
        let r = refute_stf::field::to_u256(&R);
        let omega = scalar::pow(&from_u64(7), &refute_stf::field::from_u256((r - U256::from(1)) >> 12));
        assert_eq!(omega, OMEGA);
        let mut power = ONE;
        let mut natural = Vec::new();
        for _ in 0..FIELD_ELEMENTS_PER_BLOB {
            natural.push(power);
            power = scalar::mul(&power, &omega);
        }
        assert_eq!(power, ONE, "ω^4096 = 1");
        assert_eq!(natural[2048], scalar::neg(&ONE), "ω^2048 = −1: ω is a primitive 4096-th root");
        for (j, even) in EVEN_ROOTS.iter().enumerate() {
            assert_eq!(*even, natural[(2 * j as u32).reverse_bits() as usize >> 20], "even root {j}");
        }
        for i in 0..FIELD_ELEMENTS_PER_BLOB {
            assert_eq!(root(i), natural[(i as u32).reverse_bits() as usize >> 20], "root {i}");
        }
        for (k, square) in EVEN_ROOT_SQUARES.iter().enumerate() {
            assert_eq!(*square, scalar::mul(&root(4 * k), &root(4 * k)), "square of root {}", 4 * k);
            assert_eq!(scalar::neg(square), scalar::mul(&root(4 * k + 2), &root(4 * k + 2)), "root {}", 4 * k + 2);
        }
    }

    #[test]
    fn constant_polynomial_evaluates_to_the_constant() {
        let values = alloc::vec![from_u64(5); FIELD_ELEMENTS_PER_BLOB];
        assert_eq!(evaluate(&values, &from_u64(123_456_789)).unwrap(), from_u64(5));
    }

    #[test]
    fn a_domain_point_returns_its_value() {
        let values: Vec<Scalar> = (0..FIELD_ELEMENTS_PER_BLOB as u64).map(from_u64).collect();
        assert_eq!(root(0), ONE);
        assert_eq!(root(1), scalar::neg(&ONE)); // ω^2048 = −1
        assert_eq!(evaluate(&values, &root(17)).unwrap(), from_u64(17));
        assert_eq!(evaluate(&values, &root(4095)).unwrap(), from_u64(4095));
    }

    #[test]
    fn the_zero_polynomial_is_zero_everywhere() {
        let values = alloc::vec![ZERO; FIELD_ELEMENTS_PER_BLOB];
        assert_eq!(evaluate(&values, &from_u64(99)).unwrap(), ZERO);
        assert_eq!(evaluate(&values, &root(3)).unwrap(), ZERO);
    }

    #[test]
    fn refuses_non_canonical_elements() {
        let mut blob = alloc::vec![0u8; BLOB_BYTES];
        blob[32 * 9..32 * 10].fill(0xff);
        let err = field_elements(&blob).expect_err("an element above r");
        assert!(alloc::format!("{err}").contains("field element 9"));
        let err = open(B256::ZERO, &blob).expect_err("an element above r");
        assert!(alloc::format!("{err}").contains("field element 9"));
        let mut shifted = alloc::vec![0u8; BLOB_BYTES + 1];
        shifted[1..].copy_from_slice(&blob);
        let err = open(B256::ZERO, &shifted[1..]).expect_err("an element above r, unaligned");
        assert!(alloc::format!("{err}").contains("field element 9"));
        blob[32 * 9..32 * 10].copy_from_slice(&scalar::to_be_bytes(&R));
        let err = open(B256::ZERO, &blob).expect_err("r itself");
        assert!(alloc::format!("{err}").contains("field element 9"));
        let err = open(B256::ZERO, &blob[1..]).expect_err("a short blob");
        assert!(alloc::format!("{err}").contains("131072 bytes"));
    }

    #[test]
    fn aligned_and_unaligned_blobs_open_alike() {
        let mut backing = alloc::vec![0u8; BLOB_BYTES + 1];
        for i in (0..FIELD_ELEMENTS_PER_BLOB).step_by(5) {
            backing[32 * i + 7] = i as u8 ^ 0x5a;
            backing[32 * i + 31] = 1;
        }
        let aligned = backing[..BLOB_BYTES].to_vec();
        let mut shifted = alloc::vec![0u8; BLOB_BYTES + 1];
        shifted[1..].copy_from_slice(&aligned);
        let hash = B256::repeat_byte(7);
        let a = open(hash, &aligned).unwrap();
        let b = open(hash, &shifted[1..]).unwrap();
        assert_eq!(a, b);
        let dense: Vec<Scalar> = field_elements(&aligned).unwrap();
        let z = challenge(&hash, &aligned);
        assert_eq!(B256::from(scalar::to_be_bytes(&evaluate(&dense, &z).unwrap())), a.y);
    }

    #[test]
    fn element_sums_reduce_their_carries() {
        use alloy_primitives::U256;
        let r = refute_stf::field::to_u256(&R);
        assert_eq!(refute_stf::field::to_u256(&TWO_256_MOD_R), (U256::MAX % r + U256::from(1)) % r);
        // Every element r − 1: the sum carries past 2^256 many times.
        let top = scalar::sub(&ZERO, &ONE);
        let mut sum = ElementSum::ZERO;
        for _ in 0..FIELD_ELEMENTS_PER_BLOB {
            sum.add(&top);
        }
        assert!(sum.carries > 0);
        let expected = (r - U256::from(1)).mul_mod(U256::from(FIELD_ELEMENTS_PER_BLOB), r);
        assert_eq!(refute_stf::field::to_u256(&sum.reduce()), expected);
    }

    #[test]
    fn empty_binding_is_zero() {
        assert_eq!(binding_hash(&[]), B256::ZERO);
    }

    /// Differential check of the whole opening against c-kzg's evaluation
    /// (`compute_kzg_proof` returns `y = p(z)`), on dense, sparse and empty blobs.
    #[cfg(feature = "generate")]
    #[test]
    fn openings_agree_with_c_kzg() {
        let settings = c_kzg::ethereum_kzg_settings(0);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // Every element, every other one (even or odd: pairs with one zero), every
        // third or seventh, only the first.
        for (density, offset) in [(1usize, 0usize), (2, 0), (2, 1), (3, 1), (7, 0), (4096, 0)] {
            let mut blob = alloc::vec![0u8; BLOB_BYTES];
            for (i, chunk) in blob.chunks_exact_mut(32).enumerate() {
                if i % density == offset {
                    for byte in chunk[1..].iter_mut() {
                        *byte = next() as u8;
                    }
                    chunk[0] = (next() % 0x73) as u8;
                }
            }
            let hash = B256::from(keccak256(&blob).0);
            let opening = open(hash, &blob).unwrap();
            let kzg_blob = c_kzg::Blob::from_bytes(&blob).unwrap();
            let (_, y) = settings.compute_kzg_proof(&kzg_blob, &c_kzg::Bytes32::new(opening.z.0)).unwrap();
            assert_eq!(y.as_slice(), opening.y.as_slice(), "density 1/{density} from {offset}");
        }
    }
}

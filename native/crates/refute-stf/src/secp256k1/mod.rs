//! secp256k1 ECDSA public-key recovery on 256-bit words.
//!
//! Why our own: software secp256k1 (k256) costs millions of zkVM cycles per
//! signature, while RISC Zero's bigint2 programs multiply and invert modulo a
//! 256-bit modulus and add or double affine points in one accelerator call
//! each. The guest walks `u1·G + u2·R` over those point operations (`affine`);
//! the host, where they would cost an inversion each, walks the same GLV
//! split over Jacobian coordinates (`point`). The field arithmetic is shared,
//! and the host build is tested against k256.

// The guest's chain, and the host's tests of it (the host itself runs `point`).
#[cfg(any(test, target_os = "zkvm"))]
mod affine;
mod g_table;
mod glv;
mod point;

use alloy_primitives::{keccak256, Address, B256, U256};

use crate::field::{self, Fe};
use point::P;

/// The group order n.
const N: Fe = [0xd036_4141, 0xbfd2_5e8c, 0xaf48_a03b, 0xbaae_dce6, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
/// n / 2 (rounded down): EIP-2's bound on s.
const HALF_N: Fe =
    [0x681b_20a0, 0xdfe9_2f46, 0x57a4_501d, 0x5d57_6e73, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0x7fff_ffff];
/// n − 2, the inversion exponent modulo n.
#[cfg(test)]
const N_MINUS_2: Fe =
    [0xd036_413f, 0xbfd2_5e8c, 0xaf48_a03b, 0xbaae_dce6, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
/// p − 2, the inversion exponent modulo p ([`invert_p`]'s addition chain computes it).
#[cfg(test)]
const P_MINUS_2: Fe =
    [0xffff_fc2d, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
/// (p + 1) / 4: since p ≡ 3 (mod 4), a square root of a square a is a^((p+1)/4)
/// ([`sqrt_candidate`]'s addition chain computes it).
#[cfg(test)]
const SQRT_EXPONENT: Fe =
    [0xbfff_ff0c, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0x3fff_ffff];
/// The curve's b in y² = x³ + 7.
const B: Fe = [7, 0, 0, 0, 0, 0, 0, 0];

/// a⁻¹ mod p for a non-zero a < p: a^(p−2), whose bits are 223 ones, a zero,
/// 22 ones, then `0000101101`.
fn invert_p(a: &Fe) -> Fe {
    let ones = OnesPowers::of(a);
    let t = times(&squarings(&ones.x223, 23), &ones.x22);
    let t = times(&squarings(&t, 5), a);
    let t = times(&squarings(&t, 3), &ones.x2);
    times(&squarings(&t, 2), a)
}

/// a^((p+1)/4), whose bits are 223 ones, a zero, 22 ones, then `00001100`.
fn sqrt_candidate(a: &Fe) -> Fe {
    let ones = OnesPowers::of(a);
    let t = times(&squarings(&ones.x223, 23), &ones.x22);
    let t = times(&squarings(&t, 6), &ones.x2);
    squarings(&t, 2)
}

/// `a^(2^k − 1)` (k ones in the exponent) for the runs of ones that p − 2 and
/// (p + 1)/4 are made of, by libsecp256k1's addition chain: 222 squarings and
/// 11 multiplications, where a 4-bit window over either exponent costs about
/// 250 squarings and 78 multiplications.
struct OnesPowers {
    x2: Fe,
    x22: Fe,
    x223: Fe,
}

impl OnesPowers {
    fn of(a: &Fe) -> Self {
        let x2 = times(&field::square(a, &P), a);
        let x3 = times(&field::square(&x2, &P), a);
        let x6 = times(&squarings(&x3, 3), &x3);
        let x9 = times(&squarings(&x6, 3), &x3);
        let x11 = times(&squarings(&x9, 2), &x2);
        let x22 = times(&squarings(&x11, 11), &x11);
        let x44 = times(&squarings(&x22, 22), &x22);
        let x88 = times(&squarings(&x44, 44), &x44);
        let x176 = times(&squarings(&x88, 88), &x88);
        let x220 = times(&squarings(&x176, 44), &x44);
        let x223 = times(&squarings(&x220, 3), &x3);
        OnesPowers { x2, x22, x223 }
    }
}

/// `a^(2^k) mod p`.
fn squarings(a: &Fe, k: usize) -> Fe {
    (0..k).fold(*a, |acc, _| field::square(&acc, &P))
}

/// `a·b mod p`.
fn times(a: &Fe, b: &Fe) -> Fe {
    field::mul(a, b, &P)
}

/// a⁻¹ mod n for a non-zero a < n (the accelerator's inversion in the guest,
/// Fermat on the host).
fn invert_n(a: &Fe) -> Fe {
    field::invert_prime(a, &N)
}

/// `u1·G + u2·R` in affine coordinates, `None` at infinity: in the guest the
/// affine chain over the accelerator's point operations ([`affine`]), on the
/// host (and for a scalar the GLV split cannot bound) the Jacobian chain.
fn lincomb(u1: &Fe, u2: &Fe, r: (Fe, Fe)) -> Option<(Fe, Fe)> {
    #[cfg(target_os = "zkvm")]
    if let (Some(a), Some(b)) = (glv::split(u1), glv::split(u2)) {
        use affine::PointOps;
        return affine::Accelerated::coordinates(&affine::lincomb_split::<affine::Accelerated>(a, b, r));
    }
    point::lincomb(u1, u2, r).to_affine()
}

/// The curve point with x-coordinate `x` (< p) and y of the given parity, or
/// `None` if x³ + 7 is not a square.
fn decompress(x: &Fe, y_odd: bool) -> Option<(Fe, Fe)> {
    let y2 = field::add(&field::mul(&field::square(x, &P), x, &P), &B, &P);
    let y = sqrt_candidate(&y2);
    if field::square(&y, &P) != y2 {
        return None;
    }
    // y ≠ 0: the group has prime order, so no point has y = 0.
    let y = if (y[0] & 1 == 1) == y_odd { y } else { field::neg(&y, &P) };
    Some((*x, y))
}

/// Recovers the address that signed `prehash` with (r, s, y parity).
///
/// The rules are k256's (through alloy): r and s in [1, n), s ≤ n/2 (EIP-2),
/// r is the x-coordinate of a curve point R (recovery ids 0 and 1 only, so no
/// x = r + n), and the key r⁻¹·(s·R − z·G) is not the point at infinity.
pub fn recover_address(prehash: B256, r: U256, s: U256, y_odd: bool) -> Result<Address, &'static str> {
    let (r, s) = (field::from_u256(r), field::from_u256(s));
    if field::lt(&HALF_N, &s) {
        return Err("s is above secp256k1n/2 (EIP-2)");
    }
    if !field::lt(&r, &N) {
        return Err("r is not below the group order");
    }
    if !field::lt(&s, &N) {
        return Err("s is not below the group order");
    }
    if field::is_zero(&r) || field::is_zero(&s) {
        return Err("r or s is zero");
    }
    // r < n < p, so r is a field element.
    let big_r = decompress(&r, y_odd).ok_or("r is not the x coordinate of a curve point")?;
    // z = prehash mod n; prehash < 2^256 < 2n, so one subtraction reduces it.
    let mut z = field::from_u256(U256::from_be_bytes(prehash.0));
    if !field::lt(&z, &N) {
        z = field::sub(&z, &N, &N);
    }
    let r_inv = invert_n(&r);
    let u1 = field::neg(&field::mul(&r_inv, &z, &N), &N);
    let u2 = field::mul(&r_inv, &s, &N);
    let (x, y) = lincomb(&u1, &u2, big_r).ok_or("the recovered key is the point at infinity")?;
    let mut key = [0u8; 64];
    key[..32].copy_from_slice(&field::to_be_bytes(&x));
    key[32..].copy_from_slice(&field::to_be_bytes(&y));
    Ok(Address::from_slice(&keccak256(key)[12..]))
}

/// The address the `ecrecover` precompile (0x01) returns for (r, s, y parity):
/// as [`recover_address`], except that a high s (above n/2, below n) is
/// accepted, as revm's k256 backend does — it replaces s by n − s and flips the
/// parity, which recovers the same key.
pub fn recover_address_precompile(prehash: B256, r: U256, s: U256, y_odd: bool) -> Result<Address, &'static str> {
    let s_words = field::from_u256(s);
    if field::lt(&HALF_N, &s_words) && field::lt(&s_words, &N) {
        return recover_address(prehash, r, field::to_u256(&field::neg(&s_words, &N)), !y_odd);
    }
    recover_address(prehash, r, s, y_odd)
}

#[cfg(test)]
mod tests;

//! EigenDA KZG commitments over BN254 (host only; feature `bn254`).
//!
//! EigenDA commits to a blob as the polynomial whose coefficients are the
//! blob's 32-byte big-endian symbols: `C = sum_i s_i * [tau^i]G1`, with the
//! powers of tau taken from the SRS file `g1.point` (gnark-compressed points).
//! Checking a blob against its commitment is recomputing `C` with one
//! multi-scalar multiplication and comparing.

extern crate std;

use alloc::{format, vec::Vec};

pub use ark_bn254::G1Affine;
use ark_bn254::{Fq, Fr, G1Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, Field, PrimeField};

use crate::error::{blob_err, DaError, DaResult};

/// Bytes of a gnark-compressed G1 point.
pub const G1_COMPRESSED: usize = 32;
const FLAG_MASK: u8 = 0b1100_0000;
const FLAG_SMALLEST: u8 = 0b1000_0000;
const FLAG_LARGEST: u8 = 0b1100_0000;
const FLAG_INFINITY: u8 = 0b0100_0000;

fn srs_err(offset: usize, msg: impl Into<alloc::string::String>) -> DaError {
    blob_err(offset, format!("SRS: {}", msg.into()))
}

/// Decompresses one gnark-compressed G1 point (`at` is for error messages).
pub fn decompress_g1(bytes: &[u8; 32], at: usize) -> DaResult<G1Affine> {
    let flag = bytes[0] & FLAG_MASK;
    let mut x_bytes = *bytes;
    x_bytes[0] &= !FLAG_MASK;
    if flag == FLAG_INFINITY {
        if x_bytes.iter().any(|&b| b != 0) {
            return Err(srs_err(at, "infinity point with non-zero coordinates"));
        }
        return Ok(G1Affine::identity());
    }
    if flag != FLAG_SMALLEST && flag != FLAG_LARGEST {
        return Err(srs_err(at, format!("unknown compression flag 0x{flag:02x}")));
    }
    let x_int = <Fq as PrimeField>::BigInt::try_from(num_from_be(&x_bytes)).map_err(|_| srs_err(at, "bad x"))?;
    let x = Fq::from_bigint(x_int).ok_or_else(|| srs_err(at, "x coordinate is not below the field modulus"))?;
    let rhs = x * x * x + Fq::from(3u64);
    let y = rhs.sqrt().ok_or_else(|| srs_err(at, "x is not the x coordinate of a curve point"))?;
    let neg = -y;
    let (small, large) = if y.into_bigint() < neg.into_bigint() { (y, neg) } else { (neg, y) };
    let y = if flag == FLAG_LARGEST { large } else { small };
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(srs_err(at, "point is not on the curve"));
    }
    Ok(p)
}

fn num_from_be(bytes: &[u8; 32]) -> num_bigint_shim::BigUintBytes {
    num_bigint_shim::BigUintBytes(*bytes)
}

mod num_bigint_shim {
    /// 32 big-endian bytes, convertible into arkworks' `BigInt<4>`.
    #[derive(Debug)]
    pub struct BigUintBytes(pub [u8; 32]);
    impl TryFrom<BigUintBytes> for ark_ff::BigInt<4> {
        type Error = ();
        fn try_from(v: BigUintBytes) -> Result<Self, ()> {
            let mut limbs = [0u64; 4];
            for (i, chunk) in v.0.rchunks(8).enumerate() {
                limbs[i] = u64::from_be_bytes(chunk.try_into().map_err(|_| ())?);
            }
            Ok(ark_ff::BigInt::new(limbs))
        }
    }
}

/// Reads the first `n` points of a `g1.point` file.
pub fn load_g1(srs: &[u8], n: usize) -> DaResult<Vec<G1Affine>> {
    if !srs.len().is_multiple_of(G1_COMPRESSED) {
        return Err(srs_err(srs.len(), format!("file is {} bytes, not a multiple of {G1_COMPRESSED}", srs.len())));
    }
    let have = srs.len() / G1_COMPRESSED;
    if n > have {
        return Err(srs_err(srs.len(), format!("{n} points needed but the file holds {have}")));
    }
    (0..n)
        .map(|i| {
            let chunk: &[u8; 32] = srs[i * 32..i * 32 + 32].try_into().expect("32-byte chunk");
            decompress_g1(chunk, i * 32)
        })
        .collect()
}

/// Interprets a blob as BN254 scalars (each symbol must be below the modulus).
pub fn blob_scalars(blob: &[u8]) -> DaResult<Vec<Fr>> {
    if !blob.len().is_multiple_of(32) {
        return Err(blob_err(blob.len(), "EigenDA blob length is not a multiple of 32"));
    }
    blob.chunks_exact(32)
        .enumerate()
        .map(|(i, c)| {
            let bi = <Fr as PrimeField>::BigInt::try_from(num_bigint_shim::BigUintBytes(c.try_into().expect("32")))
                .map_err(|_| blob_err(i * 32, "bad symbol"))?;
            Fr::from_bigint(bi)
                .ok_or_else(|| blob_err(i * 32, format!("symbol {i} is not below the BN254 scalar modulus")))
        })
        .collect()
}

/// `sum_i s_i * g1[i]` over the blob's symbols.
pub fn commit(blob: &[u8], g1: &[G1Affine]) -> DaResult<G1Affine> {
    let scalars = blob_scalars(blob)?;
    if scalars.len() > g1.len() {
        return Err(blob_err(0, format!("blob has {} symbols but the SRS has {} points", scalars.len(), g1.len())));
    }
    let p: G1Projective =
        G1Projective::msm(&g1[..scalars.len()], &scalars).map_err(|_| blob_err(0, "MSM length mismatch"))?;
    Ok(p.into_affine())
}

/// Uncompressed `x || y` (big-endian, 64 bytes; all zero for infinity).
pub fn g1_to_bytes(p: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some((x, y)) = p.xy() {
        out[..32].copy_from_slice(&x.into_bigint().to_bytes_be());
        out[32..].copy_from_slice(&y.into_bigint().to_bytes_be());
    }
    out
}

/// gnark-compressed form (32 bytes).
pub fn g1_compress(p: &G1Affine) -> [u8; 32] {
    let mut out = [0u8; 32];
    match p.xy() {
        None => out[0] = FLAG_INFINITY,
        Some((x, y)) => {
            out.copy_from_slice(&x.into_bigint().to_bytes_be());
            let neg = -y;
            out[0] |= if y.into_bigint() > neg.into_bigint() { FLAG_LARGEST } else { FLAG_SMALLEST };
        }
    }
    out
}

/// Parses a commitment given uncompressed (64 bytes) or gnark-compressed (32 bytes).
pub fn parse_commitment(bytes: &[u8]) -> DaResult<G1Affine> {
    match bytes.len() {
        32 => decompress_g1(bytes.try_into().expect("32"), 0),
        64 => {
            if bytes.iter().all(|&b| b == 0) {
                return Ok(G1Affine::identity());
            }
            let conv = |b: &[u8]| -> DaResult<Fq> {
                let bi = <Fq as PrimeField>::BigInt::try_from(num_bigint_shim::BigUintBytes(b.try_into().expect("32")))
                    .map_err(|_| blob_err(0, "bad coordinate"))?;
                Fq::from_bigint(bi).ok_or_else(|| blob_err(0, "commitment coordinate is not below the field modulus"))
            };
            let p = G1Affine::new_unchecked(conv(&bytes[..32])?, conv(&bytes[32..])?);
            if !p.is_on_curve() {
                return Err(blob_err(0, "commitment is not a point on BN254 G1"));
            }
            Ok(p)
        }
        n => Err(blob_err(0, format!("commitment is {n} bytes; expected 64 (x||y) or 32 (compressed)"))),
    }
}

/// Decimal coordinates (for conformance checks against gnark's text dumps).
pub fn g1_decimal(p: &G1Affine) -> (alloc::string::String, alloc::string::String) {
    match p.xy() {
        None => ("0".into(), "0".into()),
        Some((x, y)) => (format!("{}", x.into_bigint()), format!("{}", y.into_bigint())),
    }
}

#[allow(unused_imports)]
use Field as _;

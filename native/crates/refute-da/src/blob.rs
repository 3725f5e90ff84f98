//! The OP Stack blob encoding, version 0 (op-service `eth.Blob`).
//!
//! A 131072-byte EIP-4844 blob is 4096 field elements of 32 bytes. Each group of
//! 4 field elements ("round") carries 127 bytes: 31 bytes in the low bytes of
//! each element plus three bytes split into 6-bit pieces over the elements'
//! first bytes, whose two top bits stay zero so every element is below the
//! BLS12-381 modulus. The first element also holds the version byte and a
//! 3-byte big-endian length. Decoding is strict: the encoding is a bijection, so
//! every bit not used by the payload must be zero.

use alloc::{format, vec, vec::Vec};

use crate::error::{blob_err, DaResult};

/// Bytes in an EIP-4844 blob.
pub const BLOB_SIZE: usize = 131_072;
/// Field elements per blob.
pub const FIELD_ELEMENTS: usize = 4096;
/// The only encoding version defined.
pub const ENCODING_VERSION: u8 = 0;
/// Largest payload a blob can carry: (4*31+3)*1024 - 4.
pub const MAX_BLOB_DATA_SIZE: usize = (4 * 31 + 3) * 1024 - 4;

/// Encodes `data` (at most [`MAX_BLOB_DATA_SIZE`] bytes) into a blob.
pub fn encode(data: &[u8]) -> DaResult<Vec<u8>> {
    if data.len() > MAX_BLOB_DATA_SIZE {
        return Err(blob_err(
            MAX_BLOB_DATA_SIZE,
            format!("payload is {} bytes; an OP v0 blob carries at most {MAX_BLOB_DATA_SIZE}", data.len()),
        ));
    }
    let mut blob = vec![0u8; BLOB_SIZE];
    if data.is_empty() {
        return Ok(blob);
    }
    // The 127-byte rounds, laid out as a stream: the first 4 bytes are the
    // version and length header, then the payload.
    let mut stream = Vec::with_capacity(data.len() + 4);
    stream.push(ENCODING_VERSION);
    let len = data.len() as u32;
    stream.extend_from_slice(&[(len >> 16) as u8, (len >> 8) as u8, len as u8]);
    stream.extend_from_slice(data);
    let rounds = stream.len().div_ceil(127);
    stream.resize(rounds * 127, 0);
    for (round, chunk) in stream.chunks_exact(127).enumerate() {
        let out = &mut blob[round * 128..round * 128 + 128];
        // chunk = 31 | x | 31 | y | 31 | z | 31
        let (x, y, z) = (chunk[31], chunk[63], chunk[95]);
        out[0] = x & 0b0011_1111;
        out[1..32].copy_from_slice(&chunk[0..31]);
        out[32] = (y & 0b0000_1111) | ((x & 0b1100_0000) >> 2);
        out[33..64].copy_from_slice(&chunk[32..63]);
        out[64] = z & 0b0011_1111;
        out[65..96].copy_from_slice(&chunk[64..95]);
        out[96] = ((z & 0b1100_0000) >> 2) | ((y & 0b1111_0000) >> 4);
        out[97..128].copy_from_slice(&chunk[96..127]);
    }
    Ok(blob)
}

/// Decodes an OP v0 blob into its payload, rejecting any non-canonical blob.
pub fn decode(blob: &[u8]) -> DaResult<Vec<u8>> {
    if blob.len() != BLOB_SIZE {
        return Err(blob_err(0, format!("blob is {} bytes; expected {BLOB_SIZE}", blob.len())));
    }
    for fe in 0..FIELD_ELEMENTS {
        if blob[fe * 32] & 0b1100_0000 != 0 {
            return Err(blob_err(
                fe * 32,
                format!(
                    "field element {fe}: top two bits of its first byte must be zero (byte 0x{:02x})",
                    blob[fe * 32]
                ),
            ));
        }
    }
    if blob[1] != ENCODING_VERSION {
        return Err(blob_err(1, format!("unknown OP blob encoding version {} (only 0 is defined)", blob[1])));
    }
    let len = (usize::from(blob[2]) << 16) | (usize::from(blob[3]) << 8) | usize::from(blob[4]);
    if len > MAX_BLOB_DATA_SIZE {
        return Err(blob_err(2, format!("declared length {len} exceeds the maximum {MAX_BLOB_DATA_SIZE}")));
    }
    let rounds = (len + 4).div_ceil(127).max(1);
    let mut stream = Vec::with_capacity(rounds * 127);
    for round in 0..rounds {
        let r = &blob[round * 128..round * 128 + 128];
        let x = (r[0] & 0b0011_1111) | ((r[32] & 0b0011_0000) << 2);
        let y = (r[32] & 0b0000_1111) | ((r[96] & 0b0000_1111) << 4);
        let z = (r[64] & 0b0011_1111) | ((r[96] & 0b0011_0000) << 2);
        stream.extend_from_slice(&r[1..32]);
        stream.push(x);
        stream.extend_from_slice(&r[33..64]);
        stream.push(y);
        stream.extend_from_slice(&r[65..96]);
        stream.push(z);
        stream.extend_from_slice(&r[97..128]);
    }
    // Bytes of the decoded rounds past the payload must be zero; report the blob offset.
    if let Some(pos) = stream[4 + len..].iter().position(|&b| b != 0) {
        let spos = 4 + len + pos;
        return Err(blob_err(stream_to_blob_offset(spos), format!("non-zero byte after the declared length {len}")));
    }
    if let Some(pos) = first_non_zero(&blob[rounds * 128..]) {
        return Err(blob_err(rounds * 128 + pos, format!("non-zero byte after the declared length {len}")));
    }
    stream.truncate(4 + len);
    stream.drain(..4);
    Ok(stream)
}

/// The index of the first non-zero byte of `bytes`, testing aligned words
/// four bytes at a time.
///
/// Why: a blob's unused tail is usually most of its 128 KiB, and in the zkVM a
/// byte-by-byte test of it costs about half a million cycles per blob.
fn first_non_zero(bytes: &[u8]) -> Option<usize> {
    // SAFETY: every bit pattern is a valid `u32`; `align_to` only views the
    // aligned middle of the slice as words.
    let (head, words, _) = unsafe { bytes.align_to::<u32>() };
    let zero_words = if head.iter().all(|&b| b == 0) { words.iter().take_while(|&&w| w == 0).count() } else { 0 };
    let from = if zero_words == 0 { 0 } else { head.len() + 4 * zero_words };
    bytes[from..].iter().position(|&b| b != 0).map(|pos| from + pos)
}

/// Where byte `spos` of the 127-byte-round stream lives in the blob (for the
/// three bytes split over first bytes, the element holding their low bits).
fn stream_to_blob_offset(spos: usize) -> usize {
    let (round, i) = (spos / 127, spos % 127);
    let base = round * 128;
    match i {
        0..=30 => base + 1 + i,
        31 => base,
        32..=62 => base + 33 + (i - 32),
        63 => base + 32,
        64..=94 => base + 65 + (i - 64),
        95 => base + 64,
        _ => base + 97 + (i - 96),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_word_test_finds_the_byte_test_s_index(
            len in 0usize..200,
            offset in 0usize..8,
            nonzero in proptest::collection::vec((0usize..200, 1u8..), 0..3),
        ) {
            let mut buf = alloc::vec![0u8; offset + len];
            for (at, value) in nonzero {
                if at < len {
                    buf[offset + at] = value;
                }
            }
            let bytes = &buf[offset..];
            prop_assert_eq!(first_non_zero(bytes), bytes.iter().position(|&b| b != 0));
        }
    }
}

//! EigenDA payload <-> blob encoding (payload encoding version 0).
//!
//! An EigenDA blob is a sequence of 32-byte BN254 field elements ("symbols").
//! The encoded payload is a 32-byte header (`0x00`, version, payload length as
//! big-endian u32, 26 zero bytes) followed by the payload cut into 31-byte
//! chunks, each behind a `0x00` byte so every symbol is below the BN254 modulus.
//! The blob is that, zero-padded to a power-of-two number of symbols (the
//! polynomial in coefficient form that the KZG commitment is taken over).
//! Decoding is strict: every padding byte must be zero.

use alloc::{format, vec, vec::Vec};

use crate::error::{blob_err, DaResult};

/// Bytes per symbol (field element).
pub const SYMBOL_SIZE: usize = 32;
/// The only payload encoding version defined.
pub const PAYLOAD_ENCODING_VERSION: u8 = 0;
/// Largest blob refute handles: 16 MiB, EigenDA's maximum blob size.
pub const MAX_BLOB_SIZE: usize = 16 * 1024 * 1024;
/// Largest payload that fits in [`MAX_BLOB_SIZE`].
pub const MAX_PAYLOAD_SIZE: usize = (MAX_BLOB_SIZE / SYMBOL_SIZE - 1) * 31;

/// Symbols needed for a payload of `len` bytes (header included, before padding).
pub fn encoded_symbols(len: usize) -> usize {
    1 + len.div_ceil(31)
}

/// Encodes a payload into a power-of-two-sized EigenDA blob.
pub fn encode(payload: &[u8]) -> DaResult<Vec<u8>> {
    if payload.len() > MAX_PAYLOAD_SIZE {
        return Err(blob_err(
            0,
            format!(
                "payload is {} bytes; at most {MAX_PAYLOAD_SIZE} fit in a {MAX_BLOB_SIZE}-byte EigenDA blob",
                payload.len()
            ),
        ));
    }
    let symbols = encoded_symbols(payload.len()).next_power_of_two();
    let mut blob = vec![0u8; symbols * SYMBOL_SIZE];
    blob[1] = PAYLOAD_ENCODING_VERSION;
    blob[2..6].copy_from_slice(&(payload.len() as u32).to_be_bytes());
    for (i, chunk) in payload.chunks(31).enumerate() {
        let at = (i + 1) * SYMBOL_SIZE + 1;
        blob[at..at + chunk.len()].copy_from_slice(chunk);
    }
    Ok(blob)
}

/// Decodes an EigenDA blob back into its payload.
pub fn decode(blob: &[u8]) -> DaResult<Vec<u8>> {
    if blob.is_empty() || !blob.len().is_multiple_of(SYMBOL_SIZE) {
        return Err(blob_err(
            0,
            format!("EigenDA blob is {} bytes; must be a non-zero multiple of {SYMBOL_SIZE}", blob.len()),
        ));
    }
    if blob.len() > MAX_BLOB_SIZE {
        return Err(blob_err(
            MAX_BLOB_SIZE,
            format!("EigenDA blob is {} bytes; the maximum is {MAX_BLOB_SIZE}", blob.len()),
        ));
    }
    let symbols = blob.len() / SYMBOL_SIZE;
    if !symbols.is_power_of_two() {
        return Err(blob_err(blob.len(), format!("EigenDA blob has {symbols} symbols; must be a power of two")));
    }
    if blob[0] != 0 {
        return Err(blob_err(0, format!("header: first byte must be 0x00, got 0x{:02x}", blob[0])));
    }
    if blob[1] != PAYLOAD_ENCODING_VERSION {
        return Err(blob_err(1, format!("header: unknown payload encoding version {}", blob[1])));
    }
    let len = u32::from_be_bytes([blob[2], blob[3], blob[4], blob[5]]) as usize;
    if let Some(pos) = blob[6..32].iter().position(|&b| b != 0) {
        return Err(blob_err(6 + pos, "header: reserved bytes 6..32 must be zero"));
    }
    let needed = encoded_symbols(len);
    if needed > symbols {
        return Err(blob_err(
            2,
            format!("header declares {len} payload bytes, which need {needed} symbols; the blob has {symbols}"),
        ));
    }
    let mut payload = Vec::with_capacity(len);
    for i in 1..needed {
        let sym = &blob[i * SYMBOL_SIZE..(i + 1) * SYMBOL_SIZE];
        if sym[0] != 0 {
            return Err(blob_err(
                i * SYMBOL_SIZE,
                format!("symbol {i}: padding byte must be 0x00, got 0x{:02x}", sym[0]),
            ));
        }
        let take = (len - payload.len()).min(31);
        payload.extend_from_slice(&sym[1..1 + take]);
        if let Some(pos) = sym[1 + take..].iter().position(|&b| b != 0) {
            return Err(blob_err(
                i * SYMBOL_SIZE + 1 + take + pos,
                format!("non-zero byte after the declared length {len}"),
            ));
        }
    }
    let end = needed * SYMBOL_SIZE;
    if let Some(pos) = blob[end..].iter().position(|&b| b != 0) {
        return Err(blob_err(end + pos, format!("non-zero byte in the padding after the declared length {len}")));
    }
    Ok(payload)
}

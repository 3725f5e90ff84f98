//! RLP decoding of a whole input: one value, nothing after it.

use alloc::{format, string::String};

use alloy_rlp::Decodable;

/// Decodes one `T` that must fill `bytes` exactly. The error names `what`:
/// `"{what}: {reason}"` for bad RLP, `"{n} trailing bytes after the {what}"`.
pub(crate) fn decode_exact<T: Decodable>(mut bytes: &[u8], what: &str) -> Result<T, String> {
    let value = T::decode(&mut bytes).map_err(|e| format!("{what}: {e}"))?;
    if !bytes.is_empty() {
        return Err(format!("{} trailing bytes after the {what}", bytes.len()));
    }
    Ok(value)
}

//! SHA-256 over a few byte slices: the zkVM's SHA accelerator in the guest,
//! the `sha2` crate on the host.
//!
//! Why: the blob binding's challenge hashes a whole blob (128 KiB, 2,049
//! compressions); in software that is millions of cycles, with the
//! accelerator a few thousand.

/// `sha256(parts[0] ‖ parts[1] ‖ …)`.
#[cfg(not(target_os = "zkvm"))]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// `sha256(parts[0] ‖ parts[1] ‖ …)`.
#[cfg(target_os = "zkvm")]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use risc0_zkvm_platform::syscall::{sys_sha_buffer, DIGEST_WORDS};
    // FIPS 180-4 initial state, as the accelerator holds it (words in memory byte order).
    const INIT: [u32; DIGEST_WORDS] = [
        0x6a09e667_u32.to_be(),
        0xbb67ae85_u32.to_be(),
        0x3c6ef372_u32.to_be(),
        0xa54ff53a_u32.to_be(),
        0x510e527f_u32.to_be(),
        0x9b05688c_u32.to_be(),
        0x1f83d9ab_u32.to_be(),
        0x5be0cd19_u32.to_be(),
    ];
    let len: usize = parts.iter().map(|p| p.len()).sum();
    // Message ‖ 0x80 ‖ zeros ‖ 64-bit big-endian bit length, in whole 64-byte blocks.
    let blocks = (len + 1 + 8).div_ceil(64);
    let mut words = alloc::vec![0u32; blocks * 16];
    {
        // SAFETY: `words` owns blocks * 64 initialised bytes; u8 has no alignment needs.
        let bytes = unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), blocks * 64) };
        let mut at = 0;
        for part in parts {
            bytes[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        bytes[at] = 0x80;
        let bits = (len as u64) * 8;
        bytes[blocks * 64 - 8..].copy_from_slice(&bits.to_be_bytes());
    }
    let mut state = [0u32; DIGEST_WORDS];
    // SAFETY: `state` and `INIT` are word arrays of the digest size, `words` holds
    // `blocks` whole word-aligned 64-byte blocks.
    unsafe { sys_sha_buffer(&mut state, &INIT, words.as_ptr().cast::<u8>(), blocks as u32) };
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let empty = sha256(&[]);
        assert_eq!(empty[..4], [0xe3, 0xb0, 0xc4, 0x42]);
        assert_eq!(sha256(&[b"ab", b"c"]), sha256(&[b"abc"]));
    }
}

//! SHA-256 over a few byte slices: the zkVM's SHA accelerator in the guest,
//! the `sha2` crate on the host.
//!
//! Why: the fault program's blob binding hashes whole blobs (128 KiB, 2,049
//! compressions), and the EVM's SHA-256 precompile hashes call data; in
//! software that is about 70 times the cycles of the accelerator.

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
///
/// The accelerator reads whole, word-aligned blocks. A part that starts a
/// block and is word-aligned in memory (a blob, hashed alone) is hashed in
/// place; the rest streams through one fixed, word-aligned buffer of
/// [`BUFFER_BLOCKS`] blocks, so nothing is allocated.
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
    const BLOCK: usize = 64;
    const CAPACITY: usize = BUFFER_BLOCKS * BLOCK;

    struct Stream {
        state: [u32; DIGEST_WORDS],
        words: [u32; CAPACITY / 4],
        filled: usize,
    }

    impl Stream {
        fn bytes(&mut self) -> &mut [u8] {
            // SAFETY: `words` owns CAPACITY initialised bytes; u8 has no alignment needs.
            unsafe { core::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), CAPACITY) }
        }

        /// Compresses the buffer's first `blocks` whole blocks.
        fn compress(&mut self, blocks: usize) {
            let previous = self.state;
            // SAFETY: both states are digest-sized word arrays; `words` holds at
            // least `blocks` whole word-aligned 64-byte blocks.
            unsafe { sys_sha_buffer(&mut self.state, &previous, self.words.as_ptr().cast::<u8>(), blocks as u32) };
        }

        fn absorb(&mut self, mut data: &[u8]) {
            // Whole blocks of a word-aligned part that starts a block are hashed
            // where they lie: no copy through the buffer.
            let blocks = data.len() / BLOCK;
            if self.filled == 0 && blocks > 0 && data.as_ptr().align_offset(4) == 0 {
                let previous = self.state;
                // SAFETY: both states are digest-sized word arrays; `data` is
                // word-aligned and holds `blocks` whole 64-byte blocks.
                unsafe { sys_sha_buffer(&mut self.state, &previous, data.as_ptr(), blocks as u32) };
                data = &data[blocks * BLOCK..];
            }
            while !data.is_empty() {
                let take = data.len().min(CAPACITY - self.filled);
                let at = self.filled;
                self.bytes()[at..at + take].copy_from_slice(&data[..take]);
                self.filled += take;
                data = &data[take..];
                if self.filled == CAPACITY {
                    self.compress(BUFFER_BLOCKS);
                    self.filled = 0;
                }
            }
        }
    }

    let mut stream = Stream { state: INIT, words: [0; CAPACITY / 4], filled: 0 };
    let len: usize = parts.iter().map(|p| p.len()).sum();
    for part in parts {
        stream.absorb(part);
    }
    // Message ‖ 0x80 ‖ zeros ‖ 64-bit big-endian bit length, in whole blocks.
    let mut tail = [0u8; 2 * BLOCK];
    let rest = stream.filled % BLOCK;
    let tail_len = if rest + 1 + 8 <= BLOCK { BLOCK - rest } else { 2 * BLOCK - rest };
    tail[0] = 0x80;
    tail[tail_len - 8..tail_len].copy_from_slice(&((len as u64) * 8).to_be_bytes());
    stream.absorb(&tail[..tail_len]);
    if stream.filled > 0 {
        stream.compress(stream.filled / BLOCK);
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(stream.state) {
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    out
}

/// Blocks hashed per accelerator call (4 KiB of buffer).
#[cfg(target_os = "zkvm")]
const BUFFER_BLOCKS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let empty = sha256(&[]);
        assert_eq!(empty[..4], [0xe3, 0xb0, 0xc4, 0x42]);
        assert_eq!(sha256(&[b"ab", b"c"]), sha256(&[b"abc"]));
        // Lengths around the block and padding boundaries.
        let data: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        for len in [55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let (a, b) = data[..len].split_at(len / 3);
            assert_eq!(sha256(&[a, b]), sha256(&[&data[..len]]), "length {len}");
        }
    }
}

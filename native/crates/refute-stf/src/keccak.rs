//! Keccak-256 over a caller-supplied Keccak-f[1600] permutation.
//!
//! Why: in the zkVM the permutation is an accelerator (`risc0_keccak_update`,
//! proven by RISC Zero's keccak circuit), while alloy-primitives' software
//! Keccak costs tens of thousands of cycles per permutation. The guests build
//! alloy-primitives with its `native-keccak` feature and define
//! `native_keccak256` with [`keccak256_with`] over the accelerator, so every
//! `alloy_primitives::keccak256` in the program — trie hashing, the EVM's
//! KECCAK256, sender recovery, header hashes — takes the accelerated path. The
//! sponge (padding, absorption, squeezing) is this one function on host and
//! guest; the host tests check it against alloy-primitives with a software
//! permutation.

/// Keccak-f[1600] state: 25 lanes, lane `x + 5y` at index `x + 5y`.
pub type KeccakState = [u64; 25];

/// Bytes absorbed per permutation for Keccak-256 (1600 − 2·256 bits).
const RATE: usize = 136;
/// Lanes absorbed per permutation.
const RATE_LANES: usize = RATE / 8;

/// Keccak-256 (the original padding `0x01 … 0x80`, as Ethereum uses it) of
/// `data`, calling `permute` once per 136-byte block (and once for the padded
/// last block).
pub fn keccak256_with(data: &[u8], mut permute: impl FnMut(&mut KeccakState)) -> [u8; 32] {
    let mut state: KeccakState = [0; 25];
    let mut blocks = data.chunks_exact(RATE);
    for block in &mut blocks {
        absorb(&mut state, block);
        permute(&mut state);
    }
    // The last block, padded in the state itself: its whole lanes, then the
    // lane holding the remaining bytes and the first padding byte (0x01), then
    // the last padding byte (0x80) at the end of the rate.
    let rest = blocks.remainder();
    let whole = rest.len() / 8 * 8;
    absorb(&mut state, &rest[..whole]);
    let tail = &rest[whole..];
    let mut lane = [0u8; 8];
    lane[..tail.len()].copy_from_slice(tail);
    lane[tail.len()] = 0x01;
    state[whole / 8] ^= u64::from_le_bytes(lane);
    state[RATE_LANES - 1] ^= 0x80 << 56;
    permute(&mut state);
    let mut out = [0u8; 32];
    for (bytes, lane) in out.chunks_exact_mut(8).zip(state) {
        bytes.copy_from_slice(&lane.to_le_bytes());
    }
    out
}

/// XORs `bytes` (whole lanes: a multiple of 8 bytes, at most `RATE`) into the
/// state's first lanes, little-endian.
///
/// Word-aligned bytes are read a 32-bit word at a time: in the zkVM (RV32, no
/// unaligned loads) this is a fraction of the byte-by-byte path, and most
/// hashed data (heap buffers) is word-aligned.
fn absorb(state: &mut KeccakState, bytes: &[u8]) {
    match bytemuck::try_cast_slice::<u8, u32>(bytes) {
        Ok(words) => {
            for (lane, pair) in state.iter_mut().zip(words.chunks_exact(2)) {
                *lane ^= u64::from(u32::from_le(pair[0])) | (u64::from(u32::from_le(pair[1])) << 32);
            }
        }
        Err(_) => {
            for (lane, chunk) in state.iter_mut().zip(bytes.chunks_exact(8)) {
                *lane ^= u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;
    use proptest::prelude::*;

    #[test]
    fn every_length_around_the_block_boundaries_matches_alloy() {
        let data: Vec<u8> = (0..700u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in (0..=2 * RATE + 2).chain([4 * RATE - 1, 4 * RATE, 4 * RATE + 1, 700]) {
            let mut permutations = 0;
            let hash = keccak256_with(&data[..len], |s| {
                permutations += 1;
                keccak::f1600(s)
            });
            assert_eq!(hash, keccak256(&data[..len]).0, "length {len}");
            assert_eq!(permutations, len / RATE + 1, "length {len}");
        }
    }

    #[test]
    fn aligned_and_unaligned_input_hash_alike() {
        let words: Vec<u32> = (0..200u32).map(|i| i.wrapping_mul(0x9e37_79b9)).collect();
        let bytes: &[u8] = bytemuck::cast_slice(&words);
        for offset in 0..8 {
            for len in [0, 1, RATE - 1, RATE, RATE + 1, 3 * RATE + 5] {
                let data = &bytes[offset..offset + len];
                assert_eq!(keccak256_with(data, keccak::f1600), keccak256(data).0, "offset {offset}, length {len}");
            }
        }
    }

    #[test]
    fn the_permutation_decides_the_hash() {
        assert_ne!(keccak256_with(b"abc", |_| {}), keccak256(b"abc").0);
    }

    proptest! {
        #[test]
        fn matches_alloy(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert_eq!(keccak256_with(&data, keccak::f1600), keccak256(&data).0);
        }
    }
}

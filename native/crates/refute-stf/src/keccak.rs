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
        for (lane, bytes) in state.iter_mut().zip(block.chunks_exact(8)) {
            *lane ^= u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        }
        permute(&mut state);
    }
    let mut last = [0u8; RATE];
    let rest = blocks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    for (lane, bytes) in state[..RATE_LANES].iter_mut().zip(last.chunks_exact(8)) {
        *lane ^= u64::from_le_bytes(bytes.try_into().unwrap_or_default());
    }
    permute(&mut state);
    let mut out = [0u8; 32];
    for (bytes, lane) in out.chunks_exact_mut(8).zip(state) {
        bytes.copy_from_slice(&lane.to_le_bytes());
    }
    out
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

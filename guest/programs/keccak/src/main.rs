//! The `keccak` guest: Keccak-256 of its input through the zkVM's keccak
//! accelerator, the smallest program whose receipt rests on keccak proofs.
//!
//! Why it exists: the fault program hashes through the accelerator, so its
//! receipt is conditional on proofs of RISC Zero's keccak circuit until those
//! are resolved; this guest exercises that path (single-machine and
//! segment-parallel) in seconds of execution instead of millions of cycles.
//!
//! Input: any bytes (the host writes them raw to stdin).
//! Journal (40 bytes): Keccak-256 of the input (32 bytes) || input length as u64 little-endian.
#![no_main]

use std::io::Read;

use risc0_zkvm::guest::env;

risc0_zkvm::guest::entry!(main);

fn main() {
    let mut input = Vec::new();
    env::stdin().read_to_end(&mut input).expect("reading guest input");
    let digest = refute_stf::keccak::keccak256_with(&input, env::risc0_keccak_update);
    env::commit_slice(&digest);
    env::commit_slice(&(input.len() as u64).to_le_bytes());
}

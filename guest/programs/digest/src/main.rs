//! The `digest` guest: the smallest useful program, used to check the whole
//! build → execute → prove → verify pipeline.
//!
//! Input: any bytes (the host writes them raw to stdin).
//! Journal (40 bytes): SHA-256 of the input (32 bytes) || input length as u64 little-endian.
#![no_main]

use std::io::Read;

use risc0_zkvm::guest::env;
use risc0_zkvm::sha::{Impl, Sha256};

risc0_zkvm::guest::entry!(main);

fn main() {
    let mut input = Vec::new();
    env::stdin().read_to_end(&mut input).expect("reading guest input");
    let digest = Impl::hash_bytes(&input);
    env::commit_slice(digest.as_bytes());
    env::commit_slice(&(input.len() as u64).to_le_bytes());
}

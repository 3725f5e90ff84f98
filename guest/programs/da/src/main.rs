//! The `da` guest: runs refute's data-availability pipeline inside the zkVM.
//!
//! Input (stdin, raw): a `refute_da::wire` request (rollup parameters + blobs
//! or batcher data). Journal: `0x00 || canonical reconstruction` on success,
//! `0x01 || error message` when the data is malformed. The native core runs the
//! same crate on the same request, so the two outputs must be identical; that
//! is the conformance check, and the cycle count is the benchmark.
#![no_main]

use std::io::Read;

use risc0_zkvm::guest::env;

risc0_zkvm::guest::entry!(main);

fn main() {
    let mut request = Vec::new();
    env::stdin().read_to_end(&mut request).expect("reading guest input");
    match refute_da::wire::run_request(&request) {
        Ok(canonical) => {
            env::commit_slice(&[0u8]);
            env::commit_slice(&canonical);
        }
        Err(e) => {
            env::commit_slice(&[1u8]);
            env::commit_slice(e.to_string().as_bytes());
        }
    }
}

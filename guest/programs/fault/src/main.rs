//! The `fault` guest: the fault-proof program inside the zkVM.
//!
//! Input (stdin): one RLP `FaultInput` (rollup config, agreed output preimage,
//! parent transactions, L1 headers from `l1_head`, whole transaction and
//! receipt lists of the L1 blocks read, blobs, execution witness). Journal: the
//! 189-byte `FaultJournal` of `docs/protocol.md`. Every statement is checked by
//! `refute_fault::run_observed`, the function the native dry run calls too; a
//! failed check panics with its kind and reason, so no receipt exists for that
//! input.
//!
//! Stderr gets one line per phase, `refute-phase NAME CYCLES` (cycles spent in
//! that phase), which the host reads to split the proof's cost by phase.
#![no_main]

use std::io::Read;

use refute_fault::{run_observed, FaultInput};
use risc0_zkvm::guest::env;

risc0_zkvm::guest::entry!(main);

fn main() {
    // revm's ecrecover precompile on the accelerated secp256k1 recovery.
    refute_stf::precompiles::install();
    let mut last = env::cycle_count();
    let mut phase = |name: &str| {
        let now = env::cycle_count();
        eprintln!("refute-phase {name} {}", now - last);
        last = now;
    };
    let mut stdin = env::stdin();
    let mut bytes = refute_stf::input::read_list(|buf| stdin.read_exact(buf));
    stdin.read_to_end(&mut bytes).expect("reading the fault-program input");
    let input = FaultInput::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    phase("input");
    let outcome = run_observed(&input, &mut |name| phase(name)).unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    env::commit_slice(&outcome.journal.encode());
    phase("journal");
}

/// alloy-primitives' `native-keccak` hook: every `keccak256` in the program
/// runs on the zkVM's Keccak accelerator (`risc0_keccak_update`, proven by
/// RISC Zero's keccak circuit) instead of software Keccak.
///
/// # Safety
///
/// alloy-primitives passes `bytes` valid for `len` bytes and `output` valid
/// for 32 bytes.
#[no_mangle]
unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: the caller's contract above.
    let data = unsafe { core::slice::from_raw_parts(bytes, len) };
    let hash = refute_stf::keccak::keccak256_with(data, env::risc0_keccak_update);
    // SAFETY: the caller's contract above; `hash` is a distinct local array.
    unsafe { core::ptr::copy_nonoverlapping(hash.as_ptr(), output, hash.len()) };
}

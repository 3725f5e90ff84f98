//! The `block` guest: stateless execution of one block inside the zkVM.
//!
//! Input (stdin): the RLP `GuestInput` (chain spec — Ethereum or OP Stack —,
//! RLP block or OP payload attributes, witness, flags) built by the native core. Journal: the RLP `GuestJournal`
//! (parent hash, pre-state root, block hash, state root, transactions root,
//! receipts root, gas used, output root). The same crate runs natively, so the
//! two sides agree by construction.
//!
//! A block that cannot be executed correctly (bad block, bad or incomplete
//! witness) makes the guest panic with the reason: no journal is committed, so
//! no receipt can exist for it.
//!
//! Stderr gets one line per phase, `refute-phase NAME CYCLES` (input,
//! witness_index, execution, witness_accounting, journal), which the host reads
//! to split the proof's cost by phase.
#![no_main]

use std::io::Read;

use refute_stf::input::{GuestInput, GuestJournal};
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
    stdin.read_to_end(&mut bytes).expect("reading guest input");
    let input = GuestInput::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    phase("input");
    let outcome = input.execute_observed(&mut |name| phase(name)).unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    env::commit_slice(&GuestJournal::from(&outcome).encode());
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

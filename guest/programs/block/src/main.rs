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
#![no_main]

use std::io::Read;

use refute_stf::input::{GuestInput, GuestJournal};
use risc0_zkvm::guest::env;

risc0_zkvm::guest::entry!(main);

fn main() {
    let mut bytes = Vec::new();
    env::stdin().read_to_end(&mut bytes).expect("reading guest input");
    let input = GuestInput::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    let outcome = input.execute().unwrap_or_else(|e| panic!("{}: {e}", e.kind()));
    env::commit_slice(&GuestJournal::from(&outcome).encode());
}

//! refute-fault: the fault-proof program, shared by the zkVM guest and the
//! native core.
//!
//! [`run`] takes one [`FaultInput`] through the four statements of
//! `docs/protocol.md`, one function per phase: the agreed state
//! ([`agreed::verify`]), L1 data bound to `l1_head` ([`l1::L1Chain::verify`] and
//! the whole-list root checks), derivation of block `N`
//! ([`derivation::derive_block`], with the blob binding of [`blob_binding`]),
//! and execution with the shared OP executor; it returns the 189-byte
//! [`FaultJournal`]. Any failed check is a [`FaultError`]; in the guest that is a
//! panic, so no receipt exists for an input that breaks a rule.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod agreed;
pub mod ancestors;
#[cfg(feature = "std")]
pub mod assemble;
pub mod batch_queue;
pub mod blob_binding;
pub mod config;
pub mod deposits;
pub mod derivation;
pub mod error;
pub mod input;
pub mod journal;
pub mod l1;
pub mod l1_info;
pub mod scalar;
pub use refute_stf::sha256;
pub mod span;
pub mod system_config;
pub mod window;

#[cfg(feature = "generate")]
pub mod generate;
#[cfg(feature = "generate")]
pub mod sequencer;

use alloy_primitives::B256;
use refute_stf::{mpt::NodeStore, op::execute_payload, BlockOutcome};

pub use config::RollupConfig;
pub use error::{FaultError, FaultResult};
pub use input::{FaultInput, L2Ancestor, OutputPreimage};
pub use journal::{FaultJournal, JOURNAL_LEN};

/// What one run of the program established (the journal, and what the host reports).
#[derive(Debug, Clone)]
pub struct FaultOutcome {
    pub journal: FaultJournal,
    pub derived: derivation::DerivedBlock,
    pub execution: BlockOutcome,
}

/// The phases of [`run`], in order: what [`run_observed`] reports after each.
pub const PHASES: [&str; 7] =
    ["witness_index", "agreed_state", "l1_headers", "l1_data", "blob_binding", "derivation", "execution"];

/// Runs the fault program: every statement, in order.
pub fn run(input: &FaultInput) -> FaultResult<FaultOutcome> {
    run_observed(input, &mut |_| {})
}

/// [`run`], calling `observe` with each phase's name (see [`PHASES`]) when it
/// ends: the guest reads its cycle counter there, so proof cost splits by phase.
pub fn run_observed(input: &FaultInput, observe: &mut dyn FnMut(&'static str)) -> FaultResult<FaultOutcome> {
    input.config.validate()?;
    let store = NodeStore::from_nodes(input.witness.state.iter().cloned());
    observe(PHASES[0]);
    let parent = agreed::verify(input, &store)?;
    observe(PHASES[1]);
    let chain = l1::L1Chain::verify(input.l1_head, &input.l1_headers)?;
    observe(PHASES[2]);
    let batchers = system_config::batchers(&input.config, &chain, &parent, &input.l1_transactions, &input.l1_receipts)?;
    let data = derivation::batcher_data(&input.config, &chain, &input.l1_transactions, &batchers, &input.blobs)?;
    observe(PHASES[3]);
    let openings = data.open_blobs()?;
    observe(PHASES[4]);
    let derived = derivation::derive_block(&input.config, &chain, &parent, &data, openings, &input.l1_receipts)?;
    observe(PHASES[5]);
    let spec = input.config.chain_spec();
    let execution = execute_payload(&spec, &derived.payload, &input.witness.headers, &store, &input.witness.codes)?;
    observe(PHASES[6]);
    let outcome = execution.outcome;
    let computed_output_root: B256 = outcome.output_root.ok_or_else(|| {
        FaultError::Execution(refute_stf::StfError::Witness(alloc::format!(
            "the witness does not show the message passer after block {}: {}",
            outcome.number,
            outcome.output_root_unavailable.clone().unwrap_or_default()
        )))
    })?;
    let journal = FaultJournal {
        payout: input.payout,
        l1_head: input.l1_head,
        agreed_output_root: input.agreed_output_root,
        computed_output_root,
        l2_block_number: parent.header.number + 1,
        rollup_config_hash: input.config.hash(),
        blob_binding: blob_binding::binding_hash(&derived.openings),
    };
    Ok(FaultOutcome { journal, derived, execution: outcome })
}

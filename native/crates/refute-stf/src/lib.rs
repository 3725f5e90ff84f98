//! refute-stf: stateless EVM block execution, shared by the zkVM guest and the
//! native core (one copy of every rule).
//!
//! Input: a block (RLP) or, for OP Stack chains, payload attributes; an
//! execution witness in the shape of `debug_executionWitness`; and a
//! [`ChainSpec`]: Ethereum L1 rules (revm) or OP Stack rules (op-revm through
//! op-reth's block executor, `alloy-op-evm`). Output: a
//! [`BlockOutcome`] with the post-state root, the other computed header fields,
//! the block hash and the OP Stack output root — or a [`StfError`] saying what
//! is wrong and where. Built `no_std` + `alloc` for the guest; the `std`
//! feature adds JSON forms and the full-state witness builder.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod bn254;
pub mod chain;
pub mod db;
pub mod error;
pub mod execute;
pub mod field;
pub mod input;
pub mod keccak;
pub mod mpt;
pub mod op;
pub mod precompiles;
mod rlp;
pub mod secp256k1;
pub mod sender;
pub mod sha256;
pub mod spec;
pub mod validate;
#[cfg(not(target_os = "zkvm"))]
mod weierstrass;
pub mod witness;

#[cfg(feature = "std")]
pub mod blockchain_test;
#[cfg(feature = "std")]
pub mod kona;
#[cfg(feature = "std")]
pub mod prestate;
#[cfg(feature = "std")]
pub mod report;
#[cfg(feature = "std")]
pub mod rpc;

pub use chain::{ChainConfig, Fork};
pub use error::StfError;
pub use execute::{execute_block, execute_request, BlockOutcome, ExecOptions};
pub use spec::ChainSpec;
pub use witness::Witness;

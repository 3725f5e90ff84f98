//! The crate's error type: every way a block or witness can be rejected.
//!
//! Why one enum with locations: the CLI, the Python API and the guest all report
//! the same reasons, and a reason must say *what* is wrong and *where* (which
//! transaction, which trie node, which header field), never just "invalid".

use alloc::string::String;
use alloy_primitives::Address;

use crate::mpt::MptError;

/// Why a block could not be executed or was found invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StfError {
    /// The block bytes are not a valid RLP block.
    MalformedBlock(String),
    /// The witness is malformed (bad JSON/RLP, bad header encoding, ...).
    MalformedWitness(String),
    /// The witness lacks something execution needs, or contains something it must not.
    Witness(String),
    /// A trie node needed for `what` is missing or malformed.
    Trie { what: String, source: MptError },
    /// The block's header is inconsistent with its parent or its fork.
    InvalidHeader(String),
    /// Transaction `index` is invalid (bad signature, nonce, fee, gas, ...).
    InvalidTransaction { index: usize, reason: String },
    /// A field the block header claims differs from the one computed by execution.
    HeaderMismatch { field: &'static str, expected: String, computed: String },
    /// A system contract call (EIP-4788/2935/7002/7251) failed.
    SystemCall { contract: Address, reason: String },
    /// The chain configuration is unusable.
    Config(String),
}

impl StfError {
    pub(crate) fn trie(what: impl Into<String>, source: MptError) -> Self {
        StfError::Trie { what: what.into(), source }
    }

    /// A short machine-readable category ("invalid_block", "invalid_witness", ...).
    pub fn kind(&self) -> &'static str {
        match self {
            StfError::MalformedBlock(_)
            | StfError::InvalidHeader(_)
            | StfError::InvalidTransaction { .. }
            | StfError::HeaderMismatch { .. }
            | StfError::SystemCall { .. } => "invalid_block",
            StfError::MalformedWitness(_) | StfError::Witness(_) | StfError::Trie { .. } => "invalid_witness",
            StfError::Config(_) => "invalid_config",
        }
    }

    /// Whether the fault lies with the block (as opposed to the witness or config).
    pub fn is_block_error(&self) -> bool {
        self.kind() == "invalid_block"
    }
}

impl core::fmt::Display for StfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            StfError::MalformedBlock(r) => write!(f, "malformed block RLP: {r}"),
            StfError::MalformedWitness(r) => write!(f, "malformed witness: {r}"),
            StfError::Witness(r) => write!(f, "witness: {r}"),
            StfError::Trie { what, source } => write!(f, "witness: {what}: {source}"),
            StfError::InvalidHeader(r) => write!(f, "invalid block header: {r}"),
            StfError::InvalidTransaction { index, reason } => write!(f, "invalid transaction {index}: {reason}"),
            StfError::HeaderMismatch { field, expected, computed } => {
                write!(f, "block header {field} is {expected} but execution gives {computed}")
            }
            StfError::SystemCall { contract, reason } => write!(f, "system call to {contract} failed: {reason}"),
            StfError::Config(r) => write!(f, "chain config: {r}"),
        }
    }
}

impl core::error::Error for StfError {}

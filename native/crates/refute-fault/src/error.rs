//! Why the fault program refuses an input.
//!
//! Every refusal is a guest panic (no receipt), so the kinds exist for the host:
//! `refute fault check` reports which statement failed, and Python dispatches on
//! [`FaultError::kind`] the same way it does for `refute-stf` and `refute-da`.

use alloc::string::String;

use refute_da::DaError;
use refute_stf::StfError;

/// A statement of the fault program that the input does not satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultError {
    /// The input bytes are not a fault-program input (RLP, lengths, caps).
    MalformedInput(String),
    /// The agreed output root's preimage or the parent header does not match it.
    AgreedState(String),
    /// The L1 headers do not link back from `l1_head`, or a block's transaction or
    /// receipt list does not hash to its header's root.
    L1Data(String),
    /// A blob is not canonical (a field element at or above the BLS12-381 scalar
    /// field order) or does not belong to the batcher transaction it is given for.
    BlobBinding(String),
    /// Derivation does not give block `N` from this data (no valid batch, a batch
    /// that breaks the rules against its parent or L1 origin, ...).
    Derivation(String),
    /// The L1 data read starts too late to show that no batch for `N` lies
    /// before it (`window.rs`); the host starts it earlier and runs again.
    WindowStart(String),
    /// A span batch for `N` starts before the agreed block, and the input's L2
    /// ancestors do not reach its parent: the host adds blocks back to `oldest`
    /// (whole transaction lists for blocks `oldest..=transactions_through`) and
    /// runs again.
    L2Ancestors { oldest: u64, transactions_through: u64, reason: String },
    /// A derivation step the program does not implement yet (it refuses instead of
    /// deriving something the rollup node would not).
    Unsupported(String),
    /// The published data does not decode (blob, frame, channel, batch layers).
    Da(DaError),
    /// Executing block `N` failed (invalid block, incomplete witness, ...).
    Execution(StfError),
    /// The chain-fixture generator could not build its chain (a bug, never bad input).
    Generate(String),
    /// The devnet sequencer was asked for a block it must not build (wrong
    /// pre-state, an L1 origin out of order, batches that do not fit a blob).
    Sequencer(String),
}

impl FaultError {
    /// A short machine-readable category, stable across the C ABI.
    pub fn kind(&self) -> &'static str {
        match self {
            FaultError::MalformedInput(_) => "malformed_input",
            FaultError::AgreedState(_) => "agreed_state",
            FaultError::L1Data(_) => "l1_data",
            FaultError::BlobBinding(_) => "blob_binding",
            FaultError::Derivation(_) => "derivation",
            FaultError::WindowStart(_) => "window_start",
            FaultError::L2Ancestors { .. } => "l2_ancestors",
            FaultError::Unsupported(_) => "unsupported",
            FaultError::Da(_) => "da",
            FaultError::Execution(e) => e.kind(),
            FaultError::Generate(_) => "generate",
            FaultError::Sequencer(_) => "sequencer",
        }
    }
}

impl core::fmt::Display for FaultError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FaultError::MalformedInput(r) => write!(f, "malformed fault-program input: {r}"),
            FaultError::AgreedState(r) => write!(f, "agreed state: {r}"),
            FaultError::L1Data(r) => write!(f, "L1 data: {r}"),
            FaultError::BlobBinding(r) => write!(f, "blob binding: {r}"),
            FaultError::Derivation(r) => write!(f, "derivation: {r}"),
            FaultError::WindowStart(r) => write!(f, "where the L1 data starts: {r}"),
            FaultError::L2Ancestors { oldest, transactions_through, reason } => write!(
                f,
                "L2 ancestors: {reason}: the input must hold L2 blocks back to {oldest}, with the transactions of blocks {oldest}..={transactions_through}"
            ),
            FaultError::Unsupported(r) => write!(f, "not supported by the fault program: {r}"),
            FaultError::Da(e) => write!(f, "published data: {e}"),
            FaultError::Execution(e) => write!(f, "execution: {e}"),
            FaultError::Generate(r) => write!(f, "chain-fixture generator: {r}"),
            FaultError::Sequencer(r) => write!(f, "sequencer: {r}"),
        }
    }
}

impl core::error::Error for FaultError {}

impl From<DaError> for FaultError {
    fn from(e: DaError) -> Self {
        FaultError::Da(e)
    }
}

impl From<StfError> for FaultError {
    fn from(e: StfError) -> Self {
        FaultError::Execution(e)
    }
}

pub type FaultResult<T> = Result<T, FaultError>;

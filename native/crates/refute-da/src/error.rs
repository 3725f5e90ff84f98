//! The one error type every decoder returns.
//!
//! Why a single type with a layer and an offset: a challenger has to say *where*
//! the published data stops making sense (which blob byte, which frame, which
//! batch field), and Python maps it 1:1 onto `prover.da.errors.DAError`.

use alloc::string::String;
use core::fmt;

/// Which decoding layer rejected the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// EIP-4844 / EigenDA blob encoding.
    Blob,
    /// Batcher transaction payload and frames.
    Frame,
    /// Channel assembly and decompression.
    Channel,
    /// Singular and span batches.
    Batch,
    /// Transactions inside batches.
    Tx,
}

impl Layer {
    /// The lower-case name used in messages and across the FFI.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Blob => "blob",
            Layer::Frame => "frame",
            Layer::Channel => "channel",
            Layer::Batch => "batch",
            Layer::Tx => "tx",
        }
    }
}

/// A decoding failure: the layer, the byte offset inside that layer's input, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaError {
    pub layer: Layer,
    pub offset: usize,
    pub message: String,
}

impl DaError {
    pub fn new(layer: Layer, offset: usize, message: impl Into<String>) -> Self {
        DaError { layer, offset, message: message.into() }
    }

    /// The same error seen one layer up, at `base` + the inner offset.
    pub fn shifted(mut self, base: usize) -> Self {
        self.offset = self.offset.saturating_add(base);
        self
    }
}

impl fmt::Display for DaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} layer, offset {}: {}", self.layer.name(), self.offset, self.message)
    }
}

#[cfg(feature = "std")]
extern crate std;
#[cfg(feature = "std")]
impl std::error::Error for DaError {}

pub type DaResult<T> = Result<T, DaError>;

/// Shorthand constructors, one per layer.
pub(crate) fn blob_err(offset: usize, msg: impl Into<String>) -> DaError {
    DaError::new(Layer::Blob, offset, msg)
}
pub(crate) fn frame_err(offset: usize, msg: impl Into<String>) -> DaError {
    DaError::new(Layer::Frame, offset, msg)
}
pub(crate) fn channel_err(offset: usize, msg: impl Into<String>) -> DaError {
    DaError::new(Layer::Channel, offset, msg)
}
pub(crate) fn batch_err(offset: usize, msg: impl Into<String>) -> DaError {
    DaError::new(Layer::Batch, offset, msg)
}
pub(crate) fn tx_err(offset: usize, msg: impl Into<String>) -> DaError {
    DaError::new(Layer::Tx, offset, msg)
}

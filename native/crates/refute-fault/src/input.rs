//! The fault program's input: one self-contained RLP value.
//!
//! Nothing in it is trusted: every field is either bound by a hash the journal
//! commits (agreed output root, `l1_head`, rollup-config hash, blob binding) or
//! checked against something that is.

use alloc::vec::Vec;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Address, Bytes, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};
use refute_stf::Witness;

use crate::{
    config::RollupConfig,
    error::{FaultError, FaultResult},
    l1::{BlockReceipts, BlockTransactions},
};

/// The input layout version (first RLP item).
pub const INPUT_VERSION: u8 = 2;
/// Most blobs one input may carry (six per L1 block over a sequencing window is far more
/// than one disputed block needs).
pub const MAX_BLOBS: usize = 64;
/// Most L2 ancestors one input may carry: a span batch reaching this far back
/// before the disputed block is refused (`docs/protocol.md`).
pub const MAX_L2_ANCESTORS: usize = 8_192;

/// The preimage of an OP Stack v0 output root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, RlpEncodable, RlpDecodable)]
pub struct OutputPreimage {
    pub state_root: B256,
    pub message_passer_storage_root: B256,
    pub block_hash: B256,
}

impl OutputPreimage {
    /// `keccak256(bytes32(0) ‖ state_root ‖ message_passer_storage_root ‖ block_hash)`.
    pub fn root(&self) -> B256 {
        let mut preimage = [0u8; 128];
        preimage[32..64].copy_from_slice(self.state_root.as_slice());
        preimage[64..96].copy_from_slice(self.message_passer_storage_root.as_slice());
        preimage[96..128].copy_from_slice(self.block_hash.as_slice());
        keccak256(preimage)
    }
}

/// An L2 block before the agreed block, for a span batch that reaches back
/// past it (`crate::ancestors`).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct L2Ancestor {
    pub header: Header,
    /// Every transaction of the block (its L1-info deposit first), or empty
    /// when the program does not need them: the genesis block has none, and
    /// every later block has its L1-info deposit, so empty is never a real list.
    pub transactions: Vec<Bytes>,
}

/// Everything the fault program reads.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct FaultInput {
    pub version: u8,
    /// Who the journal names as payout recipient.
    pub payout: Address,
    pub config: RollupConfig,
    /// The agreed output root of block `N − 1`.
    pub agreed_output_root: B256,
    pub agreed_output: OutputPreimage,
    /// Every transaction of block `N − 1` (its L1-info deposit first).
    pub parent_transactions: Vec<Bytes>,
    /// Blocks `N − 2`, `N − 3`, ... (each the parent of the one before), as far
    /// back as a span batch for `N` reaches; usually none.
    pub l2_ancestors: Vec<L2Ancestor>,
    /// The L1 head the derivation is relative to.
    pub l1_head: B256,
    /// L1 headers from `l1_head` backwards, each the parent of the one before.
    pub l1_headers: Vec<Header>,
    /// Whole transaction lists of the L1 blocks whose batcher data is read, ascending.
    pub l1_transactions: Vec<BlockTransactions>,
    /// Whole receipt lists of L1 origins whose deposits are read.
    pub l1_receipts: Vec<BlockReceipts>,
    /// The blobs of the batcher's blob transactions, in the order their versioned
    /// hashes appear in those transactions.
    pub blobs: Vec<Bytes>,
    /// Execution witness of block `N` (its headers end with block `N − 1`).
    pub witness: Witness,
}

impl FaultInput {
    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    /// Decodes an input, refusing trailing bytes, other versions and oversized lists.
    pub fn decode(bytes: &[u8]) -> FaultResult<Self> {
        let mut buf = bytes;
        let input = <FaultInput as alloy_rlp::Decodable>::decode(&mut buf)
            .map_err(|e| FaultError::MalformedInput(alloc::format!("input RLP: {e}")))?;
        if !buf.is_empty() {
            return Err(FaultError::MalformedInput(alloc::format!("{} trailing bytes after the input", buf.len())));
        }
        if input.version != INPUT_VERSION {
            return Err(FaultError::MalformedInput(alloc::format!(
                "input version {} (this program reads {INPUT_VERSION})",
                input.version
            )));
        }
        if input.blobs.len() > MAX_BLOBS {
            return Err(FaultError::MalformedInput(alloc::format!(
                "{} blobs exceed the cap of {MAX_BLOBS}",
                input.blobs.len()
            )));
        }
        if input.l2_ancestors.len() > MAX_L2_ANCESTORS {
            return Err(FaultError::MalformedInput(alloc::format!(
                "{} L2 ancestors exceed the cap of {MAX_L2_ANCESTORS}",
                input.l2_ancestors.len()
            )));
        }
        Ok(input)
    }
}

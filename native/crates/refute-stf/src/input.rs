//! The guest's input and journal: one RLP encoding both sides agree on.
//!
//! Why RLP: the guest already links an RLP codec for blocks and witnesses, so
//! the envelope adds no dependency and no second serialisation format.

use alloc::vec::Vec;

use alloy_primitives::{Bytes, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};

use crate::{
    error::StfError,
    execute::{execute_request_observed, BlockOutcome, ExecOptions, Request},
    rlp::decode_exact,
    spec::ChainSpec,
    witness::Witness,
};

/// Everything the guest reads.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct GuestInput {
    pub chain: ChainSpec,
    /// The RLP block (or, with `payload` set, the RLP OP payload attributes),
    /// kept as bytes so decoding errors are reported, not fatal to the envelope.
    pub block: Bytes,
    pub witness: Witness,
    /// 1: the claimed header must match the computed one.
    pub check_header: u8,
    /// 1: `block` holds OP payload attributes, and the block is built from them.
    pub payload: u8,
}

impl GuestInput {
    /// Executes the input: the one entry point the guest and the native core share.
    pub fn execute(&self) -> Result<BlockOutcome, StfError> {
        self.execute_observed(&mut |_| {})
    }

    /// [`Self::execute`], calling `observe` at the end of each phase of
    /// [`crate::execute::PHASES`] (the guest reports cycles per phase there).
    pub fn execute_observed(&self, observe: &mut dyn FnMut(&'static str)) -> Result<BlockOutcome, StfError> {
        let request = if self.payload != 0 { Request::Payload(&self.block) } else { Request::Block(&self.block) };
        let opts = ExecOptions { check_header: self.check_header != 0, strict_witness: false };
        execute_request_observed(&self.chain, request, &self.witness, opts, observe)
    }

    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, StfError> {
        decode_exact(bytes, "guest input RLP").map_err(StfError::MalformedWitness)
    }
}

/// What the guest commits (only for blocks it executed correctly).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct GuestJournal {
    pub parent_hash: B256,
    pub pre_state_root: B256,
    pub block_hash: B256,
    pub state_root: B256,
    pub transactions_root: B256,
    pub receipts_root: B256,
    pub gas_used: u64,
    /// Zero when the witness cannot show the message passer.
    pub output_root: B256,
}

impl From<&BlockOutcome> for GuestJournal {
    fn from(o: &BlockOutcome) -> Self {
        GuestJournal {
            parent_hash: o.parent_hash,
            pre_state_root: o.pre_state_root,
            block_hash: o.block_hash,
            state_root: o.state_root,
            transactions_root: o.transactions_root,
            receipts_root: o.receipts_root,
            gas_used: o.gas_used,
            output_root: o.output_root.unwrap_or_default(),
        }
    }
}

impl GuestJournal {
    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    pub fn decode(mut bytes: &[u8]) -> Result<Self, StfError> {
        <GuestJournal as alloy_rlp::Decodable>::decode(&mut bytes)
            .map_err(|e| StfError::MalformedWitness(alloc::format!("guest journal RLP: {e}")))
    }
}

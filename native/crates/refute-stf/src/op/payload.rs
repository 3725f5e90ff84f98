//! What an OP Stack L2 block is built from: the payload attributes that
//! derivation produces (op-node's `PayloadAttributesV3` plus the parent they
//! build on), and the same attributes read back out of a finished block.
//!
//! Why attributes and not a block: a fault proof must not trust any field the
//! proposer computed (state root, receipts root, base fee, ...). Everything
//! except what derivation decides is recomputed from the parent and execution.

use alloc::{format, vec::Vec};

use alloy_consensus::Block;
use alloy_eips::Decodable2718;
use alloy_primitives::{Address, Bytes, B256, B64};
use alloy_rlp::{RlpDecodable, RlpEncodable};
use op_alloy_consensus::{decode_holocene_extra_data, decode_jovian_extra_data, OpTxEnvelope};

use crate::{error::StfError, rlp::decode_exact};

/// An OP block as it appears on the wire.
pub type OpBlock = Block<OpTxEnvelope>;

/// Upper bound on transactions in one payload (a 60M-gas block holds at most
/// 2,857 plain transfers; this leaves room and stops absurd inputs early).
pub const MAX_PAYLOAD_TRANSACTIONS: usize = 100_000;

/// Payload attributes for one L2 block, bound to the parent they extend.
///
/// Optional fields are trailing in RLP and ordered by the fork that introduced
/// them (Ecotone's beacon root, Holocene's EIP-1559 parameters, Jovian's minimum
/// base fee), so a later one is present only with the earlier ones.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
#[rlp(trailing)]
pub struct OpPayload {
    pub parent_hash: B256,
    pub timestamp: u64,
    pub prev_randao: B256,
    pub fee_recipient: Address,
    pub gas_limit: u64,
    /// EIP-2718 encoded transactions, deposits (L1-info first) then batched ones.
    pub transactions: Vec<Bytes>,
    pub parent_beacon_block_root: Option<B256>,
    /// Holocene: `denominator ‖ elasticity` (big-endian u32s); zero selects the chain defaults.
    pub eip1559_params: Option<B64>,
    /// Jovian: the minimum base fee in wei.
    pub min_base_fee: Option<u64>,
}

impl OpPayload {
    /// Decodes the transactions, rejecting malformed or trailing bytes.
    pub fn decode_transactions(&self) -> Result<Vec<OpTxEnvelope>, StfError> {
        if self.transactions.len() > MAX_PAYLOAD_TRANSACTIONS {
            return Err(StfError::MalformedBlock(format!(
                "{} transactions exceed the cap of {MAX_PAYLOAD_TRANSACTIONS}",
                self.transactions.len()
            )));
        }
        self.transactions
            .iter()
            .enumerate()
            .map(|(index, raw)| {
                let mut buf = raw.as_ref();
                let tx = OpTxEnvelope::decode_2718(&mut buf)
                    .map_err(|e| StfError::InvalidTransaction { index, reason: format!("malformed: {e}") })?;
                if !buf.is_empty() {
                    return Err(StfError::InvalidTransaction {
                        index,
                        reason: "trailing bytes after the transaction".into(),
                    });
                }
                Ok(tx)
            })
            .collect()
    }

    /// The attributes a finished block was built from (its `extraData` gives the
    /// Holocene/Jovian parameters), so a claimed block can be rebuilt and compared.
    pub fn from_block(block: &OpBlock, holocene: bool, jovian: bool) -> Result<Self, StfError> {
        let h = &block.header;
        let (eip1559_params, min_base_fee) = if jovian {
            let (elasticity, denominator, min) = decode_jovian_extra_data(&h.extra_data)
                .map_err(|e| StfError::InvalidHeader(format!("Jovian extraData: {e}")))?;
            (Some(params(denominator, elasticity)), Some(min))
        } else if holocene {
            let (elasticity, denominator) = decode_holocene_extra_data(&h.extra_data)
                .map_err(|e| StfError::InvalidHeader(format!("Holocene extraData: {e}")))?;
            (Some(params(denominator, elasticity)), None)
        } else {
            (None, None)
        };
        Ok(OpPayload {
            parent_hash: h.parent_hash,
            timestamp: h.timestamp,
            prev_randao: h.mix_hash,
            fee_recipient: h.beneficiary,
            gas_limit: h.gas_limit,
            transactions: block
                .body
                .transactions
                .iter()
                .map(|tx| Bytes::from(alloy_eips::Encodable2718::encoded_2718(tx)))
                .collect(),
            parent_beacon_block_root: h.parent_beacon_block_root,
            eip1559_params,
            min_base_fee,
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, StfError> {
        decode_exact(bytes, "payload RLP").map_err(StfError::MalformedBlock)
    }
}

/// Packs EIP-1559 parameters the way `PayloadAttributesV3.eip1559Params` carries them.
pub fn params(denominator: u32, elasticity: u32) -> B64 {
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&denominator.to_be_bytes());
    out[4..].copy_from_slice(&elasticity.to_be_bytes());
    B64::from(out)
}

/// Decodes an RLP OP block, rejecting trailing bytes.
pub fn decode_op_block(bytes: &[u8]) -> Result<OpBlock, StfError> {
    decode_exact(bytes, "block").map_err(StfError::MalformedBlock)
}

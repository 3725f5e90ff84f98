//! A claimed OP block, rebuilt from its own attributes and compared field by
//! field: what `refute execute` does with a block from an L2 node.

use alloc::{string::ToString, vec::Vec};

use alloy_consensus::Header;
use alloy_op_hardforks::OpHardfork;
use alloy_primitives::Bytes;

use crate::{
    error::StfError,
    execute::{compare_header, mismatch, opt_display, ExecOptions, Execution},
    mpt::NodeStore,
    op::{execute_payload, payload::decode_op_block, OpChainSpec, OpPayload},
};

/// Rebuilds `block_rlp` from its attributes and the witness; every header field
/// the block claims must equal the rebuilt one (with `check_header`), or the
/// differences are listed in the outcome's `mismatches`.
pub fn execute_op_block(
    spec: &OpChainSpec,
    block_rlp: &[u8],
    headers: &[Header],
    store: &NodeStore,
    codes: &[Bytes],
    opts: ExecOptions,
) -> Result<Execution, StfError> {
    let block = decode_op_block(block_rlp)?;
    if !block.body.ommers.is_empty() {
        return Err(StfError::InvalidHeader("an OP block has no ommers".into()));
    }
    if block.body.withdrawals.as_ref().is_some_and(|w| !w.is_empty()) {
        return Err(StfError::InvalidHeader("an OP block has no withdrawals".into()));
    }
    let t = block.header.timestamp;
    let payload =
        OpPayload::from_block(&block, spec.is_active(OpHardfork::Holocene, t), spec.is_active(OpHardfork::Jovian, t))?;
    let mut run = execute_payload(spec, &payload, headers, store, codes)?;
    let claimed = &block.header;
    let computed = &run.outcome.header;
    let check = opts.check_header;
    let mut list = Vec::new();
    mismatch("number", claimed.number, computed.number, check, &mut list)?;
    mismatch(
        "base_fee_per_gas",
        opt_display(claimed.base_fee_per_gas),
        opt_display(computed.base_fee_per_gas),
        check,
        &mut list,
    )?;
    mismatch("extra_data", claimed.extra_data.to_string(), computed.extra_data.to_string(), check, &mut list)?;
    list.extend(compare_header(claimed, computed, check)?);
    mismatch(
        "excess_blob_gas",
        opt_display(claimed.excess_blob_gas),
        opt_display(computed.excess_blob_gas),
        check,
        &mut list,
    )?;
    mismatch("block_hash", claimed.hash_slow(), run.outcome.block_hash, check, &mut list)?;
    run.outcome.mismatches = list;
    Ok(run)
}

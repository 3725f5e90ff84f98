//! The header fields of an OP Stack block that are not execution results:
//! base fee, `extraData`, and the per-fork constant fields, plus the checks a
//! payload must pass against its parent before anything executes.
//!
//! Rules (OP Stack specs, `exec-engine.md` of each fork):
//! - base fee: EIP-1559 with the chain's parameters (Canyon changes the
//!   denominator); from Holocene the parent's `extraData` carries the
//!   parameters; from Jovian the parent's `blobGasUsed` (the DA footprint)
//!   counts when it exceeds its gas used, and the result is clamped to the
//!   minimum base fee in the parent's `extraData`;
//! - `extraData`: empty before Holocene; Holocene `0x00 ‖ denominator ‖
//!   elasticity`; Jovian `0x01 ‖ denominator ‖ elasticity ‖ min base fee`;
//! - Canyon: empty withdrawals list; Ecotone: blob gas fields zero, beacon root
//!   required; Isthmus: withdrawals root = message passer storage root and the
//!   empty requests hash.

use alloc::format;

use alloy_consensus::Header;
use alloy_eips::{calc_next_block_base_fee, eip1559::BaseFeeParams};
use alloy_op_hardforks::OpHardfork;
use alloy_primitives::Bytes;
use op_alloy_consensus::{
    decode_holocene_extra_data, decode_jovian_extra_data, encode_holocene_extra_data, encode_jovian_extra_data,
};

use crate::{error::StfError, op::payload::OpPayload, op::spec::OpChainSpec};

/// The base fee of the block after `parent`, built at `timestamp`.
pub fn next_base_fee(spec: &OpChainSpec, parent: &Header, timestamp: u64) -> Result<u64, StfError> {
    let parent_base_fee = parent
        .base_fee_per_gas
        .ok_or_else(|| StfError::InvalidHeader(format!("parent block {} has no base fee", parent.number)))?;
    let bad = |fork: &str, e: op_alloy_consensus::EIP1559ParamError| {
        StfError::InvalidHeader(format!("parent block {} {fork} extraData: {e}", parent.number))
    };
    let chosen = |denominator: u32, elasticity: u32| {
        if denominator == 0 && elasticity == 0 {
            spec.base_fee_params(timestamp)
        } else {
            BaseFeeParams::new(denominator as u128, elasticity as u128)
        }
    };
    if spec.is_active(OpHardfork::Jovian, parent.timestamp) {
        let (elasticity, denominator, min_base_fee) =
            decode_jovian_extra_data(&parent.extra_data).map_err(|e| bad("Jovian", e))?;
        let gas_used = parent.gas_used.max(parent.blob_gas_used.unwrap_or_default());
        let fee =
            calc_next_block_base_fee(gas_used, parent.gas_limit, parent_base_fee, chosen(denominator, elasticity));
        return Ok(fee.max(min_base_fee));
    }
    let params = if spec.is_active(OpHardfork::Holocene, parent.timestamp) {
        let (elasticity, denominator) =
            decode_holocene_extra_data(&parent.extra_data).map_err(|e| bad("Holocene", e))?;
        chosen(denominator, elasticity)
    } else {
        spec.base_fee_params(timestamp)
    };
    Ok(calc_next_block_base_fee(parent.gas_used, parent.gas_limit, parent_base_fee, params))
}

/// The block's `extraData`, from the payload's EIP-1559 parameters.
pub fn extra_data(spec: &OpChainSpec, payload: &OpPayload) -> Result<Bytes, StfError> {
    let defaults = spec.base_fee_params(payload.timestamp);
    if spec.is_active(OpHardfork::Jovian, payload.timestamp) {
        let params = payload
            .eip1559_params
            .ok_or_else(|| StfError::InvalidHeader("Jovian payload without eip1559Params".into()))?;
        let min =
            payload.min_base_fee.ok_or_else(|| StfError::InvalidHeader("Jovian payload without minBaseFee".into()))?;
        return encode_jovian_extra_data(params, defaults, min)
            .map_err(|e| StfError::InvalidHeader(format!("eip1559Params: {e}")));
    }
    if spec.is_active(OpHardfork::Holocene, payload.timestamp) {
        let params = payload
            .eip1559_params
            .ok_or_else(|| StfError::InvalidHeader("Holocene payload without eip1559Params".into()))?;
        return encode_holocene_extra_data(params, defaults)
            .map_err(|e| StfError::InvalidHeader(format!("eip1559Params: {e}")));
    }
    Ok(Bytes::new())
}

/// Checks what must hold between a payload and its parent before execution.
pub fn check_payload(spec: &OpChainSpec, parent: &Header, payload: &OpPayload) -> Result<(), StfError> {
    if payload.timestamp <= parent.timestamp {
        return Err(StfError::InvalidHeader(format!(
            "timestamp {} is not after the parent's {}",
            payload.timestamp, parent.timestamp
        )));
    }
    let ecotone = spec.is_active(OpHardfork::Ecotone, payload.timestamp);
    if ecotone != payload.parent_beacon_block_root.is_some() {
        return Err(StfError::InvalidHeader(format!(
            "parent beacon block root must be {} at timestamp {} (Ecotone)",
            if ecotone { "present" } else { "absent" },
            payload.timestamp
        )));
    }
    let holocene = spec.is_active(OpHardfork::Holocene, payload.timestamp);
    if !holocene && payload.eip1559_params.is_some() {
        return Err(StfError::InvalidHeader("eip1559Params before Holocene".into()));
    }
    if let Some(params) = payload.eip1559_params {
        let (elasticity, denominator) = op_alloy_consensus::decode_eip_1559_params(params);
        if denominator == 0 && elasticity != 0 {
            return Err(StfError::InvalidHeader("eip1559Params: zero denominator with a non-zero elasticity".into()));
        }
    }
    let jovian = spec.is_active(OpHardfork::Jovian, payload.timestamp);
    if !jovian && payload.min_base_fee.is_some() {
        return Err(StfError::InvalidHeader("minBaseFee before Jovian".into()));
    }
    if payload.gas_limit == 0 {
        return Err(StfError::InvalidHeader("gas limit is zero".into()));
    }
    Ok(())
}

//! Header rules checked before execution: the block against its parent and its fork.
//!
//! These are the consensus checks that do not need execution (post-merge:
//! number, timestamp, gas limit, base fee, blob gas, empty ommers, fork fields).
//! Fields that need execution (roots, gas used, bloom) are compared afterwards.

use alloc::{format, string::String};

use alloy_consensus::{constants::EMPTY_OMMER_ROOT_HASH, Header};
use alloy_eips::eip1559::{calc_next_block_base_fee, BaseFeeParams};
use alloy_primitives::{B64, U256};

use crate::{
    chain::{BlobParams, ChainConfig, Fork},
    error::StfError,
};

/// Gas per blob (EIP-4844).
pub const GAS_PER_BLOB: u64 = 131_072;
const MIN_GAS_LIMIT: u64 = 5_000;
const MAX_EXTRA_DATA: usize = 32;

fn bad(msg: impl Into<String>) -> StfError {
    StfError::InvalidHeader(msg.into())
}

/// `excess_blob_gas` the child of `parent` must carry under `params`.
pub fn next_excess_blob_gas(parent: &Header, params: BlobParams) -> u64 {
    let excess = parent.excess_blob_gas.unwrap_or(0);
    let used = parent.blob_gas_used.unwrap_or(0);
    let target = params.target * GAS_PER_BLOB;
    (excess + used).saturating_sub(target)
}

/// Checks `header` against `parent` under the rules of `fork`; the first rule
/// broken is the error.
pub fn validate_header(chain: &ChainConfig, fork: Fork, header: &Header, parent: &Header) -> Result<(), StfError> {
    check_sequence(header, parent)?;
    check_post_merge_fields(header)?;
    check_gas_limit(header, parent)?;
    check_base_fee(header, parent)?;
    check_fork_fields(chain, fork, header, parent)
}

/// The block follows its parent: next number, later timestamp.
fn check_sequence(header: &Header, parent: &Header) -> Result<(), StfError> {
    if header.number != parent.number + 1 {
        return Err(bad(format!("number {} does not follow parent number {}", header.number, parent.number)));
    }
    if header.timestamp <= parent.timestamp {
        return Err(bad(format!("timestamp {} is not after parent timestamp {}", header.timestamp, parent.timestamp)));
    }
    Ok(())
}

/// Fields the merge fixed or bounded: extra data size, zero difficulty and
/// nonce, the empty ommers hash, gas used within the gas limit.
fn check_post_merge_fields(header: &Header) -> Result<(), StfError> {
    if header.extra_data.len() > MAX_EXTRA_DATA {
        return Err(bad(format!("extra data is {} bytes; at most {MAX_EXTRA_DATA} allowed", header.extra_data.len())));
    }
    if header.difficulty != U256::ZERO {
        return Err(bad(format!("difficulty {} must be 0 after the merge", header.difficulty)));
    }
    if header.nonce != B64::ZERO {
        return Err(bad(format!("nonce {} must be 0 after the merge", header.nonce)));
    }
    if header.ommers_hash != EMPTY_OMMER_ROOT_HASH {
        return Err(bad(format!("ommers hash {} must be the empty list's hash after the merge", header.ommers_hash)));
    }
    if header.gas_used > header.gas_limit {
        return Err(bad(format!("gas used {} exceeds gas limit {}", header.gas_used, header.gas_limit)));
    }
    Ok(())
}

/// The gas limit moves by less than 1/1024 of the parent's and stays above the minimum.
fn check_gas_limit(header: &Header, parent: &Header) -> Result<(), StfError> {
    let limit_delta = parent.gas_limit / 1024;
    let diff = header.gas_limit.abs_diff(parent.gas_limit);
    if diff >= limit_delta || header.gas_limit < MIN_GAS_LIMIT {
        return Err(bad(format!(
            "gas limit {} is not within {} of parent gas limit {} (or below {MIN_GAS_LIMIT})",
            header.gas_limit, limit_delta, parent.gas_limit
        )));
    }
    Ok(())
}

/// The EIP-1559 base fee the parent implies.
fn check_base_fee(header: &Header, parent: &Header) -> Result<(), StfError> {
    let parent_base_fee = parent.base_fee_per_gas.ok_or_else(|| bad("parent has no base fee (pre-London parent)"))?;
    let expected_base_fee =
        calc_next_block_base_fee(parent.gas_used, parent.gas_limit, parent_base_fee, BaseFeeParams::ethereum());
    match header.base_fee_per_gas {
        Some(b) if b == expected_base_fee => Ok(()),
        Some(b) => Err(bad(format!("base fee {b} but the parent implies {expected_base_fee}"))),
        None => Err(bad("missing base fee")),
    }
}

/// The fields each fork adds, present exactly from that fork on: withdrawals
/// root (Shanghai), blob gas and beacon root (Cancun), requests hash (Prague).
fn check_fork_fields(chain: &ChainConfig, fork: Fork, header: &Header, parent: &Header) -> Result<(), StfError> {
    let shanghai = fork >= Fork::Shanghai;
    if shanghai != header.withdrawals_root.is_some() {
        return Err(bad(if shanghai {
            "missing withdrawals root (Shanghai)"
        } else {
            "withdrawals root before Shanghai"
        }));
    }
    match chain.blob_params(fork) {
        Some(params) => check_blob_gas(header, parent, params)?,
        None => {
            if header.blob_gas_used.is_some()
                || header.excess_blob_gas.is_some()
                || header.parent_beacon_block_root.is_some()
            {
                return Err(bad("blob gas fields or parent beacon root before Cancun"));
            }
        }
    }
    let prague = fork >= Fork::Prague;
    if prague != header.requests_hash.is_some() {
        return Err(bad(if prague { "missing requests hash (Prague)" } else { "requests hash before Prague" }));
    }
    Ok(())
}

/// Cancun's fields: blob gas used (whole blobs, within the maximum), the
/// excess blob gas the parent implies, and a parent beacon block root.
fn check_blob_gas(header: &Header, parent: &Header, params: BlobParams) -> Result<(), StfError> {
    let used = header.blob_gas_used.ok_or_else(|| bad("missing blob gas used (Cancun)"))?;
    let excess = header.excess_blob_gas.ok_or_else(|| bad("missing excess blob gas (Cancun)"))?;
    if header.parent_beacon_block_root.is_none() {
        return Err(bad("missing parent beacon block root (Cancun)"));
    }
    if used % GAS_PER_BLOB != 0 {
        return Err(bad(format!("blob gas used {used} is not a multiple of {GAS_PER_BLOB}")));
    }
    if used > params.max * GAS_PER_BLOB {
        return Err(bad(format!("blob gas used {used} exceeds the maximum {}", params.max * GAS_PER_BLOB)));
    }
    let expected = next_excess_blob_gas(parent, params);
    if excess != expected {
        return Err(bad(format!("excess blob gas {excess} but the parent implies {expected}")));
    }
    Ok(())
}

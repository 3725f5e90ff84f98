//! The rollup configuration the fault program derives and executes under, and
//! its hash (journal offset 125).
//!
//! Why hash the whole configuration: a proof made under another chain ID, batch
//! inbox, fork schedule or fee parameter must not be accepted for this chain, and
//! the contract can only compare one word. The field order is the RLP list of
//! `docs/protocol.md`; [`RollupConfig::hash`] is keccak256 of its encoding.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};
use refute_forks::{OpForkSchedule, OpHardfork};
use refute_stf::op::OpChainSpec;

use crate::error::{FaultError, FaultResult};

/// The RLP layout version of [`RollupConfig`] (its first item).
pub const CONFIG_VERSION: u8 = 1;

/// op-node `MaxSequencerDriftFjord`: the drift is a constant from Fjord on.
pub const MAX_SEQUENCER_DRIFT_FJORD: u64 = 1800;

/// One step of the L1 blob fee schedule: from `time` on, the blob base fee uses
/// `update_fraction` (EIP-4844 `BLOB_BASE_FEE_UPDATE_FRACTION`, changed by
/// Prague and the blob-parameter-only forks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BlobFeeStep {
    pub time: u64,
    pub update_fraction: u64,
}

/// An OP Stack rollup configuration (op-node's `rollup.json`, the parts the fault
/// program reads), plus the L1 blob fee schedule the L1-info deposit needs.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct RollupConfig {
    pub version: u8,
    pub l2_chain_id: u64,
    pub l1_chain_id: u64,
    pub genesis_l1_hash: B256,
    pub genesis_l1_number: u64,
    pub genesis_l2_hash: B256,
    pub genesis_l2_number: u64,
    pub genesis_l2_time: u64,
    pub block_time: u64,
    pub max_sequencer_drift: u64,
    pub seq_window_size: u64,
    pub channel_timeout_bedrock: u64,
    pub batch_inbox: Address,
    /// The genesis batcher (later batchers come from the system config in the
    /// parent block's L1-info deposit).
    pub batcher: Address,
    pub deposit_contract: Address,
    pub system_config: Address,
    pub forks: OpForkSchedule,
    pub eip1559_elasticity: u64,
    pub eip1559_denominator: u64,
    pub eip1559_denominator_canyon: u64,
    /// Ascending by time; the step in force at an L1 block's timestamp applies.
    pub l1_blob_schedule: Vec<BlobFeeStep>,
}

impl RollupConfig {
    /// keccak256 of the RLP encoding: the journal's rollup-config hash.
    pub fn hash(&self) -> B256 {
        keccak256(alloy_rlp::encode(self))
    }

    /// The execution rules of the L2 chain.
    pub fn chain_spec(&self) -> OpChainSpec {
        OpChainSpec {
            chain_id: self.l2_chain_id,
            forks: self.forks,
            eip1559_elasticity: self.eip1559_elasticity,
            eip1559_denominator: self.eip1559_denominator,
            eip1559_denominator_canyon: self.eip1559_denominator_canyon,
        }
    }

    /// The sequencer drift a batch may use whose L1 origin has timestamp
    /// `origin_time`. op-node decides Fjord's larger drift by the origin's time,
    /// not the L2 block's (`ChainSpec.MaxSequencerDrift(batchOrigin.Time)`).
    pub fn max_sequencer_drift_at_origin(&self, origin_time: u64) -> u64 {
        if self.forks.is_active(OpHardfork::Fjord, origin_time) {
            MAX_SEQUENCER_DRIFT_FJORD
        } else {
            self.max_sequencer_drift
        }
    }

    /// The blob base fee update fraction at L1 time `time`.
    pub fn blob_update_fraction(&self, time: u64) -> FaultResult<u64> {
        self.l1_blob_schedule.iter().rev().find(|step| step.time <= time).map(|step| step.update_fraction).ok_or_else(
            || FaultError::Unsupported(alloc::format!("the L1 blob fee schedule has no step in force at time {time}")),
        )
    }

    /// Rejects configurations the program cannot use.
    pub fn validate(&self) -> FaultResult<()> {
        if self.version != CONFIG_VERSION {
            return Err(FaultError::MalformedInput(alloc::format!(
                "rollup config version {} (this program reads {CONFIG_VERSION})",
                self.version
            )));
        }
        if self.block_time == 0 {
            return Err(FaultError::MalformedInput("rollup config block_time is zero".into()));
        }
        if self.l1_blob_schedule.windows(2).any(|w| w[0].time >= w[1].time)
            || self.l1_blob_schedule.iter().any(|s| s.update_fraction == 0)
        {
            return Err(FaultError::MalformedInput(
                "the L1 blob fee schedule must be strictly ascending with non-zero fractions".into(),
            ));
        }
        self.chain_spec().validate().map_err(FaultError::Execution)
    }
}

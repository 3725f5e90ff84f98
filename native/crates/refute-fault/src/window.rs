//! Where the L1 data read must start (part of statement 3): early enough that
//! no batch for block `N` can lie in data the program did not read.
//!
//! A batch for `N` names an L1 origin at or after the parent's origin `O` and
//! carries that origin's hash, so it is posted after `O`: every channel that
//! holds one has a frame in L1 block `O+1` or later. When the data read starts
//! at or before `O+1`, such a channel is therefore either read from its frame
//! 0, or first seen at a later frame (it opened before the data read, and the
//! program cannot see what it holds). The second case cannot matter when the
//! data starts a channel timeout before `O+1` (or at the L1 genesis block): a
//! channel opened earlier has timed out by `O+1`, and op-node ignores its
//! later frames. The host starts at `O+1` (the cheap, usual case) and moves the
//! start to [`full_start`] when [`check_headless`] asks for it.

use alloc::format;

use refute_da::channel::{ChannelRules, HeadlessChannel};
use refute_da::pipeline::hex_id;

use crate::{
    config::RollupConfig,
    error::{FaultError, FaultResult},
};

/// The start from which no channel opened before the data read can still
/// deliver a batch for the block at `timestamp`, whose parent's L1 origin is
/// `parent_origin`: a channel timeout (of `timestamp`'s fork) before
/// `parent_origin + 1`, or the L1 genesis block.
pub fn full_start(config: &RollupConfig, parent_origin: u64, timestamp: u64) -> u64 {
    let timeout = ChannelRules::at(&config.forks, timestamp, config.channel_timeout_bedrock).channel_timeout;
    (parent_origin + 1).saturating_sub(timeout).max(config.genesis_l1_number)
}

/// The first L1 block read (`first`) must be at or before `parent_origin + 1`,
/// where batches for `N` begin.
pub fn check_first_block(first: Option<u64>, parent_origin: u64) -> FaultResult<()> {
    match first {
        Some(first) if first <= parent_origin + 1 => Ok(()),
        Some(first) => Err(FaultError::WindowStart(format!(
            "the L1 data starts at block {first}, after block {}: a batch for the disputed block may lie before it",
            parent_origin + 1
        ))),
        None => Err(FaultError::WindowStart(format!(
            "no L1 block is read; the data must start at or before block {}",
            parent_origin + 1
        ))),
    }
}

/// Unless the data starts at or before `full_start`, no channel may be first
/// seen at a frame other than 0 in an L1 block up to `up_to` (the block in
/// which the chosen batch's channel completed; every block when no batch was
/// found): such a channel opened before the data read and may hold an earlier
/// batch for `N`.
pub fn check_headless(first: u64, full_start: u64, headless: &[HeadlessChannel], up_to: u64) -> FaultResult<()> {
    if first <= full_start {
        return Ok(());
    }
    match headless.iter().find(|h| h.l1_block <= up_to) {
        None => Ok(()),
        Some(h) => Err(FaultError::WindowStart(format!(
            "channel {} is first seen at frame {} in L1 block {}, so it opened before the data read (block {first}); \
             start the data at or before L1 block {full_start}",
            hex_id(&h.id),
            h.frame_number,
            h.l1_block
        ))),
    }
}

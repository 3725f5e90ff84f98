//! Which batch gives block `N` (part of statement 3): op-node's batch queue
//! before Holocene, its batch stage from Holocene on (by the L1 inclusion
//! block's time, as op-node switches).
//!
//! Before Holocene batches may arrive in any order: the first batch for `N`'s
//! timestamp (in the order their channels completed) that is valid is used,
//! and an invalid one affects no other. From Holocene on batches must arrive
//! in order: a batch before `N` is past and skipped, a batch after `N` is
//! dropped, and a dropped batch drops the rest of its channel too ("fast
//! channel invalidation"), so a later batch for `N` in the same channel is
//! never read.

use alloc::{format, string::String, vec::Vec};

use refute_da::pipeline::Reconstruction;
use refute_forks::OpHardfork;

use crate::{
    agreed::AgreedBlock, config::RollupConfig, derivation::drop_reason, error::FaultResult, l1::L1Chain, span,
};

/// Where a derived block came from.
#[derive(Clone, Debug)]
pub struct BlockSource {
    /// Index of its channel in the reconstruction's channels.
    pub channel_index: usize,
    /// The L1 block in which the channel completed.
    pub inclusion: u64,
    /// Its batch, as indices into the reconstruction's blocks.
    pub batch: core::ops::Range<usize>,
    pub span: bool,
}

/// The source of each of the reconstruction's blocks, in order.
fn block_sources(rec: &Reconstruction) -> Vec<BlockSource> {
    let mut out = Vec::with_capacity(rec.blocks.len());
    for (channel_index, channel) in rec.channels.iter().enumerate() {
        for &(_, kind, blocks) in &channel.batches {
            let start = out.len();
            let source = BlockSource {
                channel_index,
                inclusion: channel.ready_block,
                batch: start..start + blocks,
                span: kind == 1,
            };
            out.extend(core::iter::repeat_n(source, blocks));
        }
    }
    out
}

/// The batch chosen for `N`, if any, and why each batch read for `N` before it
/// was dropped.
#[derive(Debug)]
pub struct Choice {
    /// Index of `N`'s block in the reconstruction's blocks, and its source.
    pub chosen: Option<(usize, BlockSource)>,
    pub dropped: Vec<String>,
}

/// Picks the batch that gives the block after `parent` (at `timestamp`) out of
/// the reconstruction's batches.
pub fn choose(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    rec: &Reconstruction,
    timestamp: u64,
) -> FaultResult<Choice> {
    let sources = block_sources(rec);
    let mut dropped = Vec::new();
    let mut flushed: Option<usize> = None;
    let mut start = 0;
    while start < sources.len() {
        let source = &sources[start];
        start = source.batch.end;
        if flushed == Some(source.channel_index) {
            continue;
        }
        let blocks = &rec.blocks[source.batch.clone()];
        let (first, last) = (blocks[0].timestamp, blocks[blocks.len() - 1].timestamp);
        let holocene = holocene_batch_rules(config, chain, source.inclusion)?;
        if last < timestamp || (!holocene && first > timestamp) {
            // Past (both rule sets), or future (buffered before Holocene; it cannot give `N`).
            continue;
        }
        let reason = if first > timestamp {
            Some(format!("batch for L2 time {first} is ahead of block N's {timestamp}"))
        } else {
            judge(config, chain, parent, rec, source, timestamp, holocene)?
        };
        match reason {
            None => {
                let index = source.batch.start + ((timestamp - first) / config.block_time) as usize;
                return Ok(Choice { chosen: Some((index, source.clone())), dropped });
            }
            Some(reason) if holocene => {
                dropped.push(format!("{reason} (the rest of its channel is dropped too)"));
                flushed = Some(source.channel_index);
            }
            Some(reason) => dropped.push(reason),
        }
    }
    Ok(Choice { chosen: None, dropped })
}

/// Whether op-node reads a batch completed in L1 block `inclusion` by Holocene's rules.
pub(crate) fn holocene_batch_rules(config: &RollupConfig, chain: &L1Chain, inclusion: u64) -> FaultResult<bool> {
    let time = chain.require(inclusion, "the L1 block that completed a batch's channel")?.timestamp;
    Ok(config.forks.is_active(OpHardfork::Holocene, time))
}

/// Why a batch that spans `N`'s timestamp would be dropped for `N`.
fn judge(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    rec: &Reconstruction,
    source: &BlockSource,
    timestamp: u64,
    holocene: bool,
) -> FaultResult<Option<String>> {
    let blocks = &rec.blocks[source.batch.clone()];
    if source.span {
        if let Some(reason) = span::drop_reason(config, chain, parent, blocks, source.inclusion, holocene)? {
            return Ok(Some(reason));
        }
    }
    let Some(block) = blocks.iter().find(|b| b.timestamp == timestamp) else {
        return Ok(Some(format!("batch has no block at L2 time {timestamp}")));
    };
    drop_reason(config, chain, parent, block, source.span, source.inclusion)
}

//! Whether a span batch may give block `N` (part of statement 3): op-node's
//! `checkSpanBatchPrefix` (from Holocene on) or `checkSpanBatch` (before).
//!
//! A span batch is judged as a whole against the agreed block `N − 1` (the
//! safe head): its parent, its first and last L1 origins, its inclusion within
//! the sequencing window. Before Holocene every block after the safe head is
//! judged too, and any invalid one drops the whole span ("atomic" validity),
//! and the blocks that overlap the safe chain must equal it. From Holocene on
//! (by the L1 inclusion block's time) only the prefix is judged here; block
//! `N` itself is then judged as a singular batch, and blocks after it do not
//! matter ("partial span batch validity").
//!
//! A span that starts two or more blocks before `N` overlaps blocks older
//! than the agreed block: its parent and (before Holocene) the overlapped
//! blocks come from the input's L2 ancestors (`crate::ancestors`), and when the
//! input does not reach back far enough the program asks for more
//! ([`FaultError::L2Ancestors`]), as op-node's "undecided" waits for them.

use alloc::{format, string::String};

use refute_da::derive::L2Block;

use crate::{
    agreed::AgreedBlock,
    config::RollupConfig,
    derivation::{origin_time_drop_reason, transaction_drop_reason},
    error::{FaultError, FaultResult},
    l1::L1Chain,
};

/// The L2 block before the span's first block: its hash and its L1 origin number.
struct SpanParent {
    hash: alloy_primitives::B256,
    l1_origin: u64,
}

/// The span's parent when the span starts `overlap` blocks at or before the agreed block.
fn span_parent(config: &RollupConfig, parent: &AgreedBlock, overlap: u64, holocene: bool) -> FaultResult<SpanParent> {
    let origin = parent.l1_info.l1_number;
    match overlap {
        0 => Ok(SpanParent { hash: parent.hash, l1_origin: origin }),
        // The agreed block's parent: in the same epoch unless the agreed block opened its epoch.
        1 => Ok(SpanParent {
            hash: parent.header.parent_hash,
            l1_origin: if parent.l1_info.sequence_number > 0 { origin } else { origin.saturating_sub(1) },
        }),
        _ => {
            let oldest = parent.header.number.checked_sub(overlap).filter(|n| *n >= config.genesis_l2_number);
            let Some(oldest) = oldest else {
                return Err(FaultError::Unsupported(format!(
                    "a span batch for block {} starts at or before the L2 genesis block",
                    parent.header.number + 1
                )));
            };
            held_span_parent(parent, oldest, holocene)
        }
    }
}

/// The span's parent, block `oldest` before the agreed block, from the
/// input's L2 ancestors. The span needs that block's hash and origin and,
/// before Holocene, the transactions of every block it overlaps; when the
/// input lacks any of them, an `L2Ancestors` error says which blocks to add.
fn held_span_parent(parent: &AgreedBlock, oldest: u64, holocene: bool) -> FaultResult<SpanParent> {
    let agreed = parent.header.number;
    let held = |number: u64| {
        let ancestor = parent.ancestor(number).filter(|a| a.batched.is_some())?;
        Some(SpanParent { hash: ancestor.hash, l1_origin: ancestor.l1_origin? })
    };
    let transactions_through = if holocene { oldest } else { agreed.saturating_sub(1) };
    let missing = || FaultError::L2Ancestors {
        oldest,
        transactions_through,
        reason: format!("a span batch for block {} starts at block {}", agreed + 1, oldest + 1),
    };
    if !(oldest..=transactions_through).all(|number| held(number).is_some()) {
        return Err(missing());
    }
    held(oldest).ok_or_else(missing)
}

/// Why op-node would drop the span batch `span` (one of whose blocks has `N`'s
/// timestamp), completed in L1 block `inclusion_block`, for the block after
/// `parent`; `None`: it is valid as a whole. `holocene`: Holocene's rules
/// apply (by the inclusion block's time, [`crate::batch_queue`]).
/// An `Err` of kind `l1_data` or `l2_ancestors` is op-node's "undecided": the
/// input holds too few L1 blocks, or too few L2 blocks before the agreed one.
pub fn drop_reason(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    span: &[L2Block],
    inclusion_block: u64,
    holocene: bool,
) -> FaultResult<Option<String>> {
    let (Some(first), Some(last)) = (span.first(), span.last()) else {
        return Err(FaultError::Derivation("an empty span batch".into()));
    };
    let origin = parent.l1_info.l1_number;
    let block_time = config.block_time;
    let start_epoch = first.l1_origin_number;
    let batch_origin = if start_epoch == origin + 1 {
        chain.require(origin + 1, "the next L1 origin a span batch starts in")?
    } else {
        chain.require(origin, "the agreed block's L1 origin")?
    };
    if !config.forks.is_delta_active(batch_origin.timestamp) {
        return Ok(Some("span batch before Delta (by its L1 origin's time)".into()));
    }
    let safe_time = parent.header.timestamp;
    let overlap = if first.timestamp <= safe_time {
        if !(safe_time - first.timestamp).is_multiple_of(block_time) {
            return Ok(Some("span batch has a misaligned timestamp".into()));
        }
        (safe_time - first.timestamp) / block_time + 1
    } else if first.timestamp < safe_time + block_time {
        return Ok(Some("span batch has a misaligned timestamp".into()));
    } else {
        0
    };
    let span_parent = span_parent(config, parent, overlap, holocene)?;
    if first.parent_check.as_slice() != &span_parent.hash[..20] {
        let number = parent.header.number.saturating_sub(overlap);
        return Ok(Some(format!("span batch parent check does not match L2 block {number}")));
    }
    if start_epoch + config.seq_window_size < inclusion_block {
        return Ok(Some(format!("span batch included in L1 block {inclusion_block}, past the sequencing window")));
    }
    if start_epoch > span_parent.l1_origin + 1 {
        return Ok(Some(format!("span batch starts in L1 origin {start_epoch}, past its parent's next")));
    }
    let end_epoch = last.l1_origin_number;
    let end_hash = (end_epoch >= origin).then(|| chain.hash(end_epoch)).flatten().ok_or_else(|| {
        FaultError::L1Data(format!("the span batch's last L1 origin {end_epoch} is not in the L1 data given"))
    })?;
    if last.l1_origin_check.as_slice() != &end_hash[..last.l1_origin_check.len().min(32)] {
        return Ok(Some(format!("span batch L1 origin check does not match L1 block {end_epoch}")));
    }
    if start_epoch < span_parent.l1_origin {
        return Ok(Some(format!("span batch starts in L1 origin {start_epoch}, before its parent's")));
    }
    if holocene {
        return Ok(None);
    }
    if let Some(reason) = later_block_drop_reason(config, chain, parent, span, &span_parent)? {
        return Ok(Some(reason));
    }
    Ok(overlap_drop_reason(parent, span, overlap))
}

/// Before Holocene: why a block after the safe head drops the whole span.
fn later_block_drop_reason(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    span: &[L2Block],
    span_parent: &SpanParent,
) -> FaultResult<Option<String>> {
    let origin = parent.l1_info.l1_number;
    for (i, block) in span.iter().enumerate() {
        if block.timestamp <= parent.header.timestamp {
            continue;
        }
        let epoch = block.l1_origin_number;
        let number = parent.header.number + (block.timestamp - parent.header.timestamp) / config.block_time;
        if epoch < origin {
            return Ok(Some(format!(
                "span batch: L2 block {number} has L1 origin {epoch}, before the agreed block's {origin}"
            )));
        }
        let l1_origin = chain.require(epoch, "a span batch block's L1 origin")?;
        let advanced = match i {
            0 => epoch == span_parent.l1_origin + 1,
            _ => epoch > span[i - 1].l1_origin_number,
        };
        if let Some(reason) = origin_time_drop_reason(config, chain, block, l1_origin, advanced)? {
            return Ok(Some(format!("span batch: L2 block {number}: {reason}")));
        }
        if let Some(reason) = transaction_drop_reason(config, block) {
            return Ok(Some(format!("span batch: L2 block {number}: {reason}")));
        }
    }
    Ok(None)
}

/// Before Holocene: the span's blocks that overlap the safe chain must equal
/// it, in batched transactions and L1 origin: the agreed block and the
/// ancestors before it (all held: [`held_span_parent`] asked for them).
fn overlap_drop_reason(parent: &AgreedBlock, span: &[L2Block], overlap: u64) -> Option<String> {
    let agreed = parent.header.number;
    for (i, block) in span.iter().enumerate().take(usize::try_from(overlap).ok()?) {
        let number = agreed + 1 + i as u64 - overlap;
        let (batched, origin) = if number == agreed {
            (parent.batched.as_slice(), parent.l1_info.l1_number)
        } else {
            let ancestor = parent.ancestor(number)?;
            (ancestor.batched.as_deref()?, ancestor.l1_origin?)
        };
        let same = block.transactions.len() == batched.len()
            && block.transactions.iter().zip(batched).all(|(a, b)| a.as_slice() == b.as_ref());
        if !same {
            return Some(format!("span batch's overlapped block {number} differs from its transactions"));
        }
        if block.l1_origin_number != origin {
            return Some(format!("span batch's overlapped block {number} differs from its L1 origin"));
        }
    }
    None
}

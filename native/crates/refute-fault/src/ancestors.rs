//! L2 blocks older than the agreed block (part of statement 3), for span
//! batches that start two or more blocks before `N`.
//!
//! op-node judges such a span against the block before its first one (the
//! span's parent: its hash and its L1 origin) and, before Holocene, against
//! every block it overlaps (their batched transactions and L1 origins). The
//! input carries those blocks as headers linked by parent hash from the agreed
//! block, so each is the block the agreed output root's chain holds at its
//! height; a block whose transactions the input carries must match its header's
//! transactions root, and its L1-info deposit gives its L1 origin.

use alloc::{format, vec::Vec};

use alloy_primitives::{Bytes, B256};

use crate::{
    agreed::{batched_transactions, transactions_root, AgreedBlock},
    config::RollupConfig,
    error::{FaultError, FaultResult},
    input::L2Ancestor,
    l1_info::{parse_deposit, L1InfoFormat},
};

/// One verified ancestor.
#[derive(Debug, Clone)]
pub struct VerifiedAncestor {
    pub number: u64,
    pub hash: B256,
    /// Its L1 origin's number, when the input shows it (its transactions, or
    /// the L2 genesis block, whose origin the rollup config names).
    pub l1_origin: Option<u64>,
    /// Its batched (non-deposit) transactions, when the input carries its list.
    pub batched: Option<Vec<Bytes>>,
}

/// The ancestors of the agreed block the input carries, nearest first
/// (block `N − 2` at index 0). Refuses any that does not link.
pub fn verify(config: &RollupConfig, parent: &AgreedBlock, given: &[L2Ancestor]) -> FaultResult<Vec<VerifiedAncestor>> {
    let mut verified = Vec::with_capacity(given.len());
    let mut child_parent_hash = parent.header.parent_hash;
    let mut expected_number = parent.header.number;
    for (i, ancestor) in given.iter().enumerate() {
        let header = &ancestor.header;
        expected_number = expected_number
            .checked_sub(1)
            .ok_or_else(|| FaultError::AgreedState(format!("L2 ancestor {i} would be before block 0")))?;
        let hash = header.hash_slow();
        if hash != child_parent_hash || header.number != expected_number {
            return Err(FaultError::AgreedState(format!(
                "L2 ancestor {i} (block {}, hash {hash}) is not block {expected_number} of the agreed chain (its hash is {child_parent_hash})",
                header.number
            )));
        }
        let is_genesis = header.number == config.genesis_l2_number;
        if is_genesis && hash != config.genesis_l2_hash {
            return Err(FaultError::AgreedState(format!(
                "the agreed chain's block {} hashes to {hash}, not the rollup config's L2 genesis {}",
                header.number, config.genesis_l2_hash
            )));
        }
        let (l1_origin, batched) = if is_genesis {
            (Some(config.genesis_l1_number), Some(Vec::new()))
        } else if ancestor.transactions.is_empty() {
            (None, None)
        } else {
            let root = transactions_root(&ancestor.transactions);
            if root != header.transactions_root {
                return Err(FaultError::AgreedState(format!(
                    "the transactions given for L2 block {} hash to {root}, not its transactions root {}",
                    header.number, header.transactions_root
                )));
            }
            let format = L1InfoFormat::for_fork(config.forks.fork_at(header.timestamp))?;
            let info = parse_deposit(format, &ancestor.transactions[0])?;
            (Some(info.l1_number), Some(batched_transactions(&ancestor.transactions)))
        };
        verified.push(VerifiedAncestor { number: header.number, hash, l1_origin, batched });
        child_parent_hash = header.parent_hash;
        if is_genesis {
            break;
        }
    }
    if verified.len() < given.len() {
        return Err(FaultError::MalformedInput(format!(
            "{} L2 ancestors given past the L2 genesis block",
            given.len() - verified.len()
        )));
    }
    Ok(verified)
}

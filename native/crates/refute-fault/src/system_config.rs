//! The system config over the L1 data window: whose transactions are batcher
//! data must not change inside it.
//!
//! Why: op-node's L1 traversal updates the system config with each L1 block's
//! own receipts (`ConfigUpdate` logs of the `SystemConfig` contract, successful
//! receipts only) before it reads that block's batcher data, so a batcher
//! rotated inside the window changes whose transactions count from that block
//! on. The program filters the window by the batcher of the agreed block's
//! L1-info deposit, which is the config as of the parent's L1 origin; that is
//! right exactly when no block after the origin, up to the last one read,
//! updates the config. Updates are not applied yet, so a window with one is
//! refused as unsupported (a proof cannot be made for that block, which costs
//! liveness), and never read under the wrong batcher.
//!
//! A block's logs bloom settles most blocks cheaply: without both the
//! contract's address and the event's topic in it, the block has no such log.
//! For a block whose bloom admits one, its whole receipt list must be given
//! (checked against its receipts root) and must hold none.

use alloc::{format, vec::Vec};

use alloy_consensus::Header;
use alloy_primitives::{b256, Address, BloomInput, Log, B256};

use crate::{
    error::{FaultError, FaultResult},
    l1::{verify_receipts, BlockReceipts, BlockTransactions, L1Chain},
};

/// `keccak256("ConfigUpdate(uint256,uint8,bytes)")`, the `SystemConfig`
/// contract's event (a test checks the hash).
pub const CONFIG_UPDATE_TOPIC: B256 = b256!("1d2b0bda21d56b8bd12d4f94ebacffdfb35f5e226f84b461103bb8beab6353be");

/// Whether `log`, of a receipt that `succeeded`, updates the config of
/// `system_config` (op-node reads only successful receipts' logs).
pub fn is_config_update(succeeded: bool, log: &Log, system_config: Address) -> bool {
    succeeded && log.address == system_config && log.topics().first() == Some(&CONFIG_UPDATE_TOPIC)
}

/// Whether `header`'s logs bloom admits a `ConfigUpdate` log of
/// `system_config` (the address and the event topic both possibly present).
pub fn may_update(header: &Header, system_config: Address) -> bool {
    let bloom = &header.logs_bloom;
    bloom.contains_input(BloomInput::Raw(system_config.as_slice()))
        && bloom.contains_input(BloomInput::Raw(CONFIG_UPDATE_TOPIC.as_slice()))
}

/// The blocks of `window` whose receipts must be given: those whose bloom
/// admits a config update.
pub fn receipts_needed(chain: &L1Chain, window: &[BlockTransactions], system_config: Address) -> Vec<u64> {
    window
        .iter()
        .filter(|block| chain.header(block.number).is_some_and(|h| may_update(h, system_config)))
        .map(|block| block.number)
        .collect()
}

/// Refuses a window (the L1 blocks whose transactions are read) in which the
/// system config at `system_config` may change: a block whose bloom admits an
/// update needs its receipts in `receipts`, and they must hold no update.
pub fn check_window(
    chain: &L1Chain,
    window: &[BlockTransactions],
    receipts: &[BlockReceipts],
    system_config: Address,
) -> FaultResult<()> {
    for number in receipts_needed(chain, window, system_config) {
        let given = receipts.iter().find(|r| r.number == number).ok_or_else(|| {
            FaultError::L1Data(format!(
                "the receipts of L1 block {number} are needed: its logs bloom may hold a system config update"
            ))
        })?;
        for (index, receipt) in verify_receipts(chain, given)?.iter().enumerate() {
            if receipt.logs().iter().any(|log| is_config_update(receipt.status(), log, system_config)) {
                return Err(FaultError::Unsupported(format!(
                    "L1 block {number}, whose batcher data is read, updates the system config (receipt {index}); \
                     op-node reads its data and the blocks after it under the updated config"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;

    use super::CONFIG_UPDATE_TOPIC;
    use crate::deposits::DEPOSIT_EVENT_TOPIC;

    #[test]
    fn the_event_topics_are_the_hashes_of_their_signatures() {
        assert_eq!(CONFIG_UPDATE_TOPIC, keccak256("ConfigUpdate(uint256,uint8,bytes)"));
        assert_eq!(DEPOSIT_EVENT_TOPIC, keccak256("TransactionDeposited(address,address,uint256,bytes)"));
    }
}

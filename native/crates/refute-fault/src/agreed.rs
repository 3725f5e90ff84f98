//! Statement 1: the agreed state. The agreed output root's preimage, the parent
//! header it names, the parent's transactions and its L1-info deposit.

use alloc::{format, vec::Vec};

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Bytes, B256};
use alloy_trie::{root::ordered_trie_root_with_encoder, TrieAccount};
use refute_forks::OpHardfork;
use refute_stf::{chain::MESSAGE_PASSER, mpt::NodeStore, mpt::Trie};

use crate::{
    ancestors::{self, VerifiedAncestor},
    derivation::DEPOSIT_TX_TYPE,
    error::{FaultError, FaultResult},
    input::FaultInput,
    l1_info::{parse_deposit, L1Info, L1InfoFormat},
};

/// Block `N − 1` as the agreed output root fixes it.
#[derive(Debug, Clone)]
pub struct AgreedBlock {
    pub header: Header,
    pub hash: B256,
    /// Its L1-info deposit: L1 origin, sequence number, system config.
    pub l1_info: L1Info,
    /// Its batched (non-deposit) transactions, for span-batch continuity.
    pub batched: Vec<Bytes>,
    /// The blocks before it the input carries, nearest first (`crate::ancestors`).
    pub ancestors: Vec<VerifiedAncestor>,
}

impl AgreedBlock {
    /// The ancestor numbered `number` (below this block's number), if the input holds it.
    pub fn ancestor(&self, number: u64) -> Option<&VerifiedAncestor> {
        let index = self.header.number.checked_sub(number.checked_add(1)?)?;
        self.ancestors.get(usize::try_from(index).ok()?)
    }
}

/// The transactions root of a block holding `transactions` (EIP-2718 encodings).
pub fn transactions_root(transactions: &[Bytes]) -> B256 {
    ordered_trie_root_with_encoder(transactions, |t: &Bytes, buf: &mut Vec<u8>| buf.extend_from_slice(t))
}

/// A block's transactions as a batch carries them: all but the deposits.
pub fn batched_transactions(transactions: &[Bytes]) -> Vec<Bytes> {
    transactions.iter().filter(|t| t.first() != Some(&DEPOSIT_TX_TYPE)).cloned().collect()
}

/// The message passer's storage root in the state under `state_root`.
pub fn message_passer_root(store: &NodeStore, state_root: B256) -> FaultResult<B256> {
    let mut trie = Trie::from_root(state_root);
    let leaf = trie.get(store, keccak256(MESSAGE_PASSER).as_slice()).map_err(|e| {
        FaultError::AgreedState(format!("the witness does not show the message passer in the agreed state: {e}"))
    })?;
    let Some(leaf) = leaf else {
        return Err(FaultError::AgreedState("the agreed state has no message passer account".into()));
    };
    let account: TrieAccount = alloy_rlp::Decodable::decode(&mut &leaf[..])
        .map_err(|e| FaultError::AgreedState(format!("message passer account RLP: {e}")))?;
    Ok(account.storage_root)
}

/// Checks the agreed output root against its preimage, the parent header and state.
pub fn verify(input: &FaultInput, store: &NodeStore) -> FaultResult<AgreedBlock> {
    let preimage = &input.agreed_output;
    let root = preimage.root();
    if root != input.agreed_output_root {
        return Err(FaultError::AgreedState(format!(
            "the output preimage hashes to {root}, not the agreed output root {}",
            input.agreed_output_root
        )));
    }
    let header =
        input.witness.headers.iter().find(|h| h.hash_slow() == preimage.block_hash).cloned().ok_or_else(|| {
            FaultError::AgreedState(format!(
                "no witness header hashes to the agreed block hash {}",
                preimage.block_hash
            ))
        })?;
    if header.state_root != preimage.state_root {
        return Err(FaultError::AgreedState(format!(
            "the agreed block's state root is {}, the output preimage says {}",
            header.state_root, preimage.state_root
        )));
    }
    let passer = message_passer_root(store, header.state_root)?;
    if passer != preimage.message_passer_storage_root {
        return Err(FaultError::AgreedState(format!(
            "the message passer's storage root is {passer}, the output preimage says {}",
            preimage.message_passer_storage_root
        )));
    }
    let tx_root = transactions_root(&input.parent_transactions);
    if tx_root != header.transactions_root {
        return Err(FaultError::AgreedState(format!(
            "the parent transactions hash to {tx_root}, not the agreed block's transactions root {}",
            header.transactions_root
        )));
    }
    let first = input
        .parent_transactions
        .first()
        .ok_or_else(|| FaultError::AgreedState("the agreed block has no transactions".into()))?;
    let format = L1InfoFormat::for_fork(input.config.forks.fork_at(header.timestamp))?;
    let l1_info = parse_deposit(format, first)?;
    let batched = batched_transactions(&input.parent_transactions);
    if input.config.forks.is_active(OpHardfork::Isthmus, header.timestamp)
        && header.withdrawals_root != Some(preimage.message_passer_storage_root)
    {
        return Err(FaultError::AgreedState(
            "the agreed (Isthmus) header's withdrawals root is not the message passer's storage root".into(),
        ));
    }
    let mut agreed = AgreedBlock { hash: preimage.block_hash, header, l1_info, batched, ancestors: Vec::new() };
    agreed.ancestors = ancestors::verify(&input.config, &agreed, &input.l2_ancestors)?;
    Ok(agreed)
}

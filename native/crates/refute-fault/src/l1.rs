//! L1 data bound to `l1_head`: the header chain, and whole transaction and
//! receipt lists checked against their headers' roots.
//!
//! Why whole lists rather than per-item proofs: recomputing a root from the
//! complete list proves inclusion *and* completeness, so no batcher
//! transaction or deposit of a block the program reads can be left out.

use alloc::{collections::BTreeMap, format, vec::Vec};

use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope};
use alloy_eips::Decodable2718;
use alloy_primitives::{Bytes, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};
use alloy_trie::root::ordered_trie_root_with_encoder;

use crate::error::{FaultError, FaultResult};

/// Most L1 headers one input may carry (a sequencing window on mainnet is 3,600).
pub const MAX_L1_HEADERS: usize = 8_192;

/// Every transaction of one L1 block (EIP-2718 encodings, block order).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BlockTransactions {
    pub number: u64,
    pub transactions: Vec<Bytes>,
}

/// Every receipt of one L1 block (EIP-2718 encodings, block order).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BlockReceipts {
    pub number: u64,
    pub receipts: Vec<Bytes>,
}

/// L1 headers proven to be ancestors of (or equal to) `l1_head`, by number.
#[derive(Debug, Clone)]
pub struct L1Chain {
    pub head: B256,
    headers: BTreeMap<u64, (B256, Header)>,
}

impl L1Chain {
    /// Checks that `headers` run from `l1_head` backwards, each the parent of the
    /// one before it.
    pub fn verify(l1_head: B256, headers: &[Header]) -> FaultResult<Self> {
        if headers.is_empty() {
            return Err(FaultError::L1Data("no L1 headers: the first must hash to l1_head".into()));
        }
        if headers.len() > MAX_L1_HEADERS {
            return Err(FaultError::MalformedInput(format!(
                "{} L1 headers exceed the cap of {MAX_L1_HEADERS}",
                headers.len()
            )));
        }
        let mut map = BTreeMap::new();
        let mut expected = l1_head;
        for (i, header) in headers.iter().enumerate() {
            let hash = header.hash_slow();
            if hash != expected {
                return Err(FaultError::L1Data(if i == 0 {
                    format!("the first L1 header hashes to {hash}, not l1_head {l1_head}")
                } else {
                    format!("L1 header {i} (number {}) hashes to {hash}, not the parent hash {expected}", header.number)
                }));
            }
            if i > 0 && header.number + 1 != headers[i - 1].number {
                return Err(FaultError::L1Data(format!(
                    "L1 header {i} has number {}, not {}",
                    header.number,
                    headers[i - 1].number.saturating_sub(1)
                )));
            }
            map.insert(header.number, (hash, header.clone()));
            expected = header.parent_hash;
        }
        Ok(L1Chain { head: l1_head, headers: map })
    }

    /// The header of L1 block `number`, if the chain holds it.
    pub fn header(&self, number: u64) -> Option<&Header> {
        self.headers.get(&number).map(|(_, h)| h)
    }

    /// The hash of L1 block `number`, if the chain holds it.
    pub fn hash(&self, number: u64) -> Option<B256> {
        self.headers.get(&number).map(|(h, _)| *h)
    }

    /// The header, or an error naming what the input lacks.
    pub fn require(&self, number: u64, why: &str) -> FaultResult<&Header> {
        self.header(number).ok_or_else(|| {
            FaultError::L1Data(format!("L1 block {number} ({why}) is not among the headers linked to l1_head"))
        })
    }
}

fn ordered_root(items: &[Bytes]) -> B256 {
    ordered_trie_root_with_encoder(items, |item: &Bytes, buf: &mut Vec<u8>| buf.extend_from_slice(item))
}

/// Decodes a block's transactions after checking they are all of them.
pub fn verify_transactions(chain: &L1Chain, block: &BlockTransactions) -> FaultResult<Vec<TxEnvelope>> {
    let header = chain.require(block.number, "its transactions are given")?;
    let root = ordered_root(&block.transactions);
    if root != header.transactions_root {
        return Err(FaultError::L1Data(format!(
            "the {} transactions given for L1 block {} hash to {root}, not its transactions root {}",
            block.transactions.len(),
            block.number,
            header.transactions_root
        )));
    }
    block
        .transactions
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            TxEnvelope::decode_2718(&mut raw.as_ref())
                .map_err(|e| FaultError::L1Data(format!("L1 block {} transaction {i}: {e}", block.number)))
        })
        .collect()
}

/// Decodes a block's receipts after checking they are all of them.
pub fn verify_receipts(chain: &L1Chain, block: &BlockReceipts) -> FaultResult<Vec<ReceiptEnvelope>> {
    let header = chain.require(block.number, "its receipts are given")?;
    let root = ordered_root(&block.receipts);
    if root != header.receipts_root {
        return Err(FaultError::L1Data(format!(
            "the {} receipts given for L1 block {} hash to {root}, not its receipts root {}",
            block.receipts.len(),
            block.number,
            header.receipts_root
        )));
    }
    block
        .receipts
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            ReceiptEnvelope::decode_2718(&mut raw.as_ref())
                .map_err(|e| FaultError::L1Data(format!("L1 block {} receipt {i}: {e}", block.number)))
        })
        .collect()
}

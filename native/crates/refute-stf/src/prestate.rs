//! Witnesses from a full pre-state (test fixtures, the local devnet).
//!
//! Why execute to extract: which nodes a block needs depends on what it reads
//! and writes, including the sibling nodes of branch collapses, which only
//! execution reveals. So the block runs once against a store of *all* nodes of
//! the full tries, and the store records every node it hands out; those nodes
//! (plus used codes and the ancestor headers BLOCKHASH reached) are exactly the
//! witness. A later stateless run with `strict_witness` proves nothing is extra.

use std::collections::BTreeMap;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{TrieAccount, KECCAK_EMPTY};
use serde::Deserialize;

use crate::{
    chain::ChainConfig,
    db::AccountChange,
    error::StfError,
    execute::{decode_block, execute_with_store, BlockOutcome, ExecOptions},
    mpt::{NodeStore, Trie},
    witness::Witness,
};

/// One account of a full state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FullAccount {
    pub nonce: u64,
    pub balance: U256,
    pub code: Bytes,
    pub storage: BTreeMap<U256, U256>,
}

/// A full state: every account with its code and storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FullState {
    pub accounts: BTreeMap<Address, FullAccount>,
}

#[derive(Deserialize)]
struct AccountJson {
    #[serde(default)]
    nonce: Option<U256>,
    #[serde(default)]
    balance: Option<U256>,
    #[serde(default)]
    code: Option<Bytes>,
    #[serde(default)]
    storage: BTreeMap<U256, U256>,
}

impl FullState {
    /// Parses an `alloc`/`pre` map: address → {nonce, balance, code, storage} (hex quantities).
    pub fn from_json_value(v: &serde_json::Value) -> Result<Self, StfError> {
        let map: BTreeMap<Address, AccountJson> =
            serde_json::from_value(v.clone()).map_err(|e| StfError::MalformedWitness(format!("pre-state: {e}")))?;
        let mut accounts = BTreeMap::new();
        for (address, a) in map {
            let nonce = a.nonce.unwrap_or_default();
            let nonce: u64 = nonce
                .try_into()
                .map_err(|_| StfError::MalformedWitness(format!("pre-state: nonce of {address} exceeds 64 bits")))?;
            accounts.insert(
                address,
                FullAccount {
                    nonce,
                    balance: a.balance.unwrap_or_default(),
                    code: a.code.unwrap_or_default(),
                    storage: a.storage.into_iter().filter(|(_, v)| !v.is_zero()).collect(),
                },
            );
        }
        Ok(FullState { accounts })
    }

    /// The state as JSON in the same shape.
    pub fn to_json_value(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for (address, a) in &self.accounts {
            let storage: serde_json::Map<String, serde_json::Value> = a
                .storage
                .iter()
                .map(|(k, v)| (format!("{k:#x}"), serde_json::Value::String(format!("{v:#x}"))))
                .collect();
            out.insert(
                format!("{address:#x}"),
                serde_json::json!({
                    "nonce": format!("{:#x}", a.nonce),
                    "balance": format!("{:#x}", a.balance),
                    "code": format!("{}", a.code),
                    "storage": storage,
                }),
            );
        }
        serde_json::Value::Object(out)
    }

    /// Builds every trie; returns (state root, all hashed nodes, all codes).
    pub fn build_tries(&self) -> (B256, Vec<Bytes>, Vec<Bytes>) {
        let empty = NodeStore::default();
        let mut nodes = Vec::new();
        let mut codes = Vec::new();
        let mut state = Trie::default();
        for (address, a) in &self.accounts {
            let mut storage = Trie::default();
            for (k, v) in &a.storage {
                storage
                    .insert(&empty, keccak256(k.to_be_bytes::<32>()).as_slice(), alloy_rlp::encode(v))
                    .expect("a fully built trie has no missing nodes");
            }
            nodes.extend(storage.hashed_nodes());
            let code_hash = if a.code.is_empty() { KECCAK_EMPTY } else { keccak256(&a.code) };
            if !a.code.is_empty() {
                codes.push(a.code.clone());
            }
            let account = TrieAccount { nonce: a.nonce, balance: a.balance, storage_root: storage.hash(), code_hash };
            state
                .insert(&empty, keccak256(address).as_slice(), alloy_rlp::encode(account))
                .expect("a fully built trie has no missing nodes");
        }
        nodes.extend(state.hashed_nodes());
        (state.hash(), nodes, codes)
    }

    /// The state root.
    pub fn state_root(&self) -> B256 {
        self.build_tries().0
    }
}

/// `state` after a block's `changes` (what a full node would hold next).
pub fn apply_changes(state: &FullState, changes: &[AccountChange]) -> FullState {
    let mut post = state.clone();
    for change in changes {
        match change.info {
            None => {
                post.accounts.remove(&change.address);
            }
            Some((nonce, balance, code_hash)) => {
                let prev = post.accounts.remove(&change.address).unwrap_or_default();
                let mut acc = FullAccount { nonce, balance, ..Default::default() };
                acc.code = if code_hash == KECCAK_EMPTY {
                    Bytes::new()
                } else if let Some(code) = &change.code {
                    code.clone()
                } else {
                    prev.code.clone()
                };
                acc.storage = if change.storage_cleared { BTreeMap::new() } else { prev.storage };
                for (k, v) in &change.storage {
                    if v.is_zero() {
                        acc.storage.remove(k);
                    } else {
                        acc.storage.insert(*k, *v);
                    }
                }
                post.accounts.insert(change.address, acc);
            }
        }
    }
    post
}

/// The result of [`witness_from_state`].
#[derive(Debug)]
pub struct PrestateWitness {
    /// The minimal witness for the block (what the recording run used).
    pub witness: Witness,
    /// The state after the block, when the block executed.
    pub post_state: Option<FullState>,
    /// The recording run's outcome or error.
    pub result: Result<BlockOutcome, StfError>,
}

/// Builds the witness for `block_rlp` from the full `state` (whose root must be
/// the parent's state root); `ancestors` are headers oldest first, the last the parent.
/// With `check_header` off the block's claimed roots may be placeholders (block
/// building): the outcome's header then holds the true values.
pub fn witness_from_state(
    chain: &ChainConfig,
    state: &FullState,
    block_rlp: &[u8],
    ancestors: &[Header],
    check_header: bool,
) -> Result<PrestateWitness, StfError> {
    let parent = ancestors.last().ok_or_else(|| StfError::Witness("no parent header".into()))?;
    let (root, nodes, codes) = state.build_tries();
    if root != parent.state_root {
        return Err(StfError::Witness(format!(
            "the full pre-state has root {root} but the parent header says {}",
            parent.state_root
        )));
    }
    let store = NodeStore::from_nodes(nodes);
    // Keep at most the 256 most recent ancestors (what BLOCKHASH can reach).
    let from = ancestors.len().saturating_sub(256);
    let recent = &ancestors[from..];
    let block = match decode_block(block_rlp) {
        Ok(b) => b,
        Err(e) => {
            let witness = Witness { headers: vec![parent.clone()], ..Default::default() };
            return Ok(PrestateWitness { witness, post_state: None, result: Err(e) });
        }
    };
    let opts = ExecOptions { check_header, strict_witness: false };
    let run = execute_with_store(chain, &block, recent, &store, &codes, opts);
    let state_nodes = store.used_nodes();
    match run {
        Ok(exec) => {
            let oldest = exec.oldest_block_hash.unwrap_or(parent.number);
            let headers: Vec<Header> = recent.iter().filter(|h| h.number >= oldest).cloned().collect();
            let used_codes: Vec<Bytes> =
                codes.iter().filter(|c| exec.used_codes.contains(&keccak256(c))).cloned().collect();
            let post = apply_changes(state, &exec.changes);
            let witness = Witness { headers, codes: used_codes, state: state_nodes, keys: Vec::new() };
            Ok(PrestateWitness { witness, post_state: Some(post), result: Ok(exec.outcome) })
        }
        Err(e) => {
            // An invalid block still gets a witness (all it touched, every code,
            // every recent header) so a stateless run can reject it for the same reason.
            let witness = Witness { headers: recent.to_vec(), codes, state: state_nodes, keys: Vec::new() };
            Ok(PrestateWitness { witness, post_state: None, result: Err(e) })
        }
    }
}

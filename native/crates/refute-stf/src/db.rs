//! A revm database backed by the witness, with an overlay of the block's changes.
//!
//! Reads go to the partial tries (every node checked by hash); writes are kept
//! per account in an overlay and applied to the tries only once, at the end of
//! the block ([`WitnessDb::state_root`]), inserts before deletions so that a
//! branch collapse needs as few sibling nodes as possible. A missing node or
//! code is a [`StfError`], carried through revm as its database error.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};

use alloy_primitives::{keccak256, map::AddressMap, map::B256Map, map::B256Set, Address, Bytes, B256, U256};
use alloy_trie::{TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use revm::{
    bytecode::Bytecode,
    database_interface::DBErrorMarker,
    state::{Account, AccountInfo},
    Database, DatabaseCommit,
};

use crate::{
    error::StfError,
    mpt::{NodeStore, Trie},
};

impl DBErrorMarker for StfError {}

/// Nonce, balance and code hash of an account (its storage root lives beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Info {
    nonce: u64,
    balance: U256,
    code_hash: B256,
}

impl Info {
    fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK_EMPTY
    }
}

#[derive(Debug, Clone)]
struct AccountEntry {
    /// State at the start of the block (None: did not exist).
    original: Option<Info>,
    original_storage_root: B256,
    /// Current state (None: does not exist).
    current: Option<Info>,
    /// Storage was wiped (created or self-destructed) during the block.
    storage_cleared: bool,
    /// Slots written during the block (current values).
    storage: BTreeMap<U256, U256>,
    /// Slots read from the pre-state.
    original_slots: BTreeMap<U256, U256>,
    touched: bool,
}

impl AccountEntry {
    fn has_storage(&self) -> bool {
        self.storage.values().any(|v| !v.is_zero())
            || (!self.storage_cleared && self.original_storage_root != EMPTY_ROOT_HASH)
    }

    /// Neither a nonce nor code: only its storage could make a CREATE here collide.
    fn creatable_but_for_storage(&self) -> bool {
        self.current.is_none_or(|i| i.nonce == 0 && i.code_hash == KECCAK_EMPTY)
    }
}

/// The witness-backed state of one block execution.
pub struct WitnessDb<'w> {
    store: &'w NodeStore,
    codes: B256Map<Bytecode>,
    used_codes: B256Set,
    new_codes: B256Map<Bytecode>,
    block_hashes: BTreeMap<u64, B256>,
    state_trie: Trie,
    accounts: AddressMap<AccountEntry>,
    storage_tries: AddressMap<Trie>,
    /// An error met inside `commit` (which cannot return one); checked after each commit.
    poisoned: Option<StfError>,
    /// The first read that failed (a node or code the witness lacks). Callers that
    /// wrap database errors (revm, the block executor's system calls) may lose its
    /// type; [`WitnessDb::check`] reports it as itself.
    read_error: Option<StfError>,
    oldest_hash: Option<u64>,
    /// Whether an account that a CREATE could collide with by its storage alone
    /// (EIP-7610) was read since [`WitnessDb::take_create_hazard`] last asked.
    create_hazard: bool,
}

impl core::fmt::Debug for WitnessDb<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WitnessDb")
            .field("accounts", &self.accounts.len())
            .field("codes", &self.codes.len())
            .field("block_hashes", &self.block_hashes.len())
            .finish_non_exhaustive()
    }
}

impl<'w> WitnessDb<'w> {
    /// A database whose pre-state is the trie with root `state_root`.
    pub fn new(store: &'w NodeStore, codes: &[Bytes], state_root: B256, block_hashes: BTreeMap<u64, B256>) -> Self {
        let mut map = B256Map::default();
        for code in codes {
            map.insert(keccak256(code), Bytecode::new_raw(code.clone()));
        }
        WitnessDb {
            store,
            codes: map,
            used_codes: B256Set::default(),
            new_codes: B256Map::default(),
            block_hashes,
            state_trie: Trie::from_root(state_root),
            accounts: AddressMap::default(),
            storage_tries: AddressMap::default(),
            poisoned: None,
            read_error: None,
            oldest_hash: None,
            create_hazard: false,
        }
    }

    fn load(&mut self, address: Address) -> Result<&mut AccountEntry, StfError> {
        if !self.accounts.contains_key(&address) {
            let raw = self
                .state_trie
                .get(self.store, keccak256(address).as_slice())
                .map_err(|e| StfError::trie(format!("account {address}"), e))?;
            let (original, root) = match raw {
                None => (None, EMPTY_ROOT_HASH),
                Some(raw) => {
                    let acc: TrieAccount = alloy_rlp::Decodable::decode(&mut &raw[..]).map_err(|e| {
                        StfError::MalformedWitness(format!("account {address}: bad account RLP in the state trie: {e}"))
                    })?;
                    (Some(Info { nonce: acc.nonce, balance: acc.balance, code_hash: acc.code_hash }), acc.storage_root)
                }
            };
            self.accounts.insert(
                address,
                AccountEntry {
                    original,
                    original_storage_root: root,
                    current: original,
                    storage_cleared: false,
                    storage: BTreeMap::new(),
                    original_slots: BTreeMap::new(),
                    touched: false,
                },
            );
        }
        Ok(self.accounts.get_mut(&address).expect("inserted above"))
    }

    fn original_slot(&mut self, address: Address, slot: U256) -> Result<U256, StfError> {
        let entry = self.load(address)?;
        if let Some(v) = entry.original_slots.get(&slot) {
            return Ok(*v);
        }
        let root = entry.original_storage_root;
        let trie = self.storage_tries.entry(address).or_insert_with(|| Trie::from_root(root));
        let raw = trie
            .get(self.store, keccak256(slot.to_be_bytes::<32>()).as_slice())
            .map_err(|e| StfError::trie(format!("storage slot {slot:#x} of {address}"), e))?;
        let value = match raw {
            None => U256::ZERO,
            Some(raw) => alloy_rlp::Decodable::decode(&mut &raw[..]).map_err(|e| {
                StfError::MalformedWitness(format!("storage slot {slot:#x} of {address}: bad value RLP: {e}"))
            })?,
        };
        self.accounts.get_mut(&address).expect("loaded").original_slots.insert(slot, value);
        Ok(value)
    }

    /// Adds `amount` wei to `address` (withdrawals); an account left empty does not exist.
    pub fn increment_balance(&mut self, address: Address, amount: U256) -> Result<(), StfError> {
        let entry = self.load(address)?;
        let mut info = entry.current.unwrap_or(Info { nonce: 0, balance: U256::ZERO, code_hash: KECCAK_EMPTY });
        info.balance = info.balance.saturating_add(amount);
        entry.current = if info.is_empty() { None } else { Some(info) };
        entry.touched = true;
        Ok(())
    }

    /// Whether `address` has non-empty storage (EIP-7610: such an address cannot be created).
    pub fn has_storage(&mut self, address: Address) -> Result<bool, StfError> {
        Ok(self.load(address)?.has_storage())
    }

    /// Whether an account without nonce and code but with storage was read since
    /// the last call: a CREATE at such an address collides (EIP-7610), which
    /// revm does not check by itself. Resets the mark.
    pub fn take_create_hazard(&mut self) -> bool {
        core::mem::take(&mut self.create_hazard)
    }

    /// Whether `address` currently has code (system contracts must).
    pub fn has_code(&mut self, address: Address) -> Result<bool, StfError> {
        Ok(self.load(address)?.current.is_some_and(|i| i.code_hash != KECCAK_EMPTY))
    }

    /// Applies the block's changes to the tries and returns the post-state root.
    pub fn state_root(&mut self) -> Result<B256, StfError> {
        let mut addresses: Vec<Address> = self.accounts.iter().filter(|(_, e)| e.touched).map(|(a, _)| *a).collect();
        addresses.sort();
        let mut deletions = Vec::new();
        for address in addresses {
            let entry = &self.accounts[&address];
            let key = keccak256(address);
            match entry.current {
                None => {
                    if entry.original.is_some() {
                        deletions.push((address, key));
                    }
                }
                Some(info) => {
                    let mut trie = if entry.storage_cleared {
                        Trie::default()
                    } else {
                        self.storage_tries
                            .remove(&address)
                            .unwrap_or_else(|| Trie::from_root(entry.original_storage_root))
                    };
                    let (zeros, sets): (Vec<_>, Vec<_>) = entry.storage.iter().partition(|(_, v)| v.is_zero());
                    for (slot, value) in sets {
                        trie.insert(
                            self.store,
                            keccak256(slot.to_be_bytes::<32>()).as_slice(),
                            alloy_rlp::encode(value),
                        )
                        .map_err(|e| StfError::trie(format!("writing storage slot {slot:#x} of {address}"), e))?;
                    }
                    for (slot, _) in zeros {
                        trie.remove(self.store, keccak256(slot.to_be_bytes::<32>()).as_slice())
                            .map_err(|e| StfError::trie(format!("deleting storage slot {slot:#x} of {address}"), e))?;
                    }
                    let account = TrieAccount {
                        nonce: info.nonce,
                        balance: info.balance,
                        storage_root: trie.hash(),
                        code_hash: info.code_hash,
                    };
                    self.state_trie
                        .insert(self.store, key.as_slice(), alloy_rlp::encode(account))
                        .map_err(|e| StfError::trie(format!("writing account {address}"), e))?;
                }
            }
        }
        for (address, key) in deletions {
            self.state_trie
                .remove(self.store, key.as_slice())
                .map_err(|e| StfError::trie(format!("deleting account {address}"), e))?;
        }
        Ok(self.state_trie.hash())
    }

    /// The storage root of `address` in the (post-)state trie; the empty root if absent.
    pub fn storage_root_of(&mut self, address: Address) -> Result<B256, StfError> {
        let raw = self
            .state_trie
            .get(self.store, keccak256(address).as_slice())
            .map_err(|e| StfError::trie(format!("account {address}"), e))?;
        match raw {
            None => Ok(EMPTY_ROOT_HASH),
            Some(raw) => {
                let acc: TrieAccount = alloy_rlp::Decodable::decode(&mut &raw[..])
                    .map_err(|e| StfError::MalformedWitness(format!("account {address}: bad account RLP: {e}")))?;
                Ok(acc.storage_root)
            }
        }
    }

    /// The oldest block number BLOCKHASH asked for.
    pub fn oldest_requested_hash(&self) -> Option<u64> {
        self.oldest_hash
    }

    /// Fails with the first error met while reading or committing.
    pub fn check(&mut self) -> Result<(), StfError> {
        match self.read_error.take().or_else(|| self.poisoned.take()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn remember<T>(&mut self, result: Result<T, StfError>) -> Result<T, StfError> {
        if let Err(e) = &result {
            self.read_error.get_or_insert_with(|| e.clone());
        }
        result
    }

    /// Codes of the witness that execution used (by hash).
    pub fn used_codes(&self) -> &B256Set {
        &self.used_codes
    }

    /// Hashes of witness codes that were never used.
    pub fn unused_codes(&self) -> Vec<B256> {
        let mut v: Vec<B256> = self.codes.keys().filter(|h| !self.used_codes.contains(*h)).copied().collect();
        v.sort();
        v
    }

    /// The post-block state of every account the block touched (for full-state bookkeeping).
    pub fn changes(&self) -> Vec<AccountChange> {
        let mut out: Vec<AccountChange> = self
            .accounts
            .iter()
            .filter(|(_, e)| e.touched)
            .map(|(address, e)| AccountChange {
                address: *address,
                info: e.current.map(|i| (i.nonce, i.balance, i.code_hash)),
                code: e.current.and_then(|i| self.new_codes.get(&i.code_hash).map(|c| c.original_bytes())),
                storage_cleared: e.storage_cleared,
                storage: e.storage.iter().map(|(k, v)| (*k, *v)).collect(),
            })
            .collect();
        out.sort_by_key(|c| c.address);
        out
    }
}

/// What the block did to one account.
#[derive(Debug, Clone)]
pub struct AccountChange {
    pub address: Address,
    /// (nonce, balance, code hash); None if the account no longer exists.
    pub info: Option<(u64, U256, B256)>,
    /// Code deployed during the block, if any.
    pub code: Option<Bytes>,
    pub storage_cleared: bool,
    pub storage: Vec<(U256, U256)>,
}

impl WitnessDb<'_> {
    fn read_basic(&mut self, address: Address) -> Result<Option<AccountInfo>, StfError> {
        let entry = self.load(address)?;
        let hazard = entry.creatable_but_for_storage() && entry.has_storage();
        let current = entry.current;
        self.create_hazard |= hazard;
        Ok(current.map(|i| {
            let mut info =
                AccountInfo { balance: i.balance, nonce: i.nonce, code_hash: i.code_hash, ..Default::default() };
            info.code = if i.code_hash == KECCAK_EMPTY { Some(Bytecode::default()) } else { None };
            info
        }))
    }

    fn read_code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, StfError> {
        if code_hash == KECCAK_EMPTY {
            return Ok(Bytecode::default());
        }
        if let Some(code) = self.new_codes.get(&code_hash) {
            return Ok(code.clone());
        }
        match self.codes.get(&code_hash) {
            Some(code) => {
                self.used_codes.insert(code_hash);
                Ok(code.clone())
            }
            None => Err(StfError::Witness(format!("code {code_hash} is not in the witness"))),
        }
    }

    fn read_storage(&mut self, address: Address, index: U256) -> Result<U256, StfError> {
        let entry = self.load(address)?;
        if let Some(v) = entry.storage.get(&index) {
            return Ok(*v);
        }
        if entry.storage_cleared {
            return Ok(U256::ZERO);
        }
        self.original_slot(address, index)
    }

    fn read_block_hash(&mut self, number: u64) -> Result<B256, StfError> {
        self.oldest_hash = Some(self.oldest_hash.map_or(number, |o| o.min(number)));
        self.block_hashes.get(&number).copied().ok_or_else(|| {
            StfError::Witness(format!(
                "BLOCKHASH({number}) needs the header of block {number}, which is not in the witness"
            ))
        })
    }
}

impl Database for WitnessDb<'_> {
    type Error = StfError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, StfError> {
        let r = self.read_basic(address);
        self.remember(r)
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, StfError> {
        let r = self.read_code_by_hash(code_hash);
        self.remember(r)
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, StfError> {
        let r = self.read_storage(address, index);
        self.remember(r)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, StfError> {
        let r = self.read_block_hash(number);
        self.remember(r)
    }
}

impl DatabaseCommit for WitnessDb<'_> {
    fn commit(&mut self, changes: AddressMap<Account>) {
        for (address, account) in changes {
            if !account.is_touched() {
                continue;
            }
            // revm loaded every account it changed through `basic`, so this
            // cannot need a node that was not already resolved.
            let entry = match self.load(address) {
                Ok(entry) => entry,
                Err(e) => {
                    self.poisoned.get_or_insert(e);
                    continue;
                }
            };
            entry.touched = true;
            if account.is_selfdestructed() {
                entry.current = None;
                entry.storage_cleared = true;
                entry.storage.clear();
                continue;
            }
            if account.is_created() {
                entry.storage_cleared = true;
                entry.storage.clear();
            }
            let info =
                Info { nonce: account.info.nonce, balance: account.info.balance, code_hash: account.info.code_hash };
            for (slot, value) in account.storage.iter() {
                if value.is_changed() || entry.storage_cleared {
                    entry.storage.insert(*slot, value.present_value);
                }
            }
            if info.is_empty() {
                entry.current = None;
            } else {
                entry.current = Some(info);
            }
            if info.code_hash != KECCAK_EMPTY {
                if let Some(code) = &account.info.code {
                    if !self.codes.contains_key(&info.code_hash) && !code.is_empty() {
                        self.new_codes.insert(info.code_hash, code.clone());
                    }
                }
            }
        }
    }
}

/// Formats a list of hashes for an error message.
pub(crate) fn list_hashes(hashes: &[B256], max: usize) -> String {
    let mut s = String::new();
    for (i, h) in hashes.iter().take(max).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&format!("{h}"));
    }
    if hashes.len() > max {
        s.push_str(&format!(" (+{} more)", hashes.len() - max));
    }
    s
}

//! A partial Merkle-Patricia trie whose nodes are fetched lazily from a witness.
//!
//! Why our own trie: stateless execution must (a) check every node it uses
//! against the pre-state root by hash, (b) fail — never default — when a node is
//! missing, and (c) support inserts, deletions and branch collapses on a trie of
//! which most subtrees are known only by their hash. Node references that have
//! not been needed stay [`Node::Hash`]; the first access looks the hash up in a
//! [`NodeStore`] whose keys are keccak256 of the node bytes (computed by us, never
//! taken from the input), so a node is accepted only if it hashes to the reference
//! its parent (ultimately the state root) holds.
//!
//! A resolved node keeps the hash it was fetched by ([`Node::Resolved`]) until an
//! insert or a deletion changes it, so the post-state root re-encodes and
//! re-hashes only the nodes the block changed, not every node it read.

use alloc::{boxed::Box, vec, vec::Vec};
use core::cell::Cell;

use alloy_primitives::{keccak256, map::B256Map, map::B256Set, Bytes, B256};
use alloy_trie::EMPTY_ROOT_HASH;

/// Why a trie operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MptError {
    /// A node the operation needs is not in the witness.
    MissingNode { hash: B256, path: Vec<u8> },
    /// A node's bytes are not a valid trie node.
    InvalidNode { hash: B256, reason: &'static str },
}

impl core::fmt::Display for MptError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MptError::MissingNode { hash, path } => {
                write!(f, "trie node {hash} at path 0x")?;
                for n in path {
                    write!(f, "{n:x}")?;
                }
                write!(f, " is not in the witness")
            }
            MptError::InvalidNode { hash, reason } => write!(f, "trie node {hash} is malformed: {reason}"),
        }
    }
}

/// Trie nodes by keccak256 of their RLP, each with a mark of whether it was used.
///
/// The mark lives beside the node, not in a set of its own: a fetch already finds
/// the node's entry, so marking it costs no second hash lookup (and no set that
/// grows and rehashes as the block reads the state).
#[derive(Debug, Default)]
pub struct NodeStore {
    nodes: B256Map<StoredNode>,
}

#[derive(Debug)]
struct StoredNode {
    raw: Bytes,
    used: Cell<bool>,
}

impl StoredNode {
    fn new(raw: Bytes) -> Self {
        StoredNode { raw, used: Cell::new(false) }
    }
}

impl NodeStore {
    /// Indexes `nodes` by their own hash (so a tampered node simply has another key).
    pub fn from_nodes<I: IntoIterator<Item = Bytes>>(nodes: I) -> Self {
        let mut store = NodeStore::default();
        for node in nodes {
            store.insert(node);
        }
        store
    }

    /// Adds one node (used when building stores from a full state).
    pub fn insert(&mut self, node: Bytes) {
        self.nodes.insert(keccak256(&node), StoredNode::new(node));
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn fetch(&self, hash: &B256) -> Option<&Bytes> {
        let node = self.nodes.get(hash)?;
        node.used.set(true);
        Some(&node.raw)
    }

    /// Hashes of nodes that were fetched so far.
    pub fn used(&self) -> B256Set {
        self.nodes.iter().filter(|(_, n)| n.used.get()).map(|(h, _)| *h).collect()
    }

    /// The nodes fetched so far (the minimal witness for what ran), by hash.
    pub fn used_nodes(&self) -> Vec<Bytes> {
        let mut out: Vec<(B256, Bytes)> =
            self.nodes.iter().filter(|(_, n)| n.used.get()).map(|(h, n)| (*h, n.raw.clone())).collect();
        out.sort_by_key(|a| a.0);
        out.into_iter().map(|(_, n)| n).collect()
    }

    /// Hashes of nodes that were never fetched, sorted.
    pub fn unused(&self) -> Vec<B256> {
        let mut out: Vec<B256> = self.nodes.iter().filter(|(_, n)| !n.used.get()).map(|(h, _)| *h).collect();
        out.sort();
        out
    }
}

/// One trie node; `Hash` is a reference not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Node {
    #[default]
    Empty,
    Leaf {
        path: Vec<u8>,
        value: Vec<u8>,
    },
    Extension {
        path: Vec<u8>,
        child: Box<Node>,
    },
    Branch {
        children: Box<[Node; 16]>,
        value: Option<Vec<u8>>,
    },
    Hash(B256),
    /// A node fetched from the store and not changed since (boxed, so that
    /// `Node` stays the size of a hash reference).
    Resolved(Box<Resolved>),
}

/// A node as fetched from a [`NodeStore`], with the hash it was fetched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    hash: B256,
    /// Length of the bytes `node` was decoded from.
    len: usize,
    /// Never `Hash` or `Resolved`.
    node: Node,
}

fn empty_children() -> Box<[Node; 16]> {
    Box::new(core::array::from_fn(|_| Node::Empty))
}

/// Splits bytes into nibbles (the trie path of a key).
pub fn nibbles(key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() * 2);
    for b in key {
        out.push(b >> 4);
        out.push(b & 0x0f);
    }
    out
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

// ---------------------------------------------------------------- RLP decoding

/// Reads one RLP item; returns (is_list, payload, total_len).
fn rlp_item(buf: &[u8]) -> Result<(bool, &[u8], usize), &'static str> {
    let mut rest = buf;
    let h = alloy_rlp::Header::decode(&mut rest).map_err(|_| "bad RLP header")?;
    let header_len = buf.len() - rest.len();
    let end = header_len.checked_add(h.payload_length).ok_or("RLP length overflow")?;
    if end > buf.len() {
        return Err("RLP item longer than its input");
    }
    Ok((h.list, &buf[header_len..end], end))
}

/// One item of a list payload: (is_list, payload, raw item).
type RlpItem<'a> = (bool, &'a [u8], &'a [u8]);

/// The items of a list payload, read one at a time.
struct RlpItems<'a> {
    rest: &'a [u8],
}

impl<'a> RlpItems<'a> {
    /// The next item, `None` at the end of the payload.
    fn next_item(&mut self) -> Result<Option<RlpItem<'a>>, &'static str> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (is_list, payload, len) = rlp_item(self.rest)?;
        let raw = &self.rest[..len];
        self.rest = &self.rest[len..];
        Ok(Some((is_list, payload, raw)))
    }

    /// The next item; an error if the payload has ended.
    fn item(&mut self) -> Result<RlpItem<'a>, &'static str> {
        self.next_item()?.ok_or("node list has neither 2 nor 17 items")
    }

    fn finish(&mut self) -> Result<(), &'static str> {
        match self.next_item()? {
            None => Ok(()),
            Some(_) => Err("node list has neither 2 nor 17 items"),
        }
    }
}

fn decode_hex_prefix(encoded: &[u8]) -> Result<(Vec<u8>, bool), &'static str> {
    let first = *encoded.first().ok_or("empty hex-prefix path")?;
    let flag = first >> 4;
    if flag > 3 {
        return Err("bad hex-prefix flag");
    }
    let leaf = flag >= 2;
    let odd = flag & 1 == 1;
    let mut path = Vec::with_capacity(encoded.len() * 2);
    if odd {
        path.push(first & 0x0f);
    } else if first & 0x0f != 0 {
        return Err("non-zero padding nibble in even hex-prefix path");
    }
    for b in &encoded[1..] {
        path.push(b >> 4);
        path.push(b & 0x0f);
    }
    Ok((path, leaf))
}

fn decode_child(is_list: bool, payload: &[u8], raw: &[u8]) -> Result<Node, &'static str> {
    if is_list {
        if raw.len() >= 32 {
            return Err("embedded node of 32 bytes or more");
        }
        return decode_node(raw);
    }
    match payload.len() {
        0 => Ok(Node::Empty),
        32 => Ok(Node::Hash(B256::from_slice(payload))),
        _ => Err("child reference is neither empty, a hash, nor an embedded node"),
    }
}

/// Decodes the RLP of one trie node.
pub fn decode_node(raw: &[u8]) -> Result<Node, &'static str> {
    let (is_list, payload, len) = rlp_item(raw)?;
    if !is_list {
        return Err("node is not an RLP list");
    }
    if len != raw.len() {
        return Err("trailing bytes after node");
    }
    let mut items = RlpItems { rest: payload };
    let first = items.item()?;
    let second = items.item()?;
    match items.next_item()? {
        None => decode_short(first, second),
        Some(third) => {
            let mut children = empty_children();
            for (i, item) in [first, second, third].into_iter().enumerate() {
                children[i] = decode_child(item.0, item.1, item.2)?;
            }
            for child in children[3..].iter_mut() {
                let (l, p, r) = items.item()?;
                *child = decode_child(l, p, r)?;
            }
            let (vl, v, _) = items.item()?;
            items.finish()?;
            if vl {
                return Err("branch value is a list");
            }
            let value = if v.is_empty() { None } else { Some(v.to_vec()) };
            Ok(Node::Branch { children, value })
        }
    }
}

/// A two-item node: a leaf or an extension, by its hex-prefix flag.
fn decode_short((path_list, path, _): RlpItem<'_>, (l, p, r): RlpItem<'_>) -> Result<Node, &'static str> {
    if path_list {
        return Err("node path is a list");
    }
    let (nibbles, leaf) = decode_hex_prefix(path)?;
    if leaf {
        if l {
            return Err("leaf value is a list");
        }
        if p.is_empty() {
            return Err("leaf with empty value");
        }
        return Ok(Node::Leaf { path: nibbles, value: p.to_vec() });
    }
    if nibbles.is_empty() {
        return Err("extension with empty path");
    }
    let child = decode_child(l, p, r)?;
    if matches!(child, Node::Empty) {
        return Err("extension pointing to an empty node");
    }
    Ok(Node::Extension { path: nibbles, child: Box::new(child) })
}

// ---------------------------------------------------------------- RLP encoding

fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2u8 } else { 0u8 };
    let mut out = Vec::with_capacity(path.len() / 2 + 1);
    if path.len() % 2 == 1 {
        out.push(((flag + 1) << 4) | path[0]);
        for pair in path[1..].chunks(2) {
            out.push((pair[0] << 4) | pair[1]);
        }
    } else {
        out.push(flag << 4);
        for pair in path.chunks(2) {
            out.push((pair[0] << 4) | pair[1]);
        }
    }
    out
}

fn encode_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    alloy_rlp::Encodable::encode(&bytes, out);
}

fn wrap_list(payload: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 4);
    alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut out);
    out.extend_from_slice(&payload);
    out
}

impl Node {
    /// The node's RLP encoding. `Hash` nodes cannot be encoded (only referenced).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Node::Empty => vec![alloy_rlp::EMPTY_STRING_CODE],
            Node::Leaf { path, value } => {
                let mut p = Vec::new();
                encode_bytes(&hex_prefix(path, true), &mut p);
                encode_bytes(value, &mut p);
                wrap_list(p)
            }
            Node::Extension { path, child } => {
                let mut p = Vec::new();
                encode_bytes(&hex_prefix(path, false), &mut p);
                child.reference(&mut p);
                wrap_list(p)
            }
            Node::Branch { children, value } => {
                let mut p = Vec::new();
                for c in children.iter() {
                    c.reference(&mut p);
                }
                match value {
                    Some(v) => encode_bytes(v, &mut p),
                    None => p.push(alloy_rlp::EMPTY_STRING_CODE),
                }
                wrap_list(p)
            }
            Node::Hash(h) => {
                let mut p = Vec::new();
                encode_bytes(h.as_slice(), &mut p);
                p
            }
            Node::Resolved(r) => r.node.encode(),
        }
    }

    /// Appends how a parent refers to this node: inline if its RLP is shorter
    /// than 32 bytes, otherwise by hash.
    fn reference(&self, out: &mut Vec<u8>) {
        match self {
            Node::Empty => out.push(alloy_rlp::EMPTY_STRING_CODE),
            Node::Hash(h) => encode_bytes(h.as_slice(), out),
            Node::Resolved(r) if r.len >= 32 => encode_bytes(r.hash.as_slice(), out),
            _ => {
                let enc = self.encode();
                if enc.len() < 32 {
                    out.extend_from_slice(&enc);
                } else {
                    encode_bytes(keccak256(&enc).as_slice(), out);
                }
            }
        }
    }

    /// Visits every node whose encoding is referenced by hash (plus the root),
    /// collecting `(hash, rlp)`; used to build witnesses from a full state.
    pub fn collect_hashed(&self, is_root: bool, out: &mut Vec<Bytes>) {
        match self {
            Node::Empty | Node::Hash(_) => return,
            Node::Resolved(r) => return r.node.collect_hashed(is_root, out),
            Node::Extension { child, .. } => child.collect_hashed(false, out),
            Node::Branch { children, .. } => {
                for c in children.iter() {
                    c.collect_hashed(false, out);
                }
            }
            Node::Leaf { .. } => {}
        }
        let enc = self.encode();
        if is_root || enc.len() >= 32 {
            out.push(Bytes::from(enc));
        }
    }
}

// ---------------------------------------------------------------- the trie

/// A partial trie: a root that resolves lazily against a [`NodeStore`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trie {
    root: Node,
}

/// Replaces a [`Node::Hash`] by the node it refers to, as [`Node::Resolved`].
fn resolve(node: &mut Node, store: &NodeStore, path: &[u8]) -> Result<(), MptError> {
    if let Node::Hash(hash) = node {
        let hash = *hash;
        let raw = store.fetch(&hash).ok_or_else(|| MptError::MissingNode { hash, path: path.to_vec() })?;
        let decoded = decode_node(raw).map_err(|reason| MptError::InvalidNode { hash, reason })?;
        *node = Node::Resolved(Box::new(Resolved { hash, len: raw.len(), node: decoded }));
    }
    Ok(())
}

/// The node itself, looking through a [`Node::Resolved`] wrapper (for reads).
fn peel(node: &mut Node) -> &mut Node {
    match node {
        Node::Resolved(r) => &mut r.node,
        other => other,
    }
}

/// Drops the cached hash of a node about to change, leaving the node itself.
fn unwrap_resolved(node: &mut Node) {
    if let Node::Resolved(r) = node {
        *node = core::mem::take(&mut r.node);
    }
}

/// Resolves `node` for a change: the result holds no cached hash.
fn resolve_for_change(node: &mut Node, store: &NodeStore, path: &[u8]) -> Result<(), MptError> {
    resolve(node, store, path)?;
    unwrap_resolved(node);
    Ok(())
}

fn get<'a>(
    node: &'a mut Node,
    store: &NodeStore,
    key: &[u8],
    depth: usize,
    full: &[u8],
) -> Result<Option<&'a [u8]>, MptError> {
    resolve(node, store, &full[..depth])?;
    match peel(node) {
        Node::Empty => Ok(None),
        Node::Leaf { path, value } => Ok(if path.as_slice() == key { Some(value.as_slice()) } else { None }),
        Node::Extension { path, child } => {
            if key.starts_with(path) {
                let n = path.len();
                get(child, store, &key[n..], depth + n, full)
            } else {
                Ok(None)
            }
        }
        Node::Branch { children, value } => {
            if key.is_empty() {
                Ok(value.as_deref())
            } else {
                get(&mut children[key[0] as usize], store, &key[1..], depth + 1, full)
            }
        }
        Node::Hash(_) | Node::Resolved(_) => unreachable!("resolved and peeled above"),
    }
}

fn insert(
    node: &mut Node,
    store: &NodeStore,
    key: &[u8],
    value: Vec<u8>,
    depth: usize,
    full: &[u8],
) -> Result<(), MptError> {
    resolve_for_change(node, store, &full[..depth])?;
    match node {
        Node::Empty => {
            *node = Node::Leaf { path: key.to_vec(), value };
        }
        Node::Leaf { path, value: old } => {
            let common = common_prefix(path, key);
            if common == path.len() && common == key.len() {
                *old = value;
                return Ok(());
            }
            let mut children = empty_children();
            let mut bvalue = None;
            let old_value = core::mem::take(old);
            if common == path.len() {
                bvalue = Some(old_value);
            } else {
                children[path[common] as usize] = Node::Leaf { path: path[common + 1..].to_vec(), value: old_value };
            }
            if common == key.len() {
                bvalue = Some(value);
            } else {
                children[key[common] as usize] = Node::Leaf { path: key[common + 1..].to_vec(), value };
            }
            let branch = Node::Branch { children, value: bvalue };
            *node = if common > 0 {
                Node::Extension { path: key[..common].to_vec(), child: Box::new(branch) }
            } else {
                branch
            };
        }
        Node::Extension { path, child } => {
            let common = common_prefix(path, key);
            if common == path.len() {
                return insert(child, store, &key[common..], value, depth + common, full);
            }
            let mut children = empty_children();
            let mut bvalue = None;
            let old_child = core::mem::take(child.as_mut());
            let rest = path[common + 1..].to_vec();
            children[path[common] as usize] =
                if rest.is_empty() { old_child } else { Node::Extension { path: rest, child: Box::new(old_child) } };
            if common == key.len() {
                bvalue = Some(value);
            } else {
                children[key[common] as usize] = Node::Leaf { path: key[common + 1..].to_vec(), value };
            }
            let branch = Node::Branch { children, value: bvalue };
            *node = if common > 0 {
                Node::Extension { path: key[..common].to_vec(), child: Box::new(branch) }
            } else {
                branch
            };
        }
        Node::Branch { children, value: bvalue } => {
            if key.is_empty() {
                *bvalue = Some(value);
            } else {
                insert(&mut children[key[0] as usize], store, &key[1..], value, depth + 1, full)?;
            }
        }
        Node::Hash(_) | Node::Resolved(_) => unreachable!("resolved and unwrapped above"),
    }
    Ok(())
}

/// Deletes `key` below `node`. Nodes on the path keep their cached hash unless
/// the key was there (a deletion of an absent key changes nothing).
fn remove(node: &mut Node, store: &NodeStore, key: &[u8], depth: usize, full: &[u8]) -> Result<bool, MptError> {
    resolve(node, store, &full[..depth])?;
    let removed = match peel(node) {
        Node::Empty => false,
        Node::Leaf { path, .. } => {
            if path.as_slice() == key {
                *node = Node::Empty;
                return Ok(true);
            }
            false
        }
        Node::Extension { path, child } => {
            if key.starts_with(path) {
                let n = path.len();
                remove(child, store, &key[n..], depth + n, full)?
            } else {
                false
            }
        }
        Node::Branch { children, value } => {
            if key.is_empty() {
                value.take().is_some()
            } else {
                remove(&mut children[key[0] as usize], store, &key[1..], depth + 1, full)?
            }
        }
        Node::Hash(_) | Node::Resolved(_) => unreachable!("resolved and peeled above"),
    };
    if removed {
        unwrap_resolved(node);
        normalize(node, store, &full[..depth])?;
    }
    Ok(removed)
}

/// Restores the canonical shape after a deletion below `node`: a branch with a
/// single child collapses into it (this needs that child's node, which may be a
/// sibling of the deleted key), an extension merges with an extension or leaf child.
fn normalize(node: &mut Node, store: &NodeStore, path: &[u8]) -> Result<(), MptError> {
    match node {
        Node::Extension { path: ext, child } => match child.as_mut() {
            Node::Empty => *node = Node::Empty,
            Node::Leaf { path: p, value } => {
                let mut merged = ext.clone();
                merged.extend_from_slice(p);
                *node = Node::Leaf { path: merged, value: core::mem::take(value) };
            }
            Node::Extension { path: p, child: c } => {
                let mut merged = ext.clone();
                merged.extend_from_slice(p);
                let c = core::mem::take(c.as_mut());
                *node = Node::Extension { path: merged, child: Box::new(c) };
            }
            _ => {}
        },
        Node::Branch { children, value } => {
            let live: Vec<usize> = (0..16).filter(|i| !matches!(children[*i], Node::Empty)).collect();
            match (live.len(), value.is_some()) {
                (0, true) => {
                    *node = Node::Leaf { path: Vec::new(), value: value.take().unwrap_or_default() };
                }
                (0, false) => *node = Node::Empty,
                (1, false) => {
                    let i = live[0];
                    let mut child = core::mem::take(&mut children[i]);
                    let mut child_path = path.to_vec();
                    child_path.push(i as u8);
                    resolve_for_change(&mut child, store, &child_path)?;
                    *node = match child {
                        Node::Leaf { path: p, value } => {
                            let mut merged = vec![i as u8];
                            merged.extend_from_slice(&p);
                            Node::Leaf { path: merged, value }
                        }
                        Node::Extension { path: p, child } => {
                            let mut merged = vec![i as u8];
                            merged.extend_from_slice(&p);
                            Node::Extension { path: merged, child }
                        }
                        branch => Node::Extension { path: vec![i as u8], child: Box::new(branch) },
                    };
                }
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

impl Trie {
    /// A trie known only by its root hash.
    pub fn from_root(root: B256) -> Self {
        if root == EMPTY_ROOT_HASH {
            Trie { root: Node::Empty }
        } else {
            Trie { root: Node::Hash(root) }
        }
    }

    /// Looks `key` up (the raw key; hash it first for secure tries).
    pub fn get(&mut self, store: &NodeStore, key: &[u8]) -> Result<Option<&[u8]>, MptError> {
        let path = nibbles(key);
        get(&mut self.root, store, &path, 0, &path)
    }

    /// Inserts or replaces `key`; an empty value deletes it.
    pub fn insert(&mut self, store: &NodeStore, key: &[u8], value: Vec<u8>) -> Result<(), MptError> {
        if value.is_empty() {
            return self.remove(store, key).map(|_| ());
        }
        let path = nibbles(key);
        insert(&mut self.root, store, &path, value, 0, &path)
    }

    /// Deletes `key`; returns whether it was present.
    pub fn remove(&mut self, store: &NodeStore, key: &[u8]) -> Result<bool, MptError> {
        let path = nibbles(key);
        remove(&mut self.root, store, &path, 0, &path)
    }

    /// The root hash (keccak256 of the root node's RLP, whatever its size).
    pub fn hash(&self) -> B256 {
        match &self.root {
            Node::Empty => EMPTY_ROOT_HASH,
            Node::Hash(h) => *h,
            Node::Resolved(r) => r.hash,
            node => keccak256(node.encode()),
        }
    }

    /// Every node of a fully resolved trie that is referenced by hash, plus the root.
    pub fn hashed_nodes(&self) -> Vec<Bytes> {
        let mut out = Vec::new();
        self.root.collect_hashed(true, &mut out);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use proptest::prelude::*;

    fn reference_root(pairs: &[(Vec<u8>, Vec<u8>)]) -> B256 {
        let mut sorted: Vec<_> = pairs.iter().map(|(k, v)| (alloy_trie::Nibbles::unpack(k), v.clone())).collect();
        sorted.sort_by_key(|a| a.0);
        let mut hb = alloy_trie::HashBuilder::default();
        for (k, v) in sorted {
            hb.add_leaf(k, &v);
        }
        hb.root()
    }

    fn kv(i: u64) -> (Vec<u8>, Vec<u8>) {
        let k = keccak256(U256::from(i).to_be_bytes::<32>()).to_vec();
        let mut v = Vec::new();
        alloy_rlp::Encodable::encode(&U256::from(i * 7 + 1), &mut v);
        (k, v)
    }

    /// The witness of a trie holding `pairs`, and a trie that knows only its root.
    fn witness_of<'a>(pairs: impl IntoIterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>) -> (NodeStore, Trie) {
        let empty = NodeStore::default();
        let mut full = Trie::default();
        for (k, v) in pairs {
            full.insert(&empty, k, v.clone()).unwrap();
        }
        (NodeStore::from_nodes(full.hashed_nodes()), Trie::from_root(full.hash()))
    }

    #[test]
    fn inserts_match_hash_builder() {
        let store = NodeStore::default();
        let mut t = Trie::default();
        let mut pairs = Vec::new();
        for i in 0..300 {
            let (k, v) = kv(i);
            t.insert(&store, &k, v.clone()).unwrap();
            pairs.push((k, v));
        }
        assert_eq!(t.hash(), reference_root(&pairs));
    }

    #[test]
    fn partial_trie_deletes_and_collapses() {
        // Build a full trie, turn it into a witness, then delete from a trie that
        // knows only the root hash: result must equal a fresh trie of the survivors.
        let pairs: Vec<_> = (0..200).map(kv).collect();
        let (store, mut partial) = witness_of(pairs.iter().map(|(k, v)| (k, v)));
        for (k, _) in pairs.iter().take(150) {
            assert!(partial.remove(&store, k).unwrap());
        }
        assert_eq!(partial.hash(), reference_root(&pairs[150..]));
        // and values read through the partial trie are the right ones
        assert_eq!(partial.get(&store, &pairs[170].0).unwrap(), Some(pairs[170].1.as_slice()));
        assert_eq!(partial.get(&store, &pairs[10].0).unwrap(), None);
    }

    #[test]
    fn missing_node_is_an_error() {
        let store0 = NodeStore::default();
        let mut full = Trie::default();
        for i in 0..50 {
            let (k, v) = kv(i);
            full.insert(&store0, &k, v).unwrap();
        }
        let mut nodes = full.hashed_nodes();
        nodes.remove(0); // a leaf-level node
        let store = NodeStore::from_nodes(nodes);
        let mut partial = Trie::from_root(full.hash());
        let mut errors = 0;
        for i in 0..50 {
            if let Err(MptError::MissingNode { .. }) = partial.get(&store, &kv(i).0) {
                errors += 1;
            }
        }
        assert!(errors > 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Get(u64),
        Insert(u64, u64),
        Remove(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..96u64).prop_map(Op::Get),
            (0..96u64, 1..1000u64).prop_map(|(k, v)| Op::Insert(k, v)),
            (0..96u64).prop_map(Op::Remove),
        ]
    }

    fn slot_key(i: u64) -> Vec<u8> {
        kv(i).0
    }

    fn slot_value(v: u64) -> Vec<u8> {
        alloy_rlp::encode(U256::from(v))
    }

    proptest! {
        /// A trie known by its root, read and changed in any order, always
        /// hashes like a fresh trie of its current contents: a node whose
        /// cached hash outlived a change would give another root.
        #[test]
        fn witness_trie_agrees_with_a_fresh_trie(
            initial in proptest::collection::btree_map(0..96u64, 1..1000u64, 0..64),
            ops in proptest::collection::vec(op(), 0..48),
        ) {
            let mut model: std::collections::BTreeMap<Vec<u8>, Vec<u8>> =
                initial.iter().map(|(k, v)| (slot_key(*k), slot_value(*v))).collect();
            let (store, mut partial) = witness_of(&model);
            for op in ops {
                match op {
                    Op::Get(k) => {
                        let key = slot_key(k);
                        prop_assert_eq!(partial.get(&store, &key).unwrap(), model.get(&key).map(|v| v.as_slice()));
                    }
                    Op::Insert(k, v) => {
                        partial.insert(&store, &slot_key(k), slot_value(v)).unwrap();
                        model.insert(slot_key(k), slot_value(v));
                    }
                    Op::Remove(k) => {
                        let key = slot_key(k);
                        prop_assert_eq!(partial.remove(&store, &key).unwrap(), model.remove(&key).is_some());
                    }
                }
                let pairs: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                prop_assert_eq!(partial.hash(), reference_root(&pairs));
            }
        }
    }

    #[test]
    fn reads_keep_the_fetched_hash_and_changes_drop_it() {
        let pairs: Vec<_> = (0..40).map(kv).collect();
        let (store, mut partial) = witness_of(pairs.iter().map(|(k, v)| (k, v)));
        let root = partial.hash();
        for (k, _) in &pairs {
            partial.get(&store, k).unwrap();
        }
        assert!(matches!(partial.root, Node::Resolved(_)));
        assert_eq!(partial.hash(), root);
        assert!(!partial.remove(&store, &kv(1000).0).unwrap());
        assert!(matches!(partial.root, Node::Resolved(_)), "deleting an absent key changes nothing");
        partial.insert(&store, &pairs[3].0, vec![0x2a]).unwrap();
        assert!(matches!(partial.root, Node::Branch { .. }));
        let mut changed = pairs.clone();
        changed[3].1 = vec![0x2a];
        assert_eq!(partial.hash(), reference_root(&changed));
    }

    #[test]
    fn malformed_node_is_an_error() {
        assert!(decode_node(&[0xc0]).is_err());
        assert!(decode_node(&[0x80]).is_err());
        assert!(decode_node(&[0xc3, 0x82, 0x20]).is_err());
        // Lists of 1, 3 and 18 items.
        assert_eq!(decode_node(&[0xc1, 0x80]), Err("node list has neither 2 nor 17 items"));
        assert_eq!(decode_node(&[0xc3, 0x80, 0x80, 0x80]), Err("node list has neither 2 nor 17 items"));
        let mut eighteen = vec![0xd2];
        eighteen.extend([0x80; 18]);
        assert_eq!(decode_node(&eighteen), Err("node list has neither 2 nor 17 items"));
    }
}

//! The execution witness: what a stateless executor gets instead of a database.
//!
//! Shape of `debug_executionWitness` (reth, geth): `state` (RLP trie nodes of the
//! account trie and the storage tries), `codes` (contract bytecodes), `keys`
//! (preimages of hashed trie keys; informational, never trusted) and `headers`
//! (RLP ancestor headers, oldest first, the last being the parent). Nothing in it
//! is trusted by itself: nodes are indexed by their own keccak256 and used only
//! when a trusted reference (the parent's state root, ultimately the block's
//! parent hash) leads to them; headers must chain by parent hash to the block.

use alloc::{collections::BTreeMap, format, vec::Vec};

use alloy_consensus::Header;
use alloy_primitives::{Bytes, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};

use crate::{error::StfError, rlp::decode_exact};

/// A witness in geth's RLP field order (`[headers, codes, state, keys]`), which
/// is also refute's binary form for the guest.
#[derive(Debug, Clone, Default, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct Witness {
    pub headers: Vec<Header>,
    pub codes: Vec<Bytes>,
    pub state: Vec<Bytes>,
    pub keys: Vec<Bytes>,
}

impl Witness {
    /// Decodes the RLP form (geth's `ExtWitness`).
    pub fn from_rlp(bytes: &[u8]) -> Result<Self, StfError> {
        decode_exact(bytes, "RLP witness").map_err(StfError::MalformedWitness)
    }

    pub fn to_rlp(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    /// [`ancestors`] of the witness's headers.
    pub fn ancestors(&self, parent_hash: B256) -> Result<(Header, BTreeMap<u64, B256>), StfError> {
        ancestors(&self.headers, parent_hash)
    }
}

/// Checks that `headers` (in any order) form a chain ending at the block's
/// parent and returns (parent header, block number → hash for BLOCKHASH).
pub fn ancestors(headers: &[Header], parent_hash: B256) -> Result<(Header, BTreeMap<u64, B256>), StfError> {
    if headers.is_empty() {
        return Err(StfError::Witness("no headers: the parent header is required".into()));
    }
    let mut headers: Vec<&Header> = headers.iter().collect();
    headers.sort_by_key(|h| h.number);
    let mut hashes = BTreeMap::new();
    let mut prev: Option<(u64, B256)> = None;
    for h in &headers {
        let hash = h.hash_slow();
        if let Some((n, ph)) = prev {
            if h.number != n + 1 || h.parent_hash != ph {
                return Err(StfError::Witness(format!(
                    "ancestor headers do not chain: header {} (hash {hash}) does not follow header {n} (hash {ph})",
                    h.number
                )));
            }
        }
        hashes.insert(h.number, hash);
        prev = Some((h.number, hash));
    }
    // The oldest header also vouches for its own parent's hash.
    let oldest = headers[0];
    if oldest.number > 0 {
        hashes.insert(oldest.number - 1, oldest.parent_hash);
    }
    let (_, last_hash) = prev.expect("non-empty");
    if last_hash != parent_hash {
        return Err(StfError::Witness(format!(
            "the newest witness header hashes to {last_hash}, but the block's parent hash is {parent_hash}"
        )));
    }
    Ok(((*headers.last().expect("non-empty")).clone(), hashes))
}

#[cfg(feature = "std")]
mod json {
    //! JSON in the shapes clients serve: each of `state`/`codes`/`keys` a list of
    //! 0x-hex strings or a map hash → hex (older reth); `headers` a list of RLP
    //! hex strings or of header objects (geth's JSON).
    use super::*;
    use alloc::string::{String, ToString};
    use serde_json::Value;

    fn hex_bytes(v: &Value, what: &str) -> Result<Bytes, StfError> {
        let s = v.as_str().ok_or_else(|| StfError::MalformedWitness(format!("{what}: expected a hex string")))?;
        let s = s.strip_prefix("0x").unwrap_or(s);
        alloy_primitives::hex::decode(s)
            .map(Bytes::from)
            .map_err(|e| StfError::MalformedWitness(format!("{what}: bad hex: {e}")))
    }

    fn byte_list(root: &serde_json::Map<String, Value>, field: &str) -> Result<Vec<Bytes>, StfError> {
        match root.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                items.iter().enumerate().map(|(i, v)| hex_bytes(v, &format!("{field}[{i}]"))).collect()
            }
            Some(Value::Object(map)) => map.iter().map(|(k, v)| hex_bytes(v, &format!("{field}[{k}]"))).collect(),
            Some(_) => Err(StfError::MalformedWitness(format!("{field}: expected a list or a map"))),
        }
    }

    fn header(v: &Value, i: usize) -> Result<Header, StfError> {
        match v {
            Value::String(_) => {
                let raw = hex_bytes(v, &format!("headers[{i}]"))?;
                decode_exact(&raw, &format!("header RLP in headers[{i}]")).map_err(StfError::MalformedWitness)
            }
            Value::Object(_) => serde_json::from_value::<Header>(v.clone())
                .map_err(|e| StfError::MalformedWitness(format!("headers[{i}]: bad header object: {e}"))),
            _ => Err(StfError::MalformedWitness(format!("headers[{i}]: expected RLP hex or a header object"))),
        }
    }

    impl Witness {
        /// Parses the JSON form, tolerating the known client differences.
        pub fn from_json(text: &[u8]) -> Result<Self, StfError> {
            let v: Value =
                serde_json::from_slice(text).map_err(|e| StfError::MalformedWitness(format!("JSON: {e}")))?;
            // Accept a bare witness or a JSON-RPC response around one.
            let v = match v {
                Value::Object(ref m) if m.contains_key("result") && !m.contains_key("state") => m["result"].clone(),
                other => other,
            };
            let root = v.as_object().ok_or_else(|| StfError::MalformedWitness("expected a JSON object".to_string()))?;
            for key in root.keys() {
                if !matches!(key.as_str(), "state" | "codes" | "keys" | "headers") {
                    return Err(StfError::MalformedWitness(format!("unknown field {key:?}")));
                }
            }
            let headers = match root.get("headers") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => {
                    items.iter().enumerate().map(|(i, h)| header(h, i)).collect::<Result<_, _>>()?
                }
                Some(_) => return Err(StfError::MalformedWitness("headers: expected a list".into())),
            };
            Ok(Witness {
                headers,
                codes: byte_list(root, "codes")?,
                state: byte_list(root, "state")?,
                keys: byte_list(root, "keys")?,
            })
        }

        /// The canonical JSON form (lists of 0x-hex; headers as RLP hex).
        pub fn to_json(&self) -> Value {
            let hex = |b: &[u8]| Value::String(format!("0x{}", alloy_primitives::hex::encode(b)));
            serde_json::json!({
                "state": self.state.iter().map(|b| hex(b)).collect::<Vec<_>>(),
                "codes": self.codes.iter().map(|b| hex(b)).collect::<Vec<_>>(),
                "keys": self.keys.iter().map(|b| hex(b)).collect::<Vec<_>>(),
                "headers": self.headers.iter().map(|h| hex(&alloy_rlp::encode(h))).collect::<Vec<_>>(),
            })
        }
    }
}

//! kona's executor fixtures: a real L2 block's rollup config, parent header and
//! payload attributes, plus kona's preimage store (keccak256 → bytes) holding
//! the trie nodes, contract codes and ancestor headers the block touches.
//!
//! The preimage store maps onto a `debug_executionWitness`-shaped [`Witness`]:
//! headers that chain back from the parent become `headers`, every other
//! preimage is offered as a trie node and as a code (nodes and codes are looked
//! up by their own hash, so offering extra ones changes nothing but the
//! witness accounting). The payload becomes an [`OpPayload`] bound to the
//! parent's hash, so the block is built exactly as the fault-proof program does.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Bytes, B256, B64};
use serde_json::Value;

use crate::{error::StfError, op::OpChainSpec, op::OpPayload, witness::Witness};

/// How many ancestors BLOCKHASH can reach.
const MAX_ANCESTORS: usize = 256;

/// A parsed kona executor fixture.
#[derive(Debug, Clone)]
pub struct KonaFixture {
    pub spec: OpChainSpec,
    pub payload: OpPayload,
    pub witness: Witness,
    pub parent: Header,
    pub expected_block_hash: B256,
}

fn field<'a>(obj: &'a Value, key: &str, what: &str) -> Result<&'a Value, StfError> {
    obj.get(key).ok_or_else(|| StfError::MalformedWitness(format!("kona fixture: {what}.{key} is missing")))
}

fn quantity(v: &Value, what: &str) -> Result<u64, StfError> {
    let bad = || StfError::MalformedWitness(format!("kona fixture: {what}: expected a hex quantity"));
    match v {
        Value::String(s) => u64::from_str_radix(s.strip_prefix("0x").ok_or_else(bad)?, 16).map_err(|_| bad()),
        Value::Number(n) => n.as_u64().ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value, what: &str) -> Result<T, StfError> {
    serde_json::from_value(v.clone()).map_err(|e| StfError::MalformedWitness(format!("kona fixture: {what}: {e}")))
}

/// The payload attributes (`OpPayloadAttributes` JSON) as an [`OpPayload`] on `parent_hash`.
pub fn payload_from_json(v: &Value, parent_hash: B256) -> Result<OpPayload, StfError> {
    let what = "executing_payload";
    let opt = |key: &str| v.get(key).filter(|x| !x.is_null());
    let transactions: Vec<Bytes> = match opt("transactions") {
        None => Vec::new(),
        Some(t) => parse(t, "executing_payload.transactions")?,
    };
    Ok(OpPayload {
        parent_hash,
        timestamp: quantity(field(v, "timestamp", what)?, "executing_payload.timestamp")?,
        prev_randao: parse(field(v, "prevRandao", what)?, "executing_payload.prevRandao")?,
        fee_recipient: parse(field(v, "suggestedFeeRecipient", what)?, "executing_payload.suggestedFeeRecipient")?,
        gas_limit: quantity(field(v, "gasLimit", what)?, "executing_payload.gasLimit")?,
        transactions,
        parent_beacon_block_root: opt("parentBeaconBlockRoot")
            .map(|x| parse(x, "executing_payload.parentBeaconBlockRoot"))
            .transpose()?,
        eip1559_params: opt("eip1559Params").map(|x| parse::<B64>(x, "executing_payload.eip1559Params")).transpose()?,
        min_base_fee: opt("minBaseFee").map(|x| quantity(x, "executing_payload.minBaseFee")).transpose()?,
    })
}

/// Splits a preimage store into ancestor headers (chaining back from `parent`) and the rest.
pub fn witness_from_preimages(parent: &Header, preimages: &[Bytes]) -> Witness {
    let by_hash: BTreeMap<B256, &Bytes> = preimages.iter().map(|p| (keccak256(p), p)).collect();
    let mut headers = alloc::vec![parent.clone()];
    let mut header_hashes = Vec::new();
    let mut cursor = parent.clone();
    while headers.len() < MAX_ANCESTORS && cursor.number > 0 {
        let Some(raw) = by_hash.get(&cursor.parent_hash) else { break };
        let mut buf = raw.as_ref();
        let Ok(h) = <Header as alloy_rlp::Decodable>::decode(&mut buf) else { break };
        if !buf.is_empty() || h.number + 1 != cursor.number {
            break;
        }
        header_hashes.push(cursor.parent_hash);
        headers.push(h.clone());
        cursor = h;
    }
    headers.reverse();
    let rest: Vec<Bytes> =
        by_hash.iter().filter(|(hash, _)| !header_hashes.contains(hash)).map(|(_, p)| (*p).clone()).collect();
    Witness { headers, codes: rest.clone(), state: rest, keys: Vec::new() }
}

impl KonaFixture {
    /// Parses `fixture.json` and the preimages read from the fixture's key-value store.
    pub fn from_parts(fixture_json: &[u8], preimages: &[Bytes]) -> Result<Self, StfError> {
        let v: Value = serde_json::from_slice(fixture_json)
            .map_err(|e| StfError::MalformedWitness(format!("kona fixture: fixture.json: {e}")))?;
        let spec = OpChainSpec::from_rollup_config_value(field(&v, "rollup_config", "fixture")?)?;
        let parent: Header = parse(field(&v, "parent_header", "fixture")?, "parent_header")?;
        let expected_block_hash: B256 = parse(field(&v, "expected_block_hash", "fixture")?, "expected_block_hash")?;
        let payload = payload_from_json(field(&v, "executing_payload", "fixture")?, parent.hash_slow())?;
        let witness = witness_from_preimages(&parent, preimages);
        Ok(KonaFixture { spec, payload, witness, parent, expected_block_hash })
    }

    /// The preimage store's size, for reports.
    pub fn describe(&self) -> String {
        format!(
            "block {} on chain {}: {} transactions, {} ancestor headers, {} preimages",
            self.parent.number + 1,
            self.spec.chain_id,
            self.payload.transactions.len(),
            self.witness.headers.len(),
            self.witness.state.len()
        )
    }
}

//! Which rules a block runs under: Ethereum L1 ([`ChainConfig`]) or an OP Stack
//! L2 ([`OpChainSpec`]). One value selects the executor, so the native core and
//! the guest dispatch identically.

use alloc::{string::String, vec::Vec};

use alloy_primitives::Bytes;
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};

use crate::{chain::ChainConfig, op::OpChainSpec};

/// The chain a block belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainSpec {
    Ethereum(ChainConfig),
    Op(OpChainSpec),
}

impl Default for ChainSpec {
    fn default() -> Self {
        ChainSpec::Ethereum(ChainConfig::default())
    }
}

const ETHEREUM: u8 = 0;
const OP: u8 = 1;

/// RLP form: `[kind, rlp(spec)]`, kind 0 = Ethereum, 1 = OP Stack.
#[derive(RlpEncodable, RlpDecodable)]
struct Tagged {
    kind: u8,
    body: Bytes,
}

impl Encodable for ChainSpec {
    fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
        let tagged = match self {
            ChainSpec::Ethereum(c) => Tagged { kind: ETHEREUM, body: alloy_rlp::encode(c).into() },
            ChainSpec::Op(c) => Tagged { kind: OP, body: alloy_rlp::encode(c).into() },
        };
        tagged.encode(out)
    }
}

impl Decodable for ChainSpec {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let tagged = Tagged::decode(buf)?;
        let mut body = tagged.body.as_ref();
        let spec = match tagged.kind {
            ETHEREUM => ChainSpec::Ethereum(ChainConfig::decode(&mut body)?),
            OP => ChainSpec::Op(OpChainSpec::decode(&mut body)?),
            _ => return Err(alloy_rlp::Error::Custom("unknown chain kind")),
        };
        if !body.is_empty() {
            return Err(alloy_rlp::Error::Custom("trailing bytes in the chain spec"));
        }
        Ok(spec)
    }
}

impl ChainSpec {
    pub fn chain_id(&self) -> u64 {
        match self {
            ChainSpec::Ethereum(c) => c.chain_id,
            ChainSpec::Op(c) => c.chain_id,
        }
    }

    pub fn is_op(&self) -> bool {
        matches!(self, ChainSpec::Op(_))
    }
}

/// Names accepted for `--chain` (shipped OP chains; Ethereum forks are given as `{"fork": …}`).
pub fn known_chain_names() -> String {
    let mut names: Vec<&str> = crate::op::spec::named_chains().iter().map(|c| c.name).collect();
    names.insert(0, "ethereum");
    names.join(", ")
}

#[cfg(feature = "std")]
mod json {
    use super::*;
    use crate::error::StfError;
    use alloc::format;
    use serde_json::Value;

    impl ChainSpec {
        /// Parses a chain description: empty (Ethereum mainnet rules, Prague), a
        /// name or chain ID of a shipped chain (`{"chain": "op-sepolia"}`), an
        /// op-node rollup config (has `l2_chain_id`), refute's OP spec JSON
        /// (`{"type": "op", …}`), or an Ethereum chain config.
        pub fn from_json(text: &[u8]) -> Result<Self, StfError> {
            if text.iter().all(|b| b.is_ascii_whitespace()) {
                return Ok(ChainSpec::default());
            }
            let v: Value = serde_json::from_slice(text).map_err(|e| StfError::Config(format!("bad JSON: {e}")))?;
            let obj = v.as_object().ok_or_else(|| StfError::Config("expected a JSON object".into()))?;
            if let Some(name) = obj.get("chain") {
                let name = match name {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(StfError::Config("`chain` must be a name or a chain ID".into())),
                };
                if name.eq_ignore_ascii_case("ethereum") || name == "1" || name.eq_ignore_ascii_case("mainnet") {
                    return Ok(ChainSpec::default());
                }
                return crate::op::spec::named_chain(&name).map(ChainSpec::Op).ok_or_else(|| {
                    StfError::Config(format!("unknown chain {name:?}; known: {}", known_chain_names()))
                });
            }
            if obj.contains_key("l2_chain_id") {
                return OpChainSpec::from_rollup_config_value(&v).map(ChainSpec::Op);
            }
            if obj.get("type").and_then(Value::as_str) == Some("op") {
                let mut v = v.clone();
                let m = v.as_object_mut().expect("object");
                m.remove("type");
                let chain_id = m.get("chain_id").cloned().unwrap_or(Value::Null);
                m.insert("l2_chain_id".into(), chain_id);
                let op: serde_json::Map<String, Value> =
                    ["eip1559_elasticity", "eip1559_denominator", "eip1559_denominator_canyon"]
                        .iter()
                        .filter_map(|k| m.get(*k).map(|x| (camel(k), x.clone())))
                        .collect();
                m.insert("chain_op_config".into(), Value::Object(op));
                return OpChainSpec::from_rollup_config_value(&v).map(ChainSpec::Op);
            }
            ChainConfig::from_json(text).map(ChainSpec::Ethereum)
        }

        /// JSON for reports.
        pub fn to_json(&self) -> Value {
            match self {
                ChainSpec::Ethereum(c) => serde_json::json!({"type": "ethereum", "chain_id": c.chain_id}),
                ChainSpec::Op(c) => c.to_json(),
            }
        }
    }

    fn camel(k: &str) -> String {
        match k {
            "eip1559_elasticity" => "eip1559Elasticity".into(),
            "eip1559_denominator" => "eip1559Denominator".into(),
            _ => "eip1559DenominatorCanyon".into(),
        }
    }
}

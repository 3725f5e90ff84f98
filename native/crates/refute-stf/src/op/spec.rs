//! OP Stack chain specifications: the fork schedule and the EIP-1559 defaults
//! that change how an L2 block is built and executed.
//!
//! Why one type for the schedule: execution (op-revm's spec id, the system
//! calls), header assembly (Holocene/Jovian `extraData`, Isthmus withdrawals
//! root) and derivation (`refute-da`) all ask "is fork F active at time t";
//! they ask it of one [`OpForkSchedule`] (crate `refute-forks`), directly or as
//! the [`OpChainHardforks`] the EVM crates take, so the answers cannot diverge.
//! The spec itself is plain data (RLP for the guest, op-node's rollup-config
//! JSON on the host).

use alloc::{string::String, string::ToString, vec::Vec};

use alloy_eips::eip1559::BaseFeeParams;
use alloy_op_hardforks::{OpChainHardforks, OpHardfork};
use alloy_rlp::{RlpDecodable, RlpEncodable};
pub use refute_forks::{OpForkSchedule, OP_FORKS};

use crate::error::StfError;

/// An OP Stack chain: chain ID, fork schedule, EIP-1559 defaults.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct OpChainSpec {
    pub chain_id: u64,
    /// Activation time per fork (Delta included: derivation reads it from here too).
    pub forks: OpForkSchedule,
    /// EIP-1559 elasticity multiplier (all forks).
    pub eip1559_elasticity: u64,
    /// EIP-1559 base-fee change denominator before Canyon.
    pub eip1559_denominator: u64,
    /// EIP-1559 base-fee change denominator from Canyon on.
    pub eip1559_denominator_canyon: u64,
}

/// A chain spec shipped with refute, selectable by name or chain ID.
#[derive(Debug, Clone)]
pub struct NamedOpChain {
    pub name: &'static str,
    pub spec: OpChainSpec,
}

impl OpChainSpec {
    /// The schedule as `alloy-op-hardforks` models it (Bedrock from genesis).
    pub fn hardforks(&self) -> OpChainHardforks {
        self.forks.hardforks()
    }

    /// Whether `fork` is active at `timestamp`.
    pub fn is_active(&self, fork: OpHardfork, timestamp: u64) -> bool {
        self.forks.is_active(fork, timestamp)
    }

    /// The newest fork active at `timestamp`.
    pub fn fork_at(&self, timestamp: u64) -> OpHardfork {
        self.forks.fork_at(timestamp)
    }

    /// The default EIP-1559 parameters at `timestamp` (Canyon changes the denominator).
    pub fn base_fee_params(&self, timestamp: u64) -> BaseFeeParams {
        let denominator = if self.is_active(OpHardfork::Canyon, timestamp) {
            self.eip1559_denominator_canyon
        } else {
            self.eip1559_denominator
        };
        BaseFeeParams::new(denominator as u128, self.eip1559_elasticity as u128)
    }

    /// A fork is active once any later fork is (op-node and kona read schedules
    /// this way, so a config may omit the times of forks active from genesis).
    pub fn with_implied_activations(mut self) -> Self {
        self.forks = self.forks.with_implied_activations();
        self
    }

    /// Rejects schedules op-node would reject: forks out of order, zero EIP-1559 parameters.
    pub fn validate(&self) -> Result<(), StfError> {
        if self.eip1559_elasticity == 0 || self.eip1559_denominator == 0 || self.eip1559_denominator_canyon == 0 {
            return Err(StfError::Config("EIP-1559 elasticity and denominators must be non-zero".into()));
        }
        self.forks.validate().map_err(|e| StfError::Config(e.to_string()))
    }

    /// A local chain with every fork up to and including `fork` active from genesis.
    pub fn devnet(chain_id: u64, fork: OpHardfork) -> Self {
        OpChainSpec {
            chain_id,
            forks: OpForkSchedule::active_through(fork),
            eip1559_elasticity: 6,
            eip1559_denominator: 50,
            eip1559_denominator_canyon: 250,
        }
    }
}

/// Fork times of a superchain-registry chain (regolith … jovian; Karst unscheduled),
/// EIP-1559 (elasticity, denominator, canyon denominator).
fn registry(chain_id: u64, times: [u64; 9], eip1559: (u64, u64, u64)) -> OpChainSpec {
    let mut all = [None; 10];
    for (slot, t) in all.iter_mut().zip(times) {
        *slot = Some(t);
    }
    OpChainSpec {
        chain_id,
        forks: OpForkSchedule::from_times(all),
        eip1559_elasticity: eip1559.0,
        eip1559_denominator: eip1559.1,
        eip1559_denominator_canyon: eip1559.2,
    }
}

/// The chains refute ships, from the superchain registry (and `alloy-op-hardforks`
/// for OP and Base, whose constants the tests compare against).
pub fn named_chains() -> Vec<NamedOpChain> {
    use alloy_op_hardforks as c;
    let standard = (6, 50, 250);
    let op_mainnet = registry(
        10,
        [
            0,
            c::OP_MAINNET_CANYON_TIMESTAMP,
            1_708_560_000,
            c::OP_MAINNET_ECOTONE_TIMESTAMP,
            c::OP_MAINNET_FJORD_TIMESTAMP,
            c::OP_MAINNET_GRANITE_TIMESTAMP,
            c::OP_MAINNET_HOLOCENE_TIMESTAMP,
            c::OP_MAINNET_ISTHMUS_TIMESTAMP,
            c::OP_MAINNET_JOVIAN_TIMESTAMP,
        ],
        standard,
    );
    let op_sepolia = registry(
        11_155_420,
        [
            0,
            c::OP_SEPOLIA_CANYON_TIMESTAMP,
            1_703_203_200,
            c::OP_SEPOLIA_ECOTONE_TIMESTAMP,
            c::OP_SEPOLIA_FJORD_TIMESTAMP,
            c::OP_SEPOLIA_GRANITE_TIMESTAMP,
            c::OP_SEPOLIA_HOLOCENE_TIMESTAMP,
            c::OP_SEPOLIA_ISTHMUS_TIMESTAMP,
            c::OP_SEPOLIA_JOVIAN_TIMESTAMP,
        ],
        standard,
    );
    let base = registry(
        8453,
        [
            0,
            c::BASE_MAINNET_CANYON_TIMESTAMP,
            1_708_560_000,
            c::BASE_MAINNET_ECOTONE_TIMESTAMP,
            c::BASE_MAINNET_FJORD_TIMESTAMP,
            c::BASE_MAINNET_GRANITE_TIMESTAMP,
            c::BASE_MAINNET_HOLOCENE_TIMESTAMP,
            c::BASE_MAINNET_ISTHMUS_TIMESTAMP,
            c::BASE_MAINNET_JOVIAN_TIMESTAMP,
        ],
        standard,
    );
    let unichain = registry(130, [0, 0, 0, 0, 0, 0, 1_736_445_601, 1_746_806_401, 1_764_691_201], standard);
    let unichain_sepolia = registry(1301, [0, 0, 0, 0, 0, 0, 1_734_559_200, 1_744_905_600, 1_763_568_001], standard);
    let mut devnet = OpChainSpec::devnet(901, OpHardfork::Isthmus);
    devnet.chain_id = 901;
    alloc::vec![
        NamedOpChain { name: "op-mainnet", spec: op_mainnet },
        NamedOpChain { name: "op-sepolia", spec: op_sepolia },
        NamedOpChain { name: "base-mainnet", spec: base },
        NamedOpChain { name: "unichain-mainnet", spec: unichain },
        NamedOpChain { name: "unichain-sepolia", spec: unichain_sepolia },
        NamedOpChain { name: "refute-devnet", spec: devnet },
    ]
}

/// A shipped chain by name (`op-sepolia`, also `optimism-sepolia`, `base`, `unichain`) or by chain ID.
pub fn named_chain(name_or_id: &str) -> Option<OpChainSpec> {
    let key = name_or_id.trim().to_ascii_lowercase();
    let alias = match key.as_str() {
        "optimism" | "op" | "optimism-mainnet" => "op-mainnet",
        "optimism-sepolia" => "op-sepolia",
        "base" => "base-mainnet",
        "unichain" => "unichain-mainnet",
        "devnet" => "refute-devnet",
        other => other,
    };
    let id: Option<u64> = key.parse().ok();
    named_chains().into_iter().find(|c| c.name == alias || Some(c.spec.chain_id) == id).map(|c| c.spec)
}

/// Names of the shipped chains (for error messages and `--help`).
pub fn chain_names() -> String {
    named_chains().iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

#[cfg(feature = "std")]
mod rollup_config {
    //! op-node's `rollup.json` (also kona's `RollupConfig` JSON).
    use super::*;
    use serde_json::Value;

    use alloc::format;

    fn time(root: &serde_json::Map<String, Value>, key: &str) -> Result<Option<u64>, StfError> {
        let hardforks = root.get("hardforks").and_then(Value::as_object);
        let v = root.get(key).or_else(|| hardforks.and_then(|h| h.get(key)));
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| StfError::Config(format!("{key}: not a u64"))),
            Some(_) => Err(StfError::Config(format!("{key}: expected a number or null"))),
        }
    }

    impl OpChainSpec {
        /// Parses op-node's rollup config JSON (the `*_time` fields, `l2_chain_id`,
        /// `chain_op_config`; a missing fork time means "never").
        pub fn from_rollup_config(text: &[u8]) -> Result<Self, StfError> {
            let v: Value =
                serde_json::from_slice(text).map_err(|e| StfError::Config(format!("rollup config JSON: {e}")))?;
            Self::from_rollup_config_value(&v)
        }

        pub fn from_rollup_config_value(v: &Value) -> Result<Self, StfError> {
            let root = v.as_object().ok_or_else(|| StfError::Config("rollup config: expected an object".into()))?;
            let chain_id = root
                .get("l2_chain_id")
                .and_then(Value::as_u64)
                .ok_or_else(|| StfError::Config("rollup config: l2_chain_id missing".into()))?;
            let op = root.get("chain_op_config").and_then(Value::as_object);
            let param = |key: &str, default: u64| -> Result<u64, StfError> {
                match op.and_then(|o| o.get(key)) {
                    None => Ok(default),
                    Some(v) => v.as_u64().ok_or_else(|| StfError::Config(format!("chain_op_config.{key}: not a u64"))),
                }
            };
            let mut forks = OpForkSchedule::default();
            for name in OpForkSchedule::NAMES {
                *forks.time_mut(name).expect("a schedule name") = time(root, &format!("{name}_time"))?;
            }
            let spec = OpChainSpec {
                chain_id,
                forks,
                eip1559_elasticity: param("eip1559Elasticity", 6)?,
                eip1559_denominator: param("eip1559Denominator", 50)?,
                eip1559_denominator_canyon: param("eip1559DenominatorCanyon", 250)?,
            };
            let spec = spec.with_implied_activations();
            spec.validate()?;
            Ok(spec)
        }

        /// The spec as JSON (the shape `from_json` reads back; `null` = never).
        pub fn to_json(&self) -> Value {
            let mut v = serde_json::json!({
                "type": "op",
                "chain_id": self.chain_id,
                "eip1559_elasticity": self.eip1559_elasticity,
                "eip1559_denominator": self.eip1559_denominator,
                "eip1559_denominator_canyon": self.eip1559_denominator_canyon,
            });
            let m = v.as_object_mut().expect("object");
            for (name, t) in OpForkSchedule::NAMES.iter().zip(self.forks.times()) {
                m.insert(format!("{name}_time"), serde_json::json!(t));
            }
            v
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use alloy_op_hardforks::OpHardforks;

    #[test]
    fn shipped_schedules_match_alloy_op_hardforks() {
        for (name, theirs) in [
            ("op-mainnet", OpChainHardforks::op_mainnet()),
            ("op-sepolia", OpChainHardforks::op_sepolia()),
            ("base-mainnet", OpChainHardforks::base_mainnet()),
        ] {
            let ours = named_chain(name).unwrap().hardforks();
            for fork in &OP_FORKS[1..8] {
                assert_eq!(ours.op_fork_activation(*fork), theirs.op_fork_activation(*fork), "{name} {fork:?}");
            }
        }
    }

    #[test]
    fn devnet_activates_up_to_the_fork() {
        let spec = OpChainSpec::devnet(901, OpHardfork::Holocene);
        assert_eq!(spec.fork_at(5), OpHardfork::Holocene);
        assert!(!spec.is_active(OpHardfork::Isthmus, u64::MAX));
        assert_eq!(spec.forks.isthmus, None);
        spec.validate().unwrap();
    }

    #[test]
    fn rlp_and_json_round_trip() {
        for chain in named_chains() {
            let bytes = alloy_rlp::encode(&chain.spec);
            let back = <OpChainSpec as alloy_rlp::Decodable>::decode(&mut bytes.as_slice()).unwrap();
            assert_eq!(back, chain.spec, "{}", chain.name);
            #[cfg(feature = "std")]
            {
                let json = chain.spec.to_json().to_string();
                let back = crate::ChainSpec::from_json(json.as_bytes()).unwrap();
                assert_eq!(back, crate::ChainSpec::Op(chain.spec.clone()), "{}", chain.name);
            }
        }
        #[cfg(feature = "std")]
        {
            let json = named_chain("op-mainnet").unwrap().to_json();
            assert_eq!(json["karst_time"], serde_json::Value::Null);
            assert_eq!(json["delta_time"], 1_708_560_000);
        }
    }

    #[test]
    fn names_and_ids_resolve() {
        assert_eq!(named_chain("11155420").unwrap().chain_id, 11_155_420);
        assert_eq!(named_chain("Base").unwrap().chain_id, 8453);
        assert!(named_chain("nope").is_none());
    }
}

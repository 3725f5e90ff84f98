//! OP Stack chain specifications: the fork schedule and the EIP-1559 defaults
//! that change how an L2 block is built and executed.
//!
//! Why one type for the schedule: execution (op-revm's spec id, the system
//! calls), header assembly (Holocene/Jovian `extraData`, Isthmus withdrawals
//! root) and derivation all ask "is fork F active at time t"; they ask it of
//! [`OpChainHardforks`] from `alloy-op-hardforks`, built from this spec, so the
//! answers cannot diverge. The spec itself is plain data (RLP for the guest,
//! op-node's rollup-config JSON on the host).

use alloc::{format, string::String, vec::Vec};

use alloy_eips::eip1559::BaseFeeParams;
use alloy_op_hardforks::{ForkCondition, OpChainHardforks, OpHardfork, OpHardforks};
use alloy_rlp::{RlpDecodable, RlpEncodable};

use crate::{chain::NEVER, error::StfError};

/// The OP Stack forks refute executes, in activation order (Bedrock is the base).
pub const OP_FORKS: [OpHardfork; 9] = [
    OpHardfork::Regolith,
    OpHardfork::Canyon,
    OpHardfork::Ecotone,
    OpHardfork::Fjord,
    OpHardfork::Granite,
    OpHardfork::Holocene,
    OpHardfork::Isthmus,
    OpHardfork::Jovian,
    OpHardfork::Karst,
];

/// An OP Stack chain: chain ID, fork activation times, EIP-1559 defaults.
///
/// Times are unix seconds; [`NEVER`] means the fork is not scheduled. Delta
/// changes derivation only (span batches) and is kept for the derivation rules.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct OpChainSpec {
    pub chain_id: u64,
    pub regolith_time: u64,
    pub canyon_time: u64,
    pub delta_time: u64,
    pub ecotone_time: u64,
    pub fjord_time: u64,
    pub granite_time: u64,
    pub holocene_time: u64,
    pub isthmus_time: u64,
    pub jovian_time: u64,
    pub karst_time: u64,
    /// EIP-1559 elasticity multiplier (all forks).
    pub eip1559_elasticity: u64,
    /// EIP-1559 base-fee change denominator before Canyon.
    pub eip1559_denominator: u64,
    /// EIP-1559 base-fee change denominator from Canyon on.
    pub eip1559_denominator_canyon: u64,
}

/// A chain spec shipped with refute, selectable by name or chain ID.
pub struct NamedOpChain {
    pub name: &'static str,
    pub spec: OpChainSpec,
}

impl OpChainSpec {
    /// The schedule as `alloy-op-hardforks` models it (Bedrock from genesis).
    pub fn hardforks(&self) -> OpChainHardforks {
        let mut forks = Vec::with_capacity(OP_FORKS.len() + 1);
        forks.push((OpHardfork::Bedrock, ForkCondition::Block(0)));
        for fork in OP_FORKS {
            let time = self.activation(fork);
            let condition = if time == NEVER { ForkCondition::Never } else { ForkCondition::Timestamp(time) };
            forks.push((fork, condition));
        }
        OpChainHardforks::new(forks)
    }

    /// The activation time of `fork` ([`NEVER`] if unscheduled; 0 for Bedrock).
    pub fn activation(&self, fork: OpHardfork) -> u64 {
        match fork {
            OpHardfork::Bedrock => 0,
            OpHardfork::Regolith => self.regolith_time,
            OpHardfork::Canyon => self.canyon_time,
            OpHardfork::Ecotone => self.ecotone_time,
            OpHardfork::Fjord => self.fjord_time,
            OpHardfork::Granite => self.granite_time,
            OpHardfork::Holocene => self.holocene_time,
            OpHardfork::Isthmus => self.isthmus_time,
            OpHardfork::Jovian => self.jovian_time,
            OpHardfork::Karst => self.karst_time,
            _ => NEVER,
        }
    }

    /// Whether `fork` is active at `timestamp`.
    pub fn is_active(&self, fork: OpHardfork, timestamp: u64) -> bool {
        self.hardforks().op_fork_activation(fork).active_at_timestamp(timestamp)
    }

    /// The newest fork active at `timestamp`.
    pub fn fork_at(&self, timestamp: u64) -> OpHardfork {
        let forks = self.hardforks();
        OP_FORKS
            .iter()
            .rev()
            .find(|f| forks.op_fork_activation(**f).active_at_timestamp(timestamp))
            .copied()
            .unwrap_or(OpHardfork::Bedrock)
    }

    /// The default EIP-1559 parameters at `timestamp` (Canyon changes the denominator).
    pub fn base_fee_params(&self, timestamp: u64) -> BaseFeeParams {
        let denominator =
            if self.is_active(OpHardfork::Canyon, timestamp) { self.eip1559_denominator_canyon } else { self.eip1559_denominator };
        BaseFeeParams::new(denominator as u128, self.eip1559_elasticity as u128)
    }

    /// A fork is active once any later fork is (op-node and kona read schedules
    /// this way, so a config may omit the times of forks active from genesis).
    pub fn with_implied_activations(mut self) -> Self {
        let mut later = self.karst_time;
        for t in [
            &mut self.jovian_time,
            &mut self.isthmus_time,
            &mut self.holocene_time,
            &mut self.granite_time,
            &mut self.fjord_time,
            &mut self.ecotone_time,
            &mut self.delta_time,
            &mut self.canyon_time,
            &mut self.regolith_time,
        ] {
            *t = (*t).min(later);
            later = *t;
        }
        self
    }

    /// Rejects schedules op-node would reject: forks out of order, zero EIP-1559 parameters.
    pub fn validate(&self) -> Result<(), StfError> {
        if self.eip1559_elasticity == 0 || self.eip1559_denominator == 0 || self.eip1559_denominator_canyon == 0 {
            return Err(StfError::Config("EIP-1559 elasticity and denominators must be non-zero".into()));
        }
        let times = [
            ("regolith", self.regolith_time),
            ("canyon", self.canyon_time),
            ("delta", self.delta_time),
            ("ecotone", self.ecotone_time),
            ("fjord", self.fjord_time),
            ("granite", self.granite_time),
            ("holocene", self.holocene_time),
            ("isthmus", self.isthmus_time),
            ("jovian", self.jovian_time),
            ("karst", self.karst_time),
        ];
        for pair in times.windows(2) {
            let ((a, ta), (b, tb)) = (pair[0], pair[1]);
            if tb < ta {
                return Err(StfError::Config(format!("{b}_time ({tb}) is before {a}_time ({ta})")));
            }
        }
        Ok(())
    }

    /// A local chain with every fork up to and including `fork` active from genesis.
    pub fn devnet(chain_id: u64, fork: OpHardfork) -> Self {
        let mut spec = OpChainSpec {
            chain_id,
            regolith_time: NEVER,
            canyon_time: NEVER,
            delta_time: NEVER,
            ecotone_time: NEVER,
            fjord_time: NEVER,
            granite_time: NEVER,
            holocene_time: NEVER,
            isthmus_time: NEVER,
            jovian_time: NEVER,
            karst_time: NEVER,
            eip1559_elasticity: 6,
            eip1559_denominator: 50,
            eip1559_denominator_canyon: 250,
        };
        let upto = OP_FORKS.iter().position(|f| *f == fork).map(|i| i + 1).unwrap_or(0);
        for f in &OP_FORKS[..upto] {
            spec.set_activation(*f, 0);
        }
        if upto > 1 {
            spec.delta_time = 0; // Delta sits between Canyon and Ecotone
        }
        spec
    }

    fn set_activation(&mut self, fork: OpHardfork, time: u64) {
        match fork {
            OpHardfork::Regolith => self.regolith_time = time,
            OpHardfork::Canyon => self.canyon_time = time,
            OpHardfork::Ecotone => self.ecotone_time = time,
            OpHardfork::Fjord => self.fjord_time = time,
            OpHardfork::Granite => self.granite_time = time,
            OpHardfork::Holocene => self.holocene_time = time,
            OpHardfork::Isthmus => self.isthmus_time = time,
            OpHardfork::Jovian => self.jovian_time = time,
            OpHardfork::Karst => self.karst_time = time,
            _ => {}
        }
    }
}

/// Fork times of a superchain-registry chain (regolith … jovian), EIP-1559 (elasticity, denominator, canyon denominator).
const fn registry(chain_id: u64, times: [u64; 9], eip1559: (u64, u64, u64)) -> OpChainSpec {
    OpChainSpec {
        chain_id,
        regolith_time: times[0],
        canyon_time: times[1],
        delta_time: times[2],
        ecotone_time: times[3],
        fjord_time: times[4],
        granite_time: times[5],
        holocene_time: times[6],
        isthmus_time: times[7],
        jovian_time: times[8],
        karst_time: NEVER,
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

    fn time(root: &serde_json::Map<String, Value>, key: &str) -> Result<u64, StfError> {
        let hardforks = root.get("hardforks").and_then(Value::as_object);
        let v = root.get(key).or_else(|| hardforks.and_then(|h| h.get(key)));
        match v {
            None | Some(Value::Null) => Ok(NEVER),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| StfError::Config(format!("{key}: not a u64"))),
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
            let spec = OpChainSpec {
                chain_id,
                regolith_time: time(root, "regolith_time")?,
                canyon_time: time(root, "canyon_time")?,
                delta_time: time(root, "delta_time")?,
                ecotone_time: time(root, "ecotone_time")?,
                fjord_time: time(root, "fjord_time")?,
                granite_time: time(root, "granite_time")?,
                holocene_time: time(root, "holocene_time")?,
                isthmus_time: time(root, "isthmus_time")?,
                jovian_time: time(root, "jovian_time")?,
                karst_time: time(root, "karst_time")?,
                eip1559_elasticity: param("eip1559Elasticity", 6)?,
                eip1559_denominator: param("eip1559Denominator", 50)?,
                eip1559_denominator_canyon: param("eip1559DenominatorCanyon", 250)?,
            };
            let spec = spec.with_implied_activations();
            spec.validate()?;
            Ok(spec)
        }

        /// The spec as JSON (the shape `from_json` reads back).
        pub fn to_json(&self) -> Value {
            serde_json::json!({
                "type": "op",
                "chain_id": self.chain_id,
                "regolith_time": self.regolith_time,
                "canyon_time": self.canyon_time,
                "delta_time": self.delta_time,
                "ecotone_time": self.ecotone_time,
                "fjord_time": self.fjord_time,
                "granite_time": self.granite_time,
                "holocene_time": self.holocene_time,
                "isthmus_time": self.isthmus_time,
                "jovian_time": self.jovian_time,
                "karst_time": self.karst_time,
                "eip1559_elasticity": self.eip1559_elasticity,
                "eip1559_denominator": self.eip1559_denominator,
                "eip1559_denominator_canyon": self.eip1559_denominator_canyon,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schedules_match_alloy_op_hardforks() {
        for (name, theirs) in [("op-mainnet", OpChainHardforks::op_mainnet()), ("op-sepolia", OpChainHardforks::op_sepolia()), ("base-mainnet", OpChainHardforks::base_mainnet())] {
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
        assert!(!spec.is_active(OpHardfork::Isthmus, u64::MAX - 1));
        spec.validate().unwrap();
    }

    #[test]
    fn names_and_ids_resolve() {
        assert_eq!(named_chain("11155420").unwrap().chain_id, 11_155_420);
        assert_eq!(named_chain("Base").unwrap().chain_id, 8453);
        assert!(named_chain("nope").is_none());
    }
}

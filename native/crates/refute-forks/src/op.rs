//! The OP Stack fork schedule (Bedrock is the base, active from genesis).

use alloc::vec::Vec;

use alloy_op_hardforks::{OpChainHardforks, OpHardfork};
use alloy_rlp::{BufMut, Decodable, Encodable};

use crate::{active, check_order, condition, decode_times, encode_times, imply_activations, times_length, OutOfOrder};

/// The OP Stack forks with execution rules, in activation order.
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

const SLOTS: usize = 10;

/// Activation times of an OP Stack chain's forks (unix seconds, `None` = never).
///
/// Delta changes derivation only (span batches), so alloy has no `OpHardfork`
/// for it; it is asked for with [`OpForkSchedule::is_delta_active`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OpForkSchedule {
    pub regolith: Option<u64>,
    pub canyon: Option<u64>,
    pub delta: Option<u64>,
    pub ecotone: Option<u64>,
    pub fjord: Option<u64>,
    pub granite: Option<u64>,
    pub holocene: Option<u64>,
    pub isthmus: Option<u64>,
    pub jovian: Option<u64>,
    pub karst: Option<u64>,
}

impl OpForkSchedule {
    /// Fork names in activation order, as in op-node's `<name>_time` rollup-config keys.
    pub const NAMES: [&'static str; SLOTS] =
        ["regolith", "canyon", "delta", "ecotone", "fjord", "granite", "holocene", "isthmus", "jovian", "karst"];

    /// Every fork from Regolith up to and including `fork` active from genesis, later ones never
    /// (Delta with Canyon, as it sits between Canyon and Ecotone).
    pub fn active_through(fork: OpHardfork) -> Self {
        let mut s = OpForkSchedule::default();
        let upto = OP_FORKS.iter().position(|f| *f == fork).map_or(0, |i| i + 1);
        for f in &OP_FORKS[..upto] {
            s.set(*f, Some(0));
        }
        if s.canyon.is_some() {
            s.delta = Some(0);
        }
        s
    }

    /// The times in [`Self::NAMES`] order.
    pub fn times(&self) -> [Option<u64>; SLOTS] {
        [
            self.regolith,
            self.canyon,
            self.delta,
            self.ecotone,
            self.fjord,
            self.granite,
            self.holocene,
            self.isthmus,
            self.jovian,
            self.karst,
        ]
    }

    /// A schedule from times in [`Self::NAMES`] order.
    pub fn from_times(t: [Option<u64>; SLOTS]) -> Self {
        let [regolith, canyon, delta, ecotone, fjord, granite, holocene, isthmus, jovian, karst] = t;
        OpForkSchedule { regolith, canyon, delta, ecotone, fjord, granite, holocene, isthmus, jovian, karst }
    }

    /// The time of the fork called `name` (one of [`Self::NAMES`]).
    pub fn time_mut(&mut self, name: &str) -> Option<&mut Option<u64>> {
        Some(match name {
            "regolith" => &mut self.regolith,
            "canyon" => &mut self.canyon,
            "delta" => &mut self.delta,
            "ecotone" => &mut self.ecotone,
            "fjord" => &mut self.fjord,
            "granite" => &mut self.granite,
            "holocene" => &mut self.holocene,
            "isthmus" => &mut self.isthmus,
            "jovian" => &mut self.jovian,
            "karst" => &mut self.karst,
            _ => return None,
        })
    }

    /// When `fork` activates (`Some(0)` for Bedrock; `None` for forks refute does not run).
    pub fn activation(&self, fork: OpHardfork) -> Option<u64> {
        match fork {
            OpHardfork::Bedrock => Some(0),
            OpHardfork::Regolith => self.regolith,
            OpHardfork::Canyon => self.canyon,
            OpHardfork::Ecotone => self.ecotone,
            OpHardfork::Fjord => self.fjord,
            OpHardfork::Granite => self.granite,
            OpHardfork::Holocene => self.holocene,
            OpHardfork::Isthmus => self.isthmus,
            OpHardfork::Jovian => self.jovian,
            OpHardfork::Karst => self.karst,
            _ => None,
        }
    }

    /// Sets when `fork` activates (Bedrock and forks refute does not run are ignored).
    pub fn set(&mut self, fork: OpHardfork, time: Option<u64>) {
        let slot = match fork {
            OpHardfork::Regolith => &mut self.regolith,
            OpHardfork::Canyon => &mut self.canyon,
            OpHardfork::Ecotone => &mut self.ecotone,
            OpHardfork::Fjord => &mut self.fjord,
            OpHardfork::Granite => &mut self.granite,
            OpHardfork::Holocene => &mut self.holocene,
            OpHardfork::Isthmus => &mut self.isthmus,
            OpHardfork::Jovian => &mut self.jovian,
            OpHardfork::Karst => &mut self.karst,
            _ => return,
        };
        *slot = time;
    }

    /// Whether `fork` is active at `timestamp`.
    pub fn is_active(&self, fork: OpHardfork, timestamp: u64) -> bool {
        active(self.activation(fork), timestamp)
    }

    /// Whether Delta (span batches) is active at `timestamp`.
    pub fn is_delta_active(&self, timestamp: u64) -> bool {
        active(self.delta, timestamp)
    }

    /// The newest fork active at `timestamp` (Bedrock if none is).
    pub fn fork_at(&self, timestamp: u64) -> OpHardfork {
        OP_FORKS.iter().rev().find(|f| self.is_active(**f, timestamp)).copied().unwrap_or(OpHardfork::Bedrock)
    }

    /// The schedule as `alloy-op-hardforks` models it (Bedrock from genesis).
    pub fn hardforks(&self) -> OpChainHardforks {
        let mut forks = Vec::with_capacity(OP_FORKS.len() + 1);
        forks.push((OpHardfork::Bedrock, alloy_hardforks::ForkCondition::Block(0)));
        forks.extend(OP_FORKS.iter().map(|f| (*f, condition(self.activation(*f)))));
        OpChainHardforks::new(forks)
    }

    /// A fork is active once any later fork is (op-node and kona read schedules
    /// this way, so a config may omit the times of forks active from genesis).
    pub fn with_implied_activations(self) -> Self {
        let mut t = self.times();
        imply_activations(&mut t);
        Self::from_times(t)
    }

    /// Rejects schedules op-node would reject: forks out of activation order.
    pub fn validate(&self) -> Result<(), OutOfOrder> {
        check_order(&Self::NAMES, &self.times())
    }
}

impl Encodable for OpForkSchedule {
    fn encode(&self, out: &mut dyn BufMut) {
        encode_times(&self.times(), out)
    }

    fn length(&self) -> usize {
        times_length(&self.times())
    }
}

impl Decodable for OpForkSchedule {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        decode_times(buf).map(Self::from_times)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloy_op_hardforks::OpHardforks;

    fn schedule() -> OpForkSchedule {
        OpForkSchedule {
            regolith: Some(0),
            canyon: Some(100),
            delta: Some(150),
            ecotone: Some(200),
            fjord: Some(300),
            granite: Some(300),
            holocene: Some(400),
            ..Default::default()
        }
    }

    #[test]
    fn activation_boundaries() {
        let s = schedule();
        assert!(!s.is_active(OpHardfork::Canyon, 99));
        assert!(s.is_active(OpHardfork::Canyon, 100));
        assert!(!s.is_delta_active(149));
        assert!(s.is_delta_active(150));
        assert!(s.is_active(OpHardfork::Bedrock, 0));
        assert_eq!(s.fork_at(0), OpHardfork::Regolith);
        assert_eq!(s.fork_at(99), OpHardfork::Regolith);
        assert_eq!(s.fork_at(100), OpHardfork::Canyon);
        assert_eq!(s.fork_at(299), OpHardfork::Ecotone);
        assert_eq!(s.fork_at(300), OpHardfork::Granite);
        assert_eq!(s.fork_at(u64::MAX), OpHardfork::Holocene);
        assert_eq!(OpForkSchedule::default().fork_at(u64::MAX), OpHardfork::Bedrock);
    }

    #[test]
    fn never_is_never_active() {
        let s = schedule();
        for t in [0, 400, u64::MAX] {
            assert!(!s.is_active(OpHardfork::Isthmus, t));
            assert!(!s.is_active(OpHardfork::Interop, t));
        }
        assert!(!OpForkSchedule::default().is_delta_active(u64::MAX));
    }

    #[test]
    fn agrees_with_alloy() {
        let s = schedule();
        let h = s.hardforks();
        for fork in OP_FORKS {
            assert_eq!(h.op_fork_activation(fork), condition(s.activation(fork)), "{fork:?}");
            for t in [0, 99, 100, 299, 300, 400, u64::MAX] {
                assert_eq!(h.op_fork_activation(fork).active_at_timestamp(t), s.is_active(fork, t));
            }
        }
        let mainnet = OpChainHardforks::op_mainnet();
        for (fork, cond) in OpHardfork::op_mainnet() {
            if fork != OpHardfork::Bedrock {
                assert_eq!(mainnet.op_fork_activation(fork), cond);
            }
        }
    }

    #[test]
    fn rlp_round_trip() {
        for s in [schedule(), OpForkSchedule::default(), OpForkSchedule::active_through(OpHardfork::Karst)] {
            let bytes = alloy_rlp::encode(s);
            assert_eq!(bytes.len(), s.length());
            let mut slice = bytes.as_slice();
            assert_eq!(OpForkSchedule::decode(&mut slice).unwrap(), s);
            assert!(slice.is_empty());
        }
        let never = alloy_rlp::encode(OpForkSchedule::default());
        assert_eq!(never, [&[0xca][..], &[0xc0; 10]].concat());
    }

    #[test]
    fn active_through_and_order() {
        let s = OpForkSchedule::active_through(OpHardfork::Holocene);
        assert_eq!(s.fork_at(0), OpHardfork::Holocene);
        assert!(s.is_delta_active(0));
        assert_eq!(s.isthmus, None);
        s.validate().unwrap();
        assert!(!OpForkSchedule::active_through(OpHardfork::Regolith).is_delta_active(0));
        let bad = OpForkSchedule { canyon: Some(5), ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().to_string(), "canyon_time (5) is set but regolith never activates");
        assert_eq!(bad.with_implied_activations().regolith, Some(5));
        let mut named = OpForkSchedule::default();
        *named.time_mut("holocene").unwrap() = Some(9);
        assert_eq!(named.holocene, Some(9));
        assert!(named.time_mut("bedrock").is_none());
    }
}

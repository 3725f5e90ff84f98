//! The Ethereum fork schedule from the Merge on (Paris is the base, active from genesis).

use alloc::vec::Vec;

use alloy_hardforks::{EthereumChainHardforks, EthereumHardfork, ForkCondition};
use alloy_rlp::{BufMut, Decodable, Encodable};

use crate::{active, check_order, condition, decode_times, encode_times, times_length, OutOfOrder};

/// The timestamp-scheduled Ethereum forks refute executes, in activation order.
const FORKS: [EthereumHardfork; 3] = [EthereumHardfork::Shanghai, EthereumHardfork::Cancun, EthereumHardfork::Prague];

/// Activation times of an Ethereum chain's post-Merge forks (unix seconds, `None` = never).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EthForkSchedule {
    pub shanghai: Option<u64>,
    pub cancun: Option<u64>,
    pub prague: Option<u64>,
}

impl EthForkSchedule {
    /// Fork names in activation order.
    pub const NAMES: [&'static str; 3] = ["shanghai", "cancun", "prague"];

    /// Every fork up to and including `fork` active from genesis, later ones never.
    pub fn active_through(fork: EthereumHardfork) -> Self {
        let at = |f: EthereumHardfork| (fork >= f).then_some(0);
        EthForkSchedule {
            shanghai: at(EthereumHardfork::Shanghai),
            cancun: at(EthereumHardfork::Cancun),
            prague: at(EthereumHardfork::Prague),
        }
    }

    /// The times in [`Self::NAMES`] order.
    pub fn times(&self) -> [Option<u64>; 3] {
        [self.shanghai, self.cancun, self.prague]
    }

    /// When `fork` activates (`Some(0)` for Paris and earlier; `None` after Prague).
    pub fn activation(&self, fork: EthereumHardfork) -> Option<u64> {
        match fork {
            EthereumHardfork::Shanghai => self.shanghai,
            EthereumHardfork::Cancun => self.cancun,
            EthereumHardfork::Prague => self.prague,
            f if f <= EthereumHardfork::Paris => Some(0),
            _ => None,
        }
    }

    /// Whether `fork` is active at `timestamp`.
    pub fn is_active(&self, fork: EthereumHardfork, timestamp: u64) -> bool {
        active(self.activation(fork), timestamp)
    }

    /// The newest fork active at `timestamp` (Paris if none is).
    pub fn fork_at(&self, timestamp: u64) -> EthereumHardfork {
        FORKS.iter().rev().find(|f| self.is_active(**f, timestamp)).copied().unwrap_or(EthereumHardfork::Paris)
    }

    /// The schedule as `alloy-hardforks` models it (every pre-Merge fork at block 0).
    pub fn hardforks(&self) -> EthereumChainHardforks {
        let mut forks: Vec<(EthereumHardfork, ForkCondition)> = EthereumHardfork::VARIANTS
            .iter()
            .filter(|f| **f <= EthereumHardfork::Paris)
            .map(|f| (*f, ForkCondition::Block(0)))
            .collect();
        forks.extend(FORKS.iter().map(|f| (*f, condition(self.activation(*f)))));
        EthereumChainHardforks::new(forks)
    }

    /// Rejects forks out of activation order.
    pub fn validate(&self) -> Result<(), OutOfOrder> {
        check_order(&Self::NAMES, &self.times())
    }
}

impl Encodable for EthForkSchedule {
    fn encode(&self, out: &mut dyn BufMut) {
        encode_times(&self.times(), out)
    }

    fn length(&self) -> usize {
        times_length(&self.times())
    }
}

impl Decodable for EthForkSchedule {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let [shanghai, cancun, prague] = decode_times(buf)?;
        Ok(EthForkSchedule { shanghai, cancun, prague })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_hardforks::EthereumHardforks;

    #[test]
    fn boundaries_never_and_alloy_agree() {
        let s = EthForkSchedule { shanghai: Some(0), cancun: Some(15_000), prague: None };
        assert_eq!(s.fork_at(14_999), EthereumHardfork::Shanghai);
        assert_eq!(s.fork_at(15_000), EthereumHardfork::Cancun);
        assert_eq!(s.fork_at(u64::MAX), EthereumHardfork::Cancun);
        assert!(s.is_active(EthereumHardfork::London, 0));
        assert!(!s.is_active(EthereumHardfork::Osaka, u64::MAX));
        assert_eq!(EthForkSchedule::default().fork_at(u64::MAX), EthereumHardfork::Paris);
        let h = s.hardforks();
        for fork in FORKS {
            for t in [0, 14_999, 15_000, u64::MAX] {
                assert_eq!(h.ethereum_fork_activation(fork).active_at_timestamp(t), s.is_active(fork, t));
            }
        }
        s.validate().unwrap();
        assert!(EthForkSchedule { cancun: Some(1), ..Default::default() }.validate().is_err());
    }

    #[test]
    fn rlp_round_trip() {
        for s in [
            EthForkSchedule::active_through(EthereumHardfork::Prague),
            EthForkSchedule::active_through(EthereumHardfork::Paris),
            EthForkSchedule { shanghai: Some(0), cancun: Some(15_000), prague: None },
        ] {
            let bytes = alloy_rlp::encode(s);
            assert_eq!(bytes.len(), s.length());
            assert_eq!(EthForkSchedule::decode(&mut bytes.as_slice()).unwrap(), s);
        }
    }
}

//! refute-forks: when each hardfork of a chain activates.
//!
//! Block execution (`refute-stf`) and derivation (`refute-da`) both ask "is
//! fork F active at time t"; they ask it of the same schedule type, so the
//! answers cannot diverge. A schedule holds one activation time (unix seconds)
//! per fork, `None` when the fork is not scheduled; it converts to alloy's
//! `OpChainHardforks` / `EthereumChainHardforks` for the EVM crates.
//!
//! RLP form (the zkVM guests' inputs): a list with one item per fork in
//! activation order, the time as an integer or the empty list `0xc0` for
//! "never" (an integer cannot say "never" without a sentinel value).
#![no_std]
extern crate alloc;

mod ethereum;
mod op;

pub use alloy_hardforks::{EthereumChainHardforks, EthereumHardfork, ForkCondition};
pub use alloy_op_hardforks::{OpChainHardforks, OpHardfork};
pub use ethereum::EthForkSchedule;
pub use op::{OpForkSchedule, OP_FORKS};

use alloy_rlp::{BufMut, Decodable, Encodable, Header, EMPTY_LIST_CODE};
use core::fmt;

/// alloy's condition for an activation time.
pub fn condition(time: Option<u64>) -> ForkCondition {
    time.map_or(ForkCondition::Never, ForkCondition::Timestamp)
}

/// Whether a fork scheduled at `time` is active at `timestamp`.
pub fn active(time: Option<u64>, timestamp: u64) -> bool {
    time.is_some_and(|t| timestamp >= t)
}

/// Two forks scheduled out of activation order (a later fork before an earlier one,
/// or a later fork scheduled while an earlier one never activates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfOrder {
    pub earlier: &'static str,
    pub earlier_time: Option<u64>,
    pub later: &'static str,
    pub later_time: u64,
}

impl fmt::Display for OutOfOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.earlier_time {
            Some(t) => write!(f, "{}_time ({}) is before {}_time ({t})", self.later, self.later_time, self.earlier),
            None => write!(f, "{}_time ({}) is set but {} never activates", self.later, self.later_time, self.earlier),
        }
    }
}

#[cfg(feature = "std")]
extern crate std;
#[cfg(feature = "std")]
impl std::error::Error for OutOfOrder {}

/// The first pair of `times` (named by `names`) out of activation order.
fn check_order(names: &[&'static str], times: &[Option<u64>]) -> Result<(), OutOfOrder> {
    for i in 1..times.len() {
        if let Some(later_time) = times[i] {
            let earlier_time = times[i - 1];
            if earlier_time.is_none_or(|t| later_time < t) {
                return Err(OutOfOrder { earlier: names[i - 1], earlier_time, later: names[i], later_time });
            }
        }
    }
    Ok(())
}

/// Each fork active no later than the next one (`None` is later than any time).
fn imply_activations(times: &mut [Option<u64>]) {
    for i in (0..times.len().saturating_sub(1)).rev() {
        if let Some(next) = times[i + 1] {
            times[i] = Some(times[i].map_or(next, |t| t.min(next)));
        }
    }
}

fn times_payload_length(times: &[Option<u64>]) -> usize {
    times.iter().map(|t| t.map_or(1, |t| t.length())).sum()
}

fn encode_times(times: &[Option<u64>], out: &mut dyn BufMut) {
    Header { list: true, payload_length: times_payload_length(times) }.encode(out);
    for t in times {
        match t {
            Some(t) => t.encode(out),
            None => out.put_u8(EMPTY_LIST_CODE),
        }
    }
}

fn times_length(times: &[Option<u64>]) -> usize {
    let payload_length = times_payload_length(times);
    payload_length + alloy_rlp::length_of_length(payload_length)
}

fn decode_times<const N: usize>(buf: &mut &[u8]) -> alloy_rlp::Result<[Option<u64>; N]> {
    let mut payload = Header::decode_bytes(buf, true)?;
    let mut times = [None; N];
    for slot in times.iter_mut() {
        if payload.first() == Some(&EMPTY_LIST_CODE) {
            payload = &payload[1..];
        } else {
            *slot = Some(u64::decode(&mut payload)?);
        }
    }
    if !payload.is_empty() {
        return Err(alloy_rlp::Error::Custom("fork schedule: more forks than known"));
    }
    Ok(times)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::{string::ToString, vec::Vec};

    #[test]
    fn order_check_treats_never_as_last() {
        let names = ["a", "b", "c"];
        assert!(check_order(&names, &[Some(0), Some(5), None]).is_ok());
        assert!(check_order(&names, &[None, None, None]).is_ok());
        let e = check_order(&names, &[Some(0), None, Some(3)]).unwrap_err();
        assert_eq!(e.to_string(), "c_time (3) is set but b never activates");
        let e = check_order(&names, &[Some(9), Some(5), None]).unwrap_err();
        assert_eq!(e.to_string(), "b_time (5) is before a_time (9)");
    }

    #[test]
    fn implied_activations_fill_earlier_forks() {
        let mut t = [None, Some(7), None, Some(3), None];
        imply_activations(&mut t);
        assert_eq!(t, [Some(3), Some(3), Some(3), Some(3), None]);
    }

    #[test]
    fn time_list_round_trips_and_never_differs_from_zero() {
        let times = [Some(0), None, Some(u64::MAX), Some(1_700_000_000)];
        let mut out = Vec::new();
        encode_times(&times, &mut out);
        assert_eq!(out.len(), times_length(&times));
        assert_eq!(&out[..3], &[0xc0 + out.len() as u8 - 1, 0x80, 0xc0]);
        assert_eq!(decode_times::<4>(&mut out.as_slice()).unwrap(), times);
        assert!(decode_times::<3>(&mut out.as_slice()).is_err());
        assert!(decode_times::<5>(&mut out.as_slice()).is_err());
    }
}

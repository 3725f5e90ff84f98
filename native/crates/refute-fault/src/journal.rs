//! The fault program's journal: 189 packed bytes, the layout of `docs/protocol.md`.
//!
//! Why packed and fixed: the L1 contract rebuilds these bytes from calldata and
//! hashes them; fixed offsets make that a few `concat`s, and the Python mirror
//! (`refute.verifier.journal`) decodes by the same table.

use alloy_primitives::{Address, B256};

use crate::error::{FaultError, FaultResult};

/// The only layout version this crate writes and reads.
pub const JOURNAL_VERSION: u8 = 1;
/// Bytes in a version-1 journal.
pub const JOURNAL_LEN: usize = 189;

/// What one receipt of the fault program states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultJournal {
    /// Who the dispute contract pays (binds the proof to the challenger).
    pub payout: Address,
    /// The L1 block hash the guest derived block `N` from.
    pub l1_head: B256,
    /// Output root of L2 block `N − 1`, the agreed starting point.
    pub agreed_output_root: B256,
    /// Output root of L2 block `N` as the guest computed it.
    pub computed_output_root: B256,
    /// `N`.
    pub l2_block_number: u64,
    /// keccak256 of the rollup configuration's RLP (see `RollupConfig::hash`).
    pub rollup_config_hash: B256,
    /// keccak256 over `(versioned_hash ‖ z ‖ y)` of every blob read, zero if none.
    pub blob_binding: B256,
}

impl FaultJournal {
    /// The 189 journal bytes.
    pub fn encode(&self) -> [u8; JOURNAL_LEN] {
        let mut out = [0u8; JOURNAL_LEN];
        out[0] = JOURNAL_VERSION;
        out[1..21].copy_from_slice(self.payout.as_slice());
        out[21..53].copy_from_slice(self.l1_head.as_slice());
        out[53..85].copy_from_slice(self.agreed_output_root.as_slice());
        out[85..117].copy_from_slice(self.computed_output_root.as_slice());
        out[117..125].copy_from_slice(&self.l2_block_number.to_be_bytes());
        out[125..157].copy_from_slice(self.rollup_config_hash.as_slice());
        out[157..189].copy_from_slice(self.blob_binding.as_slice());
        out
    }

    /// Reads a journal; anything but exactly 189 bytes of version 1 is refused.
    pub fn decode(bytes: &[u8]) -> FaultResult<Self> {
        if bytes.len() != JOURNAL_LEN {
            return Err(FaultError::MalformedInput(alloc::format!(
                "a journal is {JOURNAL_LEN} bytes, got {}",
                bytes.len()
            )));
        }
        if bytes[0] != JOURNAL_VERSION {
            return Err(FaultError::MalformedInput(alloc::format!(
                "journal version {} (this program writes {JOURNAL_VERSION})",
                bytes[0]
            )));
        }
        let word = |at: usize| B256::from_slice(&bytes[at..at + 32]);
        let mut number = [0u8; 8];
        number.copy_from_slice(&bytes[117..125]);
        Ok(FaultJournal {
            payout: Address::from_slice(&bytes[1..21]),
            l1_head: word(21),
            agreed_output_root: word(53),
            computed_output_root: word(85),
            l2_block_number: u64::from_be_bytes(number),
            rollup_config_hash: word(125),
            blob_binding: word(157),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), JOURNAL_LEN)) {
            let mut bytes = bytes;
            bytes[0] = JOURNAL_VERSION;
            let journal = FaultJournal::decode(&bytes).expect("any 189 bytes of version 1 decode");
            let encoded = journal.encode();
            prop_assert_eq!(encoded.as_slice(), bytes.as_slice());
        }
    }

    #[test]
    fn refuses_other_lengths_and_versions() {
        assert!(FaultJournal::decode(&[1u8; 188]).is_err());
        assert!(FaultJournal::decode(&[1u8; 190]).is_err());
        assert!(FaultJournal::decode(&[2u8; JOURNAL_LEN]).is_err());
    }
}

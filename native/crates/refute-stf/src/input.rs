//! The guest's input and journal: one RLP encoding both sides agree on.
//!
//! Why RLP: the guest already links an RLP codec for blocks and witnesses, so
//! the envelope adds no dependency and no second serialisation format.

use alloc::vec::Vec;

use alloy_primitives::{Bytes, B256};
use alloy_rlp::{RlpDecodable, RlpEncodable};

use crate::{
    error::StfError,
    execute::{execute_request_observed, BlockOutcome, ExecOptions, Request},
    rlp::decode_exact,
    spec::ChainSpec,
    witness::Witness,
};

/// Inputs larger than this are read as a stream of unknown length rather than
/// into one buffer sized by their header (no allocation is made from an
/// unchecked claim larger than the zkVM's memory).
pub const MAX_PREALLOCATED_INPUT: usize = 1 << 28;

/// Reads one RLP list (a guest's whole input) into a buffer of exactly its
/// size: the header, then the payload the header announces.
///
/// Why: `read_to_end` grows its buffer by doubling, so a guest reading a
/// 128 KiB blob that way copies it about twice more and touches twice the
/// pages; the list header says the size up front. A first byte that is not a
/// list header, a malformed or oversized length, or a stream shorter than the
/// header's claim returns the bytes read so far: the caller reads the rest to
/// the end and the decoder reports what is wrong, as it would have. Bytes after
/// the list are left for the caller, whose decoder rejects them.
pub fn read_list<E>(mut read_exact: impl FnMut(&mut [u8]) -> Result<(), E>) -> Vec<u8> {
    let mut head = [0u8; 9];
    if read_exact(&mut head[..1]).is_err() {
        return Vec::new();
    }
    let length_bytes = head[0].saturating_sub(0xf7) as usize;
    if head[0] < 0xc0 || read_exact(&mut head[1..1 + length_bytes]).is_err() {
        return head[..1].to_vec();
    }
    let head = &head[..1 + length_bytes];
    let total = list_payload_length(head)
        .and_then(|payload| payload.checked_add(head.len()))
        .filter(|&total| total <= MAX_PREALLOCATED_INPUT);
    let Some(total) = total else { return head.to_vec() };
    let mut bytes = Vec::with_capacity(total);
    bytes.extend_from_slice(head);
    bytes.resize(total, 0);
    if read_exact(&mut bytes[head.len()..]).is_err() {
        // Only a stream that ended early fails here; keep what the header gave.
        bytes.truncate(head.len());
    }
    bytes
}

/// The payload length a whole RLP list header (`0xc0`–`0xf7`, or `0xf8`–`0xff`
/// and its length bytes) announces, if it is canonical. (alloy-rlp's
/// `Header::decode` needs the payload present as well, which is what the
/// header is read to size.)
fn list_payload_length(head: &[u8]) -> Option<usize> {
    match *head {
        [b @ 0xc0..=0xf7] => Some(usize::from(b - 0xc0)),
        [0xf8..=0xff, first, ..] if first != 0 => {
            let length = head[1..].iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
            usize::try_from(length).ok().filter(|&length| length >= 56)
        }
        _ => None,
    }
}

/// Everything the guest reads.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct GuestInput {
    pub chain: ChainSpec,
    /// The RLP block (or, with `payload` set, the RLP OP payload attributes),
    /// kept as bytes so decoding errors are reported, not fatal to the envelope.
    pub block: Bytes,
    pub witness: Witness,
    /// 1: the claimed header must match the computed one.
    pub check_header: u8,
    /// 1: `block` holds OP payload attributes, and the block is built from them.
    pub payload: u8,
}

impl GuestInput {
    /// Executes the input: the one entry point the guest and the native core share.
    pub fn execute(&self) -> Result<BlockOutcome, StfError> {
        self.execute_observed(&mut |_| {})
    }

    /// [`Self::execute`], calling `observe` at the end of each phase of
    /// [`crate::execute::PHASES`] (the guest reports cycles per phase there).
    pub fn execute_observed(&self, observe: &mut dyn FnMut(&'static str)) -> Result<BlockOutcome, StfError> {
        let request = Request::new(&self.block, self.payload != 0);
        let opts = ExecOptions { check_header: self.check_header != 0, strict_witness: false };
        execute_request_observed(&self.chain, request, &self.witness, opts, observe)
    }

    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, StfError> {
        decode_exact(bytes, "guest input RLP").map_err(StfError::MalformedWitness)
    }
}

/// What the guest commits (only for blocks it executed correctly).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct GuestJournal {
    pub parent_hash: B256,
    pub pre_state_root: B256,
    pub block_hash: B256,
    pub state_root: B256,
    pub transactions_root: B256,
    pub receipts_root: B256,
    pub gas_used: u64,
    /// Zero when the witness cannot show the message passer.
    pub output_root: B256,
}

impl From<&BlockOutcome> for GuestJournal {
    fn from(o: &BlockOutcome) -> Self {
        GuestJournal {
            parent_hash: o.parent_hash,
            pre_state_root: o.pre_state_root,
            block_hash: o.block_hash,
            state_root: o.state_root,
            transactions_root: o.transactions_root,
            receipts_root: o.receipts_root,
            gas_used: o.gas_used,
            output_root: o.output_root.unwrap_or_default(),
        }
    }
}

impl GuestJournal {
    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }

    pub fn decode(mut bytes: &[u8]) -> Result<Self, StfError> {
        <GuestJournal as alloy_rlp::Decodable>::decode(&mut bytes)
            .map_err(|e| StfError::MalformedWitness(alloc::format!("guest journal RLP: {e}")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `read_exact` over `stream`, as `std::io::Read::read_exact` behaves: a
    /// short read consumes what there was and fails.
    fn reader(stream: &[u8]) -> impl FnMut(&mut [u8]) -> Result<(), ()> + '_ {
        let mut at = 0;
        move |buf: &mut [u8]| {
            let n = buf.len().min(stream.len() - at);
            buf[..n].copy_from_slice(&stream[at..at + n]);
            at += n;
            if n == buf.len() {
                Ok(())
            } else {
                Err(())
            }
        }
    }

    proptest! {
        #[test]
        fn reads_exactly_one_list(items in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40), trailing in proptest::collection::vec(any::<u8>(), 0..4)) {
            let list: Vec<Bytes> = items.into_iter().map(Bytes::from).collect();
            let encoded = alloy_rlp::encode(&list);
            let stream = [encoded.clone(), trailing].concat();
            let read = read_list(reader(&stream));
            prop_assert_eq!(&read, &encoded);
            prop_assert_eq!(read.capacity(), encoded.len());
        }

        #[test]
        fn anything_else_yields_a_prefix_of_the_stream(stream in proptest::collection::vec(any::<u8>(), 0..40)) {
            let read = read_list(reader(&stream));
            prop_assert!(stream.starts_with(&read));
        }
    }

    #[test]
    fn what_is_not_a_whole_list_is_left_to_the_decoder() {
        let list = alloy_rlp::encode(vec![Bytes::from(vec![7u8; 100])]);
        // Not a list, a non-canonical length, an oversized claim, a stream that ends early.
        assert_eq!(read_list(reader(&[0x83, 1, 2, 3])), [0x83]);
        assert_eq!(read_list(reader(&[0xf8, 0x05, 1, 2, 3, 4, 5])), [0xf8, 0x05]);
        assert_eq!(read_list(reader(&[0xfb, 0xff, 0xff, 0xff, 0xff])), [0xfb, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(read_list(reader(&list[..50])), list[..2]);
        assert_eq!(read_list(reader(&[])), Vec::<u8>::new());
        assert_eq!(read_list(reader(&[0xf9, 0x01])), [0xf9]);
    }
}

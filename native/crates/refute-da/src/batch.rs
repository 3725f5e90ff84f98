//! Batches inside a decompressed channel: singular batches (type 0) and span
//! batches (type 1, Delta).
//!
//! A channel's decompressed bytes are a sequence of RLP byte strings, each one
//! `batch_type ++ batch_content`. Singular batch content is
//! `rlp([parent_hash, epoch_number, epoch_hash, timestamp, [tx, ...]])`.
//! Span batch content is the packed format of the spec ("Span batch format"),
//! kept here in its raw form ([`RawSpanBatch`]) so it re-encodes byte for byte;
//! turning it into blocks with signed transactions is [`crate::derive`]'s job.

use alloc::{format, vec::Vec};

use alloy_primitives::{Bytes, B256};
use alloy_rlp::{Decodable, Header};

use crate::error::{batch_err, DaError, DaResult, Layer};
use crate::reader::{put_bitlist, put_uvarint, Reader};

/// Batch type byte of singular batches.
pub const SINGULAR_BATCH_TYPE: u8 = 0;
/// Batch type byte of span batches.
pub const SPAN_BATCH_TYPE: u8 = 1;
/// op-node `MaxSpanBatchElementCount`: cap on blocks and transactions in one span batch.
pub const MAX_SPAN_BATCH_ELEMENTS: u64 = 10_000_000;

/// Transaction types a span batch can carry.
pub const TX_LEGACY: u8 = 0;
pub const TX_EIP2930: u8 = 1;
pub const TX_EIP1559: u8 = 2;
pub const TX_EIP7702: u8 = 4;

/// A singular (v0) batch: one L2 block.
#[derive(Clone, Debug, PartialEq, Eq, alloy_rlp::RlpEncodable)]
pub struct SingularBatch {
    pub parent_hash: B256,
    pub epoch_num: u64,
    pub epoch_hash: B256,
    pub timestamp: u64,
    /// EIP-2718 encoded transactions.
    pub transactions: Vec<Bytes>,
}

impl SingularBatch {
    /// Decodes `rlp([...])` that must fill `content` exactly; `base` is its offset.
    pub fn decode(content: &[u8], base: usize) -> DaResult<Self> {
        let err = |at: &[u8], msg: &str| batch_err(base + (content.len() - at.len()), format!("singular batch: {msg}"));
        let mut buf = content;
        let h = Header::decode(&mut buf).map_err(|e| err(buf, &format!("list header: {e}")))?;
        if !h.list {
            return Err(err(content, "expected an RLP list"));
        }
        if h.payload_length != buf.len() {
            return Err(err(
                buf,
                &format!("list is {} bytes but {} follow (trailing or missing data)", h.payload_length, buf.len()),
            ));
        }
        let parent_hash = B256::decode(&mut buf).map_err(|e| err(buf, &format!("parent_hash: {e}")))?;
        let epoch_num = u64::decode(&mut buf).map_err(|e| err(buf, &format!("epoch_num: {e}")))?;
        let epoch_hash = B256::decode(&mut buf).map_err(|e| err(buf, &format!("epoch_hash: {e}")))?;
        let timestamp = u64::decode(&mut buf).map_err(|e| err(buf, &format!("timestamp: {e}")))?;
        let th = Header::decode(&mut buf).map_err(|e| err(buf, &format!("transactions header: {e}")))?;
        if !th.list {
            return Err(err(buf, "transactions must be an RLP list"));
        }
        if th.payload_length != buf.len() {
            return Err(err(buf, "extra fields after the transaction list"));
        }
        let mut transactions = Vec::new();
        while !buf.is_empty() {
            let tx =
                Bytes::decode(&mut buf).map_err(|e| err(buf, &format!("transaction {}: {e}", transactions.len())))?;
            transactions.push(tx);
        }
        Ok(SingularBatch { parent_hash, epoch_num, epoch_hash, timestamp, transactions })
    }

    /// `rlp([...])` (without the type byte).
    pub fn encode(&self) -> Vec<u8> {
        alloy_rlp::encode(self)
    }
}

/// A span batch exactly as serialised (spec "Span batch format").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSpanBatch {
    pub rel_timestamp: u64,
    pub l1_origin_num: u64,
    pub parent_check: [u8; 20],
    pub l1_origin_check: [u8; 20],
    /// One bit per block: its L1 origin differs from the previous block's.
    pub origin_bits: Vec<bool>,
    pub block_tx_counts: Vec<u64>,
    pub txs: SpanBatchTxs,
}

/// The transaction columns of a span batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanBatchTxs {
    pub contract_creation_bits: Vec<bool>,
    pub y_parity_bits: Vec<bool>,
    /// (r, s) per transaction.
    pub sigs: Vec<([u8; 32], [u8; 32])>,
    /// `to` of every transaction that is not a contract creation, in order.
    pub tos: Vec<[u8; 20]>,
    /// `type ++ rlp([...])` (no type byte for legacy) per transaction.
    pub datas: Vec<Vec<u8>>,
    /// Offset of each entry of `datas` in the batch content (for error messages).
    pub data_offsets: Vec<usize>,
    pub tx_types: Vec<u8>,
    pub nonces: Vec<u64>,
    pub gases: Vec<u64>,
    /// One bit per legacy transaction: EIP-155 replay-protected.
    pub protected_bits: Vec<bool>,
}

impl RawSpanBatch {
    /// Number of L2 blocks.
    pub fn block_count(&self) -> usize {
        self.origin_bits.len()
    }

    /// Decodes span batch content (after the type byte); `base` is its offset.
    pub fn decode(content: &[u8], base: usize) -> DaResult<Self> {
        let mut r = Reader::new(content, base, Layer::Batch);
        let rel_timestamp = r.uvarint("rel_timestamp")?;
        let l1_origin_num = r.uvarint("l1_origin_num")?;
        let parent_check = r.array::<20>("parent_check")?;
        let l1_origin_check = r.array::<20>("l1_origin_check")?;
        let at = r.offset();
        let block_count = r.uvarint("block_count")?;
        if block_count == 0 {
            return Err(batch_err(at, "span batch has zero blocks"));
        }
        if block_count > MAX_SPAN_BATCH_ELEMENTS {
            return Err(batch_err(at, format!("block_count {block_count} exceeds {MAX_SPAN_BATCH_ELEMENTS}")));
        }
        let origin_bits = r.bitlist(block_count as usize, "origin_bits")?;
        let mut block_tx_counts = Vec::new();
        let mut total: u64 = 0;
        for i in 0..block_count {
            let at = r.offset();
            let n = r.uvarint("block_tx_count")?;
            if n > MAX_SPAN_BATCH_ELEMENTS {
                return Err(batch_err(at, format!("block {i}: tx count {n} exceeds {MAX_SPAN_BATCH_ELEMENTS}")));
            }
            total += n;
            if total > MAX_SPAN_BATCH_ELEMENTS {
                return Err(batch_err(at, format!("total tx count exceeds {MAX_SPAN_BATCH_ELEMENTS}")));
            }
            block_tx_counts.push(n);
        }
        let txs = SpanBatchTxs::decode(&mut r, total as usize)?;
        Ok(RawSpanBatch {
            rel_timestamp,
            l1_origin_num,
            parent_check,
            l1_origin_check,
            origin_bits,
            block_tx_counts,
            txs,
        })
    }

    /// Serialises the content (without the type byte).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_uvarint(&mut out, self.rel_timestamp);
        put_uvarint(&mut out, self.l1_origin_num);
        out.extend_from_slice(&self.parent_check);
        out.extend_from_slice(&self.l1_origin_check);
        put_uvarint(&mut out, self.origin_bits.len() as u64);
        put_bitlist(&mut out, &self.origin_bits);
        for &n in &self.block_tx_counts {
            put_uvarint(&mut out, n);
        }
        self.txs.encode(&mut out);
        out
    }
}

impl SpanBatchTxs {
    fn decode(r: &mut Reader<'_>, total: usize) -> DaResult<Self> {
        // Every column needs at least this many bytes per tx; refuse early so a
        // tiny input cannot make us allocate for 10 million transactions.
        if r.remaining() < total.saturating_mul(64) {
            return Err(r.err(format!("{total} transactions declared but only {} bytes left for them", r.remaining())));
        }
        let contract_creation_bits = r.bitlist(total, "contract_creation_bits")?;
        let y_parity_bits = r.bitlist(total, "y_parity_bits")?;
        let mut sigs = Vec::with_capacity(total);
        for _ in 0..total {
            let rr = r.array::<32>("signature r")?;
            let ss = r.array::<32>("signature s")?;
            sigs.push((rr, ss));
        }
        let creations = contract_creation_bits.iter().filter(|b| **b).count();
        let mut tos = Vec::with_capacity(total - creations);
        for _ in 0..total - creations {
            tos.push(r.array::<20>("to")?);
        }
        let mut datas = Vec::with_capacity(total);
        let mut data_offsets = Vec::with_capacity(total);
        let mut tx_types = Vec::with_capacity(total);
        for i in 0..total {
            let at = r.offset();
            let (data, ty) = read_tx_data(r, i)?;
            datas.push(data);
            data_offsets.push(at);
            tx_types.push(ty);
        }
        let mut nonces = Vec::with_capacity(total);
        for _ in 0..total {
            nonces.push(r.uvarint("tx nonce")?);
        }
        let mut gases = Vec::with_capacity(total);
        for _ in 0..total {
            gases.push(r.uvarint("tx gas")?);
        }
        let legacy = tx_types.iter().filter(|t| **t == TX_LEGACY).count();
        let protected_bits = r.bitlist(legacy, "protected_bits")?;
        Ok(SpanBatchTxs {
            contract_creation_bits,
            y_parity_bits,
            sigs,
            tos,
            datas,
            data_offsets,
            tx_types,
            nonces,
            gases,
            protected_bits,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_bitlist(out, &self.contract_creation_bits);
        put_bitlist(out, &self.y_parity_bits);
        for (r, s) in &self.sigs {
            out.extend_from_slice(r);
            out.extend_from_slice(s);
        }
        for to in &self.tos {
            out.extend_from_slice(to);
        }
        for d in &self.datas {
            out.extend_from_slice(d);
        }
        for &n in &self.nonces {
            put_uvarint(out, n);
        }
        for &g in &self.gases {
            put_uvarint(out, g);
        }
        put_bitlist(out, &self.protected_bits);
    }
}

/// op-node `ReadTxData`: an optional type byte (< 0x80) then one RLP list.
fn read_tx_data(r: &mut Reader<'_>, index: usize) -> DaResult<(Vec<u8>, u8)> {
    let start = r.offset();
    let rest = r.bytes(r.remaining(), "tx data")?;
    let (ty, body) = match rest.first() {
        None => return Err(batch_err(start, format!("tx {index}: missing tx data"))),
        Some(&b) if b <= 0x7f => (b, &rest[1..]),
        Some(_) => (TX_LEGACY, rest),
    };
    if ty != TX_LEGACY && ty != TX_EIP2930 && ty != TX_EIP1559 && ty != TX_EIP7702 {
        return Err(DaError::new(
            Layer::Tx,
            start,
            format!("tx {index}: transaction type {ty} cannot appear in a span batch"),
        ));
    }
    let mut buf = body;
    let h = Header::decode(&mut buf).map_err(|e| batch_err(start, format!("tx {index}: tx data RLP header: {e}")))?;
    if !h.list {
        return Err(batch_err(start, format!("tx {index}: tx data must be an RLP list")));
    }
    if h.payload_length as u64 > MAX_SPAN_BATCH_ELEMENTS {
        // op-node reads tx data through an RLP stream limited to this many bytes.
        return Err(batch_err(
            start,
            format!("tx {index}: tx data of {} bytes exceeds {MAX_SPAN_BATCH_ELEMENTS}", h.payload_length),
        ));
    }
    if buf.len() < h.payload_length {
        return Err(batch_err(start, format!("tx {index}: tx data list of {} bytes is truncated", h.payload_length)));
    }
    let used = (rest.len() - buf.len()) + h.payload_length;
    // Rewind the reader to just after this item.
    r.rewind_to(start + used);
    Ok((rest[..used].to_vec(), ty))
}

/// A batch read from a channel, with its offset in the decompressed data.
// A channel holds few batches and each is decoded once, so the span variant's
// size costs little; boxing it would change the public variant's type.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Batch {
    Singular(SingularBatch),
    Span(RawSpanBatch),
}

/// Encodes one batch as it appears in a channel: `rlp_string(type ++ content)`.
pub fn encode_batch(batch: &Batch) -> Vec<u8> {
    let mut inner = Vec::new();
    match batch {
        Batch::Singular(b) => {
            inner.push(SINGULAR_BATCH_TYPE);
            inner.extend_from_slice(&b.encode());
        }
        Batch::Span(b) => {
            inner.push(SPAN_BATCH_TYPE);
            inner.extend_from_slice(&b.encode());
        }
    }
    let mut out = Vec::with_capacity(inner.len() + 9);
    Header { list: false, payload_length: inner.len() }.encode(&mut out);
    out.extend_from_slice(&inner);
    out
}

/// Decodes one `type ++ content` batch of either type, whatever the fork
/// (whether a span batch counts before Delta is [`read_channel_batches`]'s
/// rule); `base` is the offset of the type byte.
pub fn decode_batch(data: &[u8], base: usize) -> DaResult<Batch> {
    match data.first() {
        None => Err(batch_err(base, "empty batch")),
        Some(&SINGULAR_BATCH_TYPE) => Ok(Batch::Singular(SingularBatch::decode(&data[1..], base + 1)?)),
        Some(&SPAN_BATCH_TYPE) => Ok(Batch::Span(RawSpanBatch::decode(&data[1..], base + 1)?)),
        Some(&t) => Err(batch_err(base, format!("unknown batch type {t}"))),
    }
}

fn span_before_delta(base: usize) -> DaError {
    batch_err(base, "span batch (type 1) before Delta")
}

/// Batches, each with its offset in the decompressed channel data.
pub type OffsetBatches = Vec<(usize, Batch)>;

/// What op-node's channel reader gets out of one channel's decompressed data.
#[derive(Clone, Debug, Default)]
pub struct ChannelBatches {
    /// The batches read, with their offsets.
    pub batches: OffsetBatches,
    /// Span batches before Delta: they decode, and op-node's channel reader
    /// drops each alone and reads on.
    pub skipped: Vec<DaError>,
    /// The batch that does not decode: op-node skips to the next channel there,
    /// keeping the batches before it.
    pub malformed: Option<DaError>,
    /// The data ended inside a batch of a stream that did not end cleanly (cut
    /// or corrupt compressed data): op-node ignores that tail.
    pub cut_off: Option<DaError>,
}

/// Reads a channel's batches as op-node's channel reader does: in order, until
/// the data ends or a batch does not decode.
pub fn read_channel_batches(data: &[u8], complete: bool, delta: bool) -> ChannelBatches {
    let mut out = ChannelBatches::default();
    let mut at = 0usize;
    while at < data.len() {
        let mut buf = &data[at..];
        let h = match Header::decode(&mut buf) {
            Ok(h) => h,
            Err(alloy_rlp::Error::InputTooShort) if !complete => {
                out.cut_off = Some(batch_err(at, "batch cut off by the end of the decompressed stream"));
                return out;
            }
            Err(e) => {
                out.malformed = Some(batch_err(at, format!("batch RLP header: {e}")));
                return out;
            }
        };
        if h.list {
            out.malformed = Some(batch_err(at, "batch must be an RLP byte string, found a list"));
            return out;
        }
        let head = data.len() - at - buf.len();
        if buf.len() < h.payload_length {
            let e = batch_err(at, format!("batch of {} bytes cut off after {} bytes", h.payload_length, buf.len()));
            if complete {
                out.malformed = Some(e);
            } else {
                out.cut_off = Some(e);
            }
            return out;
        }
        match decode_batch(&buf[..h.payload_length], at + head) {
            Ok(Batch::Span(_)) if !delta => out.skipped.push(span_before_delta(at + head)),
            Ok(batch) => out.batches.push((at, batch)),
            Err(e) => {
                out.malformed = Some(e);
                return out;
            }
        }
        at += head + h.payload_length;
    }
    out
}

/// Reads every batch in decompressed channel data, refusing any that op-node
/// would skip.
///
/// Returns the batches (with their offsets) read before the data ended. If the
/// data stops in the middle of a batch, that is an error when `complete` (the
/// stream ended cleanly, so the channel is malformed); otherwise op-node
/// ignores the cut-off tail, and so do we, reporting it in the second value.
pub fn read_batches(data: &[u8], complete: bool, delta: bool) -> DaResult<(OffsetBatches, Option<DaError>)> {
    let read = read_channel_batches(data, complete, delta);
    if let Some(e) = read.skipped.into_iter().next().or(read.malformed) {
        return Err(e);
    }
    Ok((read.batches, read.cut_off))
}

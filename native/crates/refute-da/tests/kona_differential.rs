//! Differential tests against kona's decoders (`kona-protocol` 0.4.5 from
//! crates.io, a dev-dependency only): frames, channel decompression, span
//! batches and the blocks they expand to, over the shared batch data and over
//! fuzzed inputs.
//!
//! Where the two disagree, op-node (the reference implementation) decides.
//! Every disagreement this suite tolerates is a kona deviation from op-node,
//! listed in `docs/da.md` ("Differential test against kona") and asserted here
//! in its exact shape, so a kona release that fixes one, or a change of ours
//! that moves away from op-node, fails the suite:
//!
//! - **K1** kona reads an `is_last` byte other than 0 or 1 as `false`; op-node
//!   refuses the frame (`invalid byte as is_last`).
//! - **K2** kona's zlib path decompresses the whole stream or nothing: a
//!   channel cut off or corrupt mid-stream is dropped, while op-node keeps the
//!   batches decoded before the damage. This holds for real data: the shared OP
//!   Mainnet batcher transaction's zlib stream has no end marker. kona also applies the size cap only
//!   after decompressing everything.
//! - **K3** kona's brotli path grows its buffer by doubling and refuses once the
//!   doubled size passes the cap, so it can refuse output that fits the cap, and
//!   it lets output up to the compressed size pass a smaller cap; and
//!   on a stream cut short it keeps only what fits the buffer it had when the
//!   input ran out, where op-node drains everything decoded before the cut.
//! - **K4** kona panics (index out of bounds) on a span batch whose signature
//!   column is cut short, where op-node returns an error.
//!
//! - **K8** kona panics (`BatchType::from`, "Invalid batch type") on a batch
//!   whose type byte is neither 0 nor 1, where op-node returns an error and its
//!   channel reader skips to the next channel.
//! - **K9** kona's span batch varints (the `unsigned-varint` crate) drop the
//!   bits past 64 of a ten-byte varint whose last byte is above 1, and refuse a
//!   varint that is not minimally encoded; op-node (`binary.ReadUvarint`)
//!   refuses the first and reads the second.
//! - **K10** kona's brotli decoder allocates from a fixed pool (32 MiB of bytes)
//!   and panics ("OOM") when a stream asks for more than it holds, where
//!   op-node's reader (Go's brotli) returns data or an error.
//! - **K11** kona pads a span batch bit field cut short by the end of the data
//!   with zeros; op-node (`io.ReadFull`) refuses the batch.
//!
//! Otherwise, reading a channel's batches until one does not decode (op-node's
//! channel reader skips the rest of the channel there, keeping the batches
//! before it) agrees with kona's `BatchReader` on channels mixing good and bad
//! batches.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use kona_protocol::{BatchReader, Frame as KonaFrame, RawSpanBatch as KonaSpanBatch};
use proptest::prelude::*;
use refute_da::batch::{
    encode_batch, read_batches, read_channel_batches, Batch, RawSpanBatch, SingularBatch, SPAN_BATCH_TYPE,
};
use refute_da::compress::{decompress, MAX_RLP_BYTES_PER_CHANNEL_FJORD};
use refute_da::derive::{batch_blocks, DeriveConfig};
use refute_da::frame::{encode_frames, parse_frames, Frame};
use refute_da::{blob, DaError};

// ---------------------------------------------------------------- shared data

/// Batcher payloads (version byte, then frames) from the shared fixtures.
fn shared_batcher_payloads() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(blobs) = common::unichain_blobs() {
        for (i, b) in blobs.iter().enumerate() {
            out.push((format!("unichain blob {i}"), blob::decode(b).unwrap()));
        }
    }
    if let Some(raw) = common::read("op-derivation/kona/raw_batcher_tx.hex") {
        let env = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
        out.push(("kona raw_batcher_tx".into(), env.input().to_vec()));
    }
    out
}

/// Whole compressed channels from the shared fixtures, read once per test binary
/// (the proptests below draw from them in every case).
fn shared_channels() -> &'static [(String, Vec<u8>)] {
    static CHANNELS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CHANNELS.get_or_init(read_shared_channels)
}

fn read_shared_channels() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(unichain) = common::unichain_channel() {
        out.push(("unichain channel (brotli)".into(), unichain));
    }
    for (name, data) in shared_batcher_payloads().iter().filter(|(name, _)| name.starts_with("kona")) {
        out.push((format!("{name} channel (zlib)"), parse_frames(data).unwrap().remove(0).data));
    }
    if let Some(text) = common::read("op-derivation/kona/batch.hex") {
        out.push(("kona batch.hex (zlib)".into(), hex::decode(String::from_utf8(text).unwrap().trim()).unwrap()));
    }
    out
}

/// Span batch contents (after the type byte) from the shared fixtures, read once.
fn shared_span_batches() -> &'static [(String, Vec<u8>)] {
    static BATCHES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    BATCHES.get_or_init(read_shared_span_batches)
}

fn read_shared_span_batches() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(raw) = common::read("op-derivation/kona/raw_batch.hex") {
        out.push(("kona raw_batch.hex".into(), raw));
    }
    for (name, channel) in shared_channels() {
        let dec = decompress(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
        let (batches, _) = read_batches(&dec.data, dec.complete(), true).unwrap();
        for (i, (offset, batch)) in batches.iter().enumerate() {
            if let Batch::Span(_) = batch {
                // rlp_string(type ++ content): skip the string header and the type byte.
                let mut buf = &dec.data[*offset..];
                let header = alloy_rlp::Header::decode(&mut buf).unwrap();
                assert_eq!(buf[0], SPAN_BATCH_TYPE);
                out.push((format!("{name} batch {i}"), buf[1..header.payload_length].to_vec()));
            }
        }
    }
    out
}

// ---------------------------------------------------------------- frames

fn assert_same_frames(ours: &[Frame], kona: &[KonaFrame]) {
    assert_eq!(ours.len(), kona.len(), "frame count");
    for (i, (a, b)) in ours.iter().zip(kona).enumerate() {
        assert_eq!(a.channel_id, b.id, "frame {i}: channel id");
        assert_eq!(a.number, b.number, "frame {i}: number");
        assert_eq!(a.data, b.data, "frame {i}: data");
        assert_eq!(a.is_last, b.is_last, "frame {i}: is_last");
    }
}

/// Both parsers on one payload: the same frames, or both refuse, or K1.
fn compare_frames(data: &[u8]) {
    let kona = KonaFrame::parse_frames(data);
    match (parse_frames(data), kona) {
        (Ok(ours), Ok(kona)) => assert_same_frames(&ours, &kona),
        (Err(_), Err(_)) => {}
        (Ok(ours), Err(e)) => panic!("we accept {} frames that kona refuses: {e:?}", ours.len()),
        (Err(e), Ok(kona)) => {
            // K1: the byte we refuse is an is_last byte other than 0/1, and with
            // it set to 0 (what kona read) the parsers agree again.
            assert!(e.message.contains("is_last must be 0 or 1"), "kona accepts what we refuse: {e}");
            assert!(data[e.offset] > 1);
            let mut fixed = data.to_vec();
            fixed[e.offset] = 0;
            assert_eq!(KonaFrame::parse_frames(&fixed).unwrap(), kona, "kona reads the bad byte as false");
            compare_frames(&fixed);
        }
    }
}

#[test]
fn frames_agree_on_shared_batcher_data() {
    let payloads = shared_batcher_payloads();
    for (name, data) in &payloads {
        let ours = parse_frames(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kona = KonaFrame::parse_frames(data).unwrap_or_else(|e| panic!("{name}: kona: {e:?}"));
        assert_same_frames(&ours, &kona);
    }
}

#[test]
fn kona_reads_a_bad_is_last_byte_as_false() {
    // K1, pinned on a concrete frame.
    let frame = Frame { channel_id: [7; 16], number: 3, data: vec![1, 2, 3], is_last: true };
    let mut data = encode_frames(&[frame]);
    let last = data.len() - 1;
    data[last] = 2;
    let e: DaError = parse_frames(&data).unwrap_err();
    assert_eq!(e.offset, last);
    let kona = KonaFrame::parse_frames(&data).unwrap();
    assert!(!kona[0].is_last);
}

fn arb_frame() -> impl Strategy<Value = Frame> {
    (0u8..3, any::<u16>(), proptest::collection::vec(any::<u8>(), 0..48), any::<bool>())
        .prop_map(|(id, number, data, is_last)| Frame { channel_id: [id; 16], number, data, is_last })
}

// ---------------------------------------------------------------- decompression

/// kona's channel decompression (the first step of its `BatchReader`), with
/// K10's panic turned into an error.
fn kona_decompress(channel: &[u8], cap: usize) -> Result<Vec<u8>, String> {
    let mut reader = BatchReader::new(channel.to_vec(), cap);
    match catch_unwind(AssertUnwindSafe(|| reader.decompress())) {
        Ok(r) => r.map_err(|e| format!("{e:?}"))?,
        Err(_) => return Err("K10: kona panicked".into()),
    }
    Ok(reader.decompressed)
}

/// kona's brotli output buffer once it holds `len` bytes: the compressed size, doubled as needed.
fn kona_buffer_reaching(compressed: usize, len: usize) -> usize {
    let mut buffer = compressed;
    while buffer < len {
        buffer *= 2;
    }
    buffer
}

/// Both decompressors on one channel, with output cap `cap`.
fn compare_decompression(channel: &[u8], cap: usize) {
    let ours = decompress(channel, cap, true);
    let kona = kona_decompress(channel, cap);
    match (ours, kona) {
        (Err(_), Err(_)) => {}
        // K10: kona's brotli decoder runs out of its fixed memory pool and panics.
        (_, Err(k)) if k.starts_with("K10") => assert_eq!(channel[0], 1, "K10 on a zlib channel"),
        (Err(e), Ok(k)) => panic!("kona decompresses {} bytes from a channel we refuse: {e}", k.len()),
        (Ok(ours), Err(k)) => {
            // K2 (zlib: all or nothing) or K3 (brotli: doubling buffer). In both,
            // op-node's partial output is ours; it must be a prefix of the stream.
            let kind = &channel[0];
            if *kind == 1 {
                assert!(k.contains("BatchTooLarge"), "brotli: kona refuses with {k}");
            } else {
                assert!(k.contains("ZlibError") || k.contains("RlpTooLarge"), "zlib: kona refuses with {k}");
                if ours.complete() {
                    // A complete stream that kona refuses can only be one over the cap.
                    assert!(k.contains("RlpTooLarge"), "complete zlib stream refused by kona: {k}");
                }
            }
        }
        (Ok(ours), Ok(kona)) => {
            if ours.complete() {
                assert_eq!(ours.data, kona, "decompressed bytes ({})", ours.algorithm.name());
            } else if channel[0] == 1 && ours.status.contains("cap") {
                // K3: kona checks the cap only when it doubles its buffer, and the buffer
                // starts at the compressed size, so output within that passes uncapped.
                assert!(cap < kona.len() && kona.len() < channel.len(), "kona: {} bytes, cap {cap}", kona.len());
                assert_eq!(ours.data, kona[..cap]);
            } else if channel[0] == 1 {
                // Both keep what decoded before a brotli stream ended or broke; kona
                // only what fits the buffer it had when the input ran out (K3).
                assert_eq!(kona[..], ours.data[..kona.len()], "partial brotli output ({})", ours.status);
                if kona.len() < ours.data.len() {
                    assert_eq!(
                        kona.len(),
                        kona_buffer_reaching(channel.len() - 1, kona.len()),
                        "kona stopped short of its buffer"
                    );
                }
            } else {
                // zlib: kona's all-or-nothing succeeds only on a complete stream,
                // so ours stopped at the cap with kona's output longer than it.
                assert!(ours.status.contains("cap"), "zlib stream kona completes, ours: {}", ours.status);
                assert!(kona.len() > cap, "kona decompressed {} bytes within the cap {cap}", kona.len());
                assert_eq!(ours.data, kona[..ours.data.len()]);
            }
        }
    }
}

#[test]
fn decompression_agrees_on_shared_channels() {
    let channels = shared_channels();
    assert!(common::fixture("op-derivation").is_none() || channels.len() >= 3);
    for (name, channel) in channels {
        let ours = decompress(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
        match kona_decompress(channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD) {
            Ok(kona) => {
                assert!(ours.complete(), "{name}: {}", ours.status);
                assert_eq!(ours.data, kona, "{name}");
            }
            // K2 on real data: the OP Mainnet batcher transaction's zlib stream has no
            // end marker; op-node reads it to the end of the input (its one span batch),
            // kona drops the channel.
            Err(k) => {
                assert!(name.starts_with("kona raw_batcher_tx") && k.contains("ZlibError"), "{name}: kona: {k}");
                assert_eq!(ours.status, "zlib stream truncated (no end marker)");
                assert_eq!(ours.data.len(), 240_308, "{name}");
            }
        }
    }
}

#[test]
fn cut_off_channels_agree_or_show_k2() {
    for (name, channel) in shared_channels() {
        for cut in [1usize, 2, 10, 100, 1000, channel.len() / 2, channel.len() - 1] {
            let cut = cut.min(channel.len() - 1);
            let part = &channel[..cut];
            compare_decompression(part, MAX_RLP_BYTES_PER_CHANNEL_FJORD);
            // K2 in its exact shape: a zlib channel cut in half keeps its first
            // batches in op-node and in ours, and kona drops it.
            if channel[0] != 1 && cut == channel.len() / 2 {
                let ours = decompress(part, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
                assert!(!ours.complete() && !ours.data.is_empty(), "{name}: {}", ours.status);
                assert!(kona_decompress(part, MAX_RLP_BYTES_PER_CHANNEL_FJORD).is_err(), "{name}");
            }
        }
    }
}

#[test]
fn brotli_cap_shows_k3() {
    // The Unichain channel decompresses to 962,554 bytes. Under a 4 KiB cap ours
    // (and op-node) stop at the cap and keep what is there; kona refuses the
    // channel as soon as its buffer, doubled from the compressed size, passes
    // the cap.
    let Some((_, unichain)) = shared_channels().iter().find(|(n, _)| n.starts_with("unichain")) else { return };
    let cap = 4096;
    compare_decompression(unichain, cap);
    let ours = decompress(unichain, cap, true).unwrap();
    assert_eq!(ours.data.len(), cap);
    assert!(kona_decompress(unichain, cap).unwrap_err().contains("BatchTooLarge"));
}

// ---------------------------------------------------------------- span batches

fn bits(b: &kona_protocol::SpanBatchBits, n: usize) -> Vec<bool> {
    (0..n).map(|i| b.get_bit(i).unwrap() == 1).collect()
}

fn assert_same_span_batch(ours: &RawSpanBatch, kona: &KonaSpanBatch) {
    let (p, pay, txs) = (&kona.prefix, &kona.payload, &kona.payload.txs);
    assert_eq!(ours.rel_timestamp, p.rel_timestamp, "rel_timestamp");
    assert_eq!(ours.l1_origin_num, p.l1_origin_num, "l1_origin_num");
    assert_eq!(ours.parent_check, p.parent_check.0, "parent_check");
    assert_eq!(ours.l1_origin_check, p.l1_origin_check.0, "l1_origin_check");
    assert_eq!(ours.block_count() as u64, pay.block_count, "block_count");
    assert_eq!(ours.origin_bits, bits(&pay.origin_bits, ours.block_count()), "origin_bits");
    assert_eq!(ours.block_tx_counts, pay.block_tx_counts, "block_tx_counts");
    let n = txs.total_block_tx_count as usize;
    let t = &ours.txs;
    assert_eq!(t.datas.len(), n, "transaction count");
    assert_eq!(t.contract_creation_bits, bits(&txs.contract_creation_bits, n), "contract_creation_bits");
    let kona_sigs: Vec<([u8; 32], [u8; 32])> =
        txs.tx_sigs.iter().map(|s| (s.r().to_be_bytes::<32>(), s.s().to_be_bytes::<32>())).collect();
    assert_eq!(t.sigs, kona_sigs, "signatures");
    assert_eq!(t.y_parity_bits, txs.tx_sigs.iter().map(|s| s.v()).collect::<Vec<_>>(), "y parity");
    let kona_tos: Vec<[u8; 20]> = txs.tx_tos.iter().map(|a| a.0 .0).collect();
    assert_eq!(t.tos, kona_tos, "to addresses");
    assert_eq!(t.datas, txs.tx_datas, "tx data");
    assert_eq!(t.tx_types, txs.tx_types.iter().map(|ty| *ty as u8).collect::<Vec<_>>(), "tx types");
    assert_eq!(t.nonces, txs.tx_nonces, "nonces");
    assert_eq!(t.gases, txs.tx_gases, "gas limits");
    assert_eq!(t.protected_bits, bits(&txs.protected_bits, txs.legacy_tx_count as usize), "protected bits");
}

const CFG: DeriveConfig = DeriveConfig { chain_id: 10, l2_genesis_time: 1_686_068_903, block_time: 2 };

/// The blocks each side expands a decoded span batch to: timestamps, L1 origins
/// and the full signed transactions.
fn assert_same_blocks(ours: &RawSpanBatch, kona: &KonaSpanBatch, cfg: &DeriveConfig) {
    let mut kona = kona.clone();
    let kona_blocks = kona.derive(cfg.block_time, cfg.l2_genesis_time, cfg.chain_id);
    let our_blocks = batch_blocks(&Batch::Span(ours.clone()), 0, cfg);
    match (our_blocks, kona_blocks) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.len(), b.batches.len(), "block count");
            for (i, (x, y)) in a.iter().zip(&b.batches).enumerate() {
                assert_eq!(x.timestamp, y.timestamp, "block {i}: timestamp");
                assert_eq!(x.l1_origin_number, y.epoch_num, "block {i}: L1 origin");
                let kona_txs: Vec<Vec<u8>> = y.transactions.iter().map(|t| t.to_vec()).collect();
                assert_eq!(x.transactions, kona_txs, "block {i}: transactions");
            }
        }
        (Err(_), Err(_)) => {}
        (Ok(a), Err(e)) => panic!("we expand {} blocks where kona refuses: {e:?}", a.len()),
        (Err(e), Ok(b)) => panic!("kona expands {} blocks where we refuse: {e}", b.batches.len()),
    }
}

/// kona's span batch decoder, with K4's panic turned into an error.
fn kona_span_decode(content: &[u8]) -> Result<KonaSpanBatch, String> {
    match catch_unwind(AssertUnwindSafe(|| KonaSpanBatch::decode(&mut &content[..]))) {
        Ok(r) => r.map_err(|e| format!("{e:?}")),
        Err(_) => Err("K4: kona panicked".into()),
    }
}

fn compare_span_batch(content: &[u8]) {
    let ours = RawSpanBatch::decode(content, 0);
    let kona = kona_span_decode(content);
    match (ours, kona) {
        (Ok(a), Ok(b)) => {
            assert_same_span_batch(&a, &b);
            assert_same_blocks(&a, &b, &CFG);
        }
        (Err(_), Err(_)) => {}
        // K9: a varint op-node reads (not minimally encoded) that kona refuses; kona takes
        // the same batch written minimally.
        (Ok(a), Err(_)) if a.encode() != content && kona_span_decode(&a.encode()).is_ok() => {}
        (Ok(a), Err(e)) => panic!("we decode a span batch of {} blocks that kona refuses: {e}", a.block_count()),
        (Err(e), Ok(_)) if is_k9_overflow(content, &e) || is_k11_cut_bitfield(content, &e) => {}
        (Err(e), Ok(b)) => panic!("kona decodes a span batch of {} blocks that we refuse: {e}", b.payload.block_count),
    }
}

/// K11: our error is a bit field cut short by the end of the batch (kona pads it with zeros).
fn is_k11_cut_bitfield(content: &[u8], e: &DaError) -> bool {
    let left = e.message.strip_suffix(" left").and_then(|m| m.rsplit(' ').next()?.parse::<usize>().ok());
    e.message.starts_with("truncated: ") && e.message.contains("_bits needs") && left == Some(content.len() - e.offset)
}

/// K9: our error is a varint whose tenth byte ends it with a value above 1,
/// which overflows 64 bits (op-node's `binary.ReadUvarint` refuses it; kona
/// drops the high bits).
fn is_k9_overflow(content: &[u8], e: &DaError) -> bool {
    let varint = content.get(e.offset..e.offset + 10);
    e.message.starts_with("varint overflows u64")
        && varint.is_some_and(|v| v[..9].iter().all(|b| b & 0x80 != 0) && (2..0x80).contains(&v[9]))
}

#[test]
fn span_batches_agree_on_shared_data() {
    let batches = shared_span_batches();
    assert!(common::fixture("op-derivation").is_none() || batches.len() >= 3, "{} span batches", batches.len());
    let mut blocks = 0;
    for (name, content) in batches {
        let ours = RawSpanBatch::decode(content, 0).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kona = kona_span_decode(content).unwrap_or_else(|e| panic!("{name}: kona: {e}"));
        assert_same_span_batch(&ours, &kona);
        let chain_id = if name.starts_with("unichain") { 130 } else { 10 };
        let cfg = DeriveConfig { chain_id, ..CFG };
        assert_same_blocks(&ours, &kona, &cfg);
        blocks += ours.block_count();
        // Every expanded transaction is a signed transaction of the chain.
        for tx in refute_da::derive::span_transactions(&ours, chain_id).unwrap() {
            let env = TxEnvelope::decode_2718(&mut tx.as_slice()).unwrap();
            assert!(env.chain_id().is_none_or(|id| id == chain_id));
        }
    }
    assert!(common::fixture("op-derivation").is_none() || blocks > 500, "{blocks} blocks compared");
}

#[test]
fn kona_panics_on_a_cut_off_signature_column() {
    // K4, pinned: cut a real span batch inside its signature column.
    let Some(raw) = common::read("op-derivation/kona/raw_batch.hex") else { return };
    let ours = RawSpanBatch::decode(&raw, 0).unwrap();
    let first_sig = raw.windows(32).position(|w| w == ours.txs.sigs[0].0).unwrap();
    let cut = &raw[..first_sig + 40];
    assert!(RawSpanBatch::decode(cut, 0).is_err());
    assert_eq!(kona_span_decode(cut).unwrap_err(), "K4: kona panicked");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn frames_agree_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut data = data;
        if let Some(b) = data.first_mut() { *b %= 2; }
        compare_frames(&data);
    }

    #[test]
    fn frames_agree_on_mutated_frames(
        frames in proptest::collection::vec(arb_frame(), 1..4),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut data = encode_frames(&frames);
        for (at, v) in edits { let i = at.index(data.len()); data[i] = v; }
        if truncate { data.truncate(cut.index(data.len() + 1)); }
        compare_frames(&data);
    }

    #[test]
    fn decompression_agrees_on_random_channels(
        kind in prop::sample::select(vec![0x78u8, 0x08, 0x0f, 0x01, 0x02]),
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut channel = vec![kind];
        channel.extend_from_slice(&body);
        compare_decompression(&channel, 1 << 16);
    }

    #[test]
    fn decompression_agrees_on_mutated_shared_channels(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..3),
        cap in prop::sample::select(vec![1usize << 12, 1 << 20, MAX_RLP_BYTES_PER_CHANNEL_FJORD]),
    ) {
        let channels = shared_channels();
        if channels.is_empty() { return Ok(()); }
        let (_, channel) = &channels[which.index(channels.len())];
        let mut channel = channel.clone();
        // Keep the compression byte: the mutations are for the stream.
        for (at, v) in edits { let i = 1 + at.index(channel.len() - 1); channel[i] = v; }
        compare_decompression(&channel, cap);
    }

    #[test]
    fn span_batches_agree_on_mutated_shared_data(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let batches = shared_span_batches();
        if batches.is_empty() { return Ok(()); }
        let (_, content) = &batches[which.index(batches.len())];
        let mut content = content.clone();
        for (at, v) in edits { let i = at.index(content.len()); content[i] = v; }
        if truncate { content.truncate(cut.index(content.len() + 1)); }
        compare_span_batch(&content);
    }
}

// ------------------------------------------------- batches until one is bad

/// One batch of a channel: a good singular batch, or one that does not decode.
#[derive(Clone, Debug)]
enum Piece {
    Singular {
        timestamp: u64,
        transactions: Vec<Vec<u8>>,
    },
    /// A byte string whose type byte (2 or more) no fork defines.
    UnknownType(u8, Vec<u8>),
    /// An RLP list where a batch's byte string belongs.
    List(Vec<u8>),
}

impl Piece {
    fn encode(&self) -> Vec<u8> {
        match self {
            Piece::Singular { timestamp, transactions } => encode_batch(&Batch::Singular(SingularBatch {
                parent_hash: [3u8; 32].into(),
                epoch_num: 7,
                epoch_hash: [4u8; 32].into(),
                timestamp: *timestamp,
                transactions: transactions.iter().cloned().map(Into::into).collect(),
            })),
            Piece::UnknownType(t, body) => {
                let mut content = vec![*t];
                content.extend_from_slice(body);
                alloy_rlp::encode(alloy_primitives::Bytes::from(content))
            }
            Piece::List(items) => alloy_rlp::encode(items.clone()),
        }
    }
}

fn arb_piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => (any::<u64>(), proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..40), 0..3))
            .prop_map(|(timestamp, transactions)| Piece::Singular { timestamp, transactions }),
        1 => (2u8.., proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|(t, b)| Piece::UnknownType(t, b)),
        1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(Piece::List),
    ]
}

/// kona's batch timestamps out of one zlib channel, read until its reader gives
/// none, and whether it panicked there (K8).
fn kona_timestamps(channel: &[u8]) -> (Vec<u64>, bool) {
    let cfg = kona_genesis::RollupConfig::default();
    let mut reader = BatchReader::new(channel.to_vec(), MAX_RLP_BYTES_PER_CHANNEL_FJORD);
    let mut timestamps = Vec::new();
    loop {
        match catch_unwind(AssertUnwindSafe(|| reader.next_batch(&cfg))) {
            Ok(Some(batch)) => timestamps.push(batch.timestamp()),
            Ok(None) => return (timestamps, false),
            Err(_) => return (timestamps, true),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// The batches before the first bad one, and nothing after it, on both sides.
    #[test]
    fn a_bad_batch_ends_the_channel_alike(pieces in proptest::collection::vec(arb_piece(), 0..6)) {
        let stream: Vec<u8> = pieces.iter().flat_map(Piece::encode).collect();
        let channel = miniz_oxide::deflate::compress_to_vec_zlib(&stream, 6);
        let ours = read_channel_batches(&stream, true, true);
        let good_prefix: Vec<u64> = pieces
            .iter()
            .map_while(|p| match p { Piece::Singular { timestamp, .. } => Some(*timestamp), _ => None })
            .collect();
        let timestamps: Vec<u64> = ours
            .batches
            .iter()
            .map(|(_, b)| match b { Batch::Singular(s) => s.timestamp, Batch::Span(s) => s.rel_timestamp })
            .collect();
        prop_assert_eq!(&timestamps, &good_prefix);
        prop_assert_eq!(ours.malformed.is_some(), good_prefix.len() < pieces.len());
        prop_assert!(ours.skipped.is_empty() && ours.cut_off.is_none());
        let first_bad_is_unknown_type = matches!(pieces.get(good_prefix.len()), Some(Piece::UnknownType(..)));
        let (kona, panicked) = kona_timestamps(&channel);
        prop_assert_eq!(kona, good_prefix);
        prop_assert_eq!(panicked, first_bad_is_unknown_type, "K8 is exactly kona's panic");
    }
}

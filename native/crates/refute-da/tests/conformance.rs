//! Conformance against the shared third-party fixtures (see fixtures/SOURCES.md).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use refute_da::batch::{read_batches, Batch, RawSpanBatch};
use refute_da::channel::ChannelRules;
use refute_da::compress::{decompress, Algorithm, MAX_RLP_BYTES_PER_CHANNEL_FJORD};
use refute_da::derive::{span_transactions, DeriveConfig};
use refute_da::pipeline::{run, BadData, Input, InputKind, PipelineConfig};
use refute_da::{blob, frame};

fn fjord_config(chain_id: u64) -> PipelineConfig {
    PipelineConfig {
        derive: DeriveConfig { chain_id, l2_genesis_time: 0, block_time: 1 },
        channel: ChannelRules { channel_timeout: 50, canyon: true, holocene: false, max_bank_size: 100_000_000 },
        max_rlp_bytes: MAX_RLP_BYTES_PER_CHANNEL_FJORD,
        fjord: true,
        delta: true,
        bad_data: BadData::Fail,
    }
}

/// Blob `index` of the Unichain batcher tx decodes to one frame of the published
/// channel, with `len` bytes of data, frame number `number` and `last` flag.
fn unichain_blob_decodes_to_published_frame(index: usize, len: usize, number: u16, last: bool) {
    let Some(blob) = common::unichain_blob(index) else { return };
    let data = blob::decode(&blob).unwrap();
    assert_eq!(data.len(), len);
    assert_eq!(data[0], 0);
    assert_eq!(blob::encode(&data).unwrap(), blob, "re-encoding must give the same blob");
    let frames = frame::parse_frames(&data).unwrap();
    assert_eq!(frames.len(), 1);
    assert_eq!(hex::encode(frames[0].channel_id), "0cd2fbf2cf47542dc209f38baa4fd48f");
    assert_eq!((frames[0].number, frames[0].is_last), (number, last));
    assert_eq!(frame::encode_frames(&frames), data);
}

/// One test per Unichain blob: `name: index => (data length, frame number, last)`.
macro_rules! unichain_blob_tests {
    ($($name:ident: $index:literal => ($len:literal, $number:literal, $last:literal),)*) => {
        const UNICHAIN_BLOB_TESTS: usize = [$($index),*].len();
        $(
            #[test]
            fn $name() {
                unichain_blob_decodes_to_published_frame($index, $len, $number, $last);
            }
        )*
    };
}

unichain_blob_tests! {
    unichain_blob_0_decodes_to_published_frame: 0 => (130044, 0, false),
    unichain_blob_1_decodes_to_published_frame: 1 => (130044, 1, false),
    unichain_blob_2_decodes_to_published_frame: 2 => (62752, 2, true),
}

#[test]
fn unichain_blob_tests_cover_the_fixture_folder() {
    let Some(dir) = common::fixture(common::UNICHAIN_DIR) else { return };
    let mut on_disk: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    on_disk.sort();
    let mut listed: Vec<String> = common::UNICHAIN_BLOBS.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(listed, on_disk, "common::UNICHAIN_BLOBS must list every blob in {}", dir.display());
    assert_eq!(UNICHAIN_BLOB_TESTS, common::UNICHAIN_BLOBS.len(), "one unichain_blob test per blob");
}

#[test]
fn unichain_channel_gives_published_span_batch() {
    let Some(blobs) = common::unichain_blobs() else { return };
    let inputs: Vec<Input> = blobs
        .into_iter()
        .map(|data| Input { l1_block: 24149392, kind: InputKind::OpBlob, data: data.into() })
        .collect();
    let rec = run(&inputs, &fjord_config(130)).unwrap();
    assert_eq!(rec.channels.len(), 1);
    let ch = &rec.channels[0];
    assert_eq!(ch.algorithm, Algorithm::Brotli);
    assert_eq!(ch.decompressed_len, 962554);
    assert_eq!(ch.stream_status, "complete");
    assert_eq!(ch.batches.len(), 1);
    assert_eq!(rec.blocks.len(), 540);
    assert_eq!(rec.blocks.iter().map(|b| b.transactions.len()).sum::<usize>(), 3196);
    assert_eq!(rec.blocks.last().unwrap().l1_origin_number, 24149386);
    assert_eq!(rec.blocks[0].timestamp, 36637400);
    assert_eq!(rec.blocks[539].timestamp, 36637400 + 539);
    // Every rebuilt transaction is a well-formed signed tx for chain 130.
    for b in &rec.blocks {
        for tx in &b.transactions {
            let env = TxEnvelope::decode_2718(&mut tx.as_slice()).unwrap();
            if let Some(id) = env.chain_id() {
                assert_eq!(id, 130);
            }
        }
    }
}

#[test]
fn unichain_span_batch_round_trips() {
    let Some(channel) = common::unichain_channel() else { return };
    let dec = decompress(&channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
    let (batches, tail) = read_batches(&dec.data, dec.complete(), true).unwrap();
    assert!(tail.is_none());
    let Batch::Span(span) = &batches[0].1 else { panic!("expected a span batch") };
    assert_eq!(span.rel_timestamp, 36637400);
    assert_eq!(span.l1_origin_num, 24149386);
    assert_eq!(refute_da::batch::encode_batch(&batches[0].1), dec.data, "span batch must re-encode byte for byte");
}

/// A brotli channel cut short yields every byte decoded before the cut, as
/// op-node's reader drains the decoder before it reports the unexpected end:
/// far more than one output chunk, a prefix of the whole channel's output, and
/// more the later the cut.
#[test]
fn a_cut_brotli_channel_yields_everything_decoded_before_the_cut() {
    let Some(channel) = common::unichain_channel() else { return };
    let whole = decompress(&channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
    assert!(whole.complete());
    let mut previous = 0;
    for cut in [channel.len() / 4, channel.len() / 2, channel.len() - 1] {
        let part = decompress(&channel[..cut], MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
        assert_eq!(part.status, "brotli stream truncated (no end marker)");
        assert_eq!(part.data, whole.data[..part.data.len()], "cut at {cut}: a prefix of the whole output");
        assert!(part.data.len() > previous, "cut at {cut}: {} bytes, no more than before", part.data.len());
        previous = part.data.len();
    }
    // One byte short of the end marker, nearly all of the 962,554 bytes are out.
    assert!(previous > whole.data.len() * 9 / 10, "{previous} of {} bytes", whole.data.len());
}

#[test]
fn kona_raw_span_batch_round_trips() {
    let Some(raw) = common::read("op-derivation/kona/raw_batch.hex") else { return };
    let span = RawSpanBatch::decode(&raw, 0).unwrap();
    assert_eq!(span.encode(), raw);
    assert!(span.block_count() > 0);
    let txs = span_transactions(&span, 10).unwrap();
    assert_eq!(txs.len(), span.block_tx_counts.iter().sum::<u64>() as usize);
}

#[test]
fn kona_batcher_tx_gives_one_span_batch() {
    let Some(raw) = common::read("op-derivation/kona/raw_batcher_tx.hex") else { return };
    let env = TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
    let calldata = env.input().to_vec();
    assert_eq!(calldata.len(), 119823);
    let frames = frame::parse_frames(&calldata).unwrap();
    assert_eq!(frames.len(), 1);
    assert_eq!(hex::encode(frames[0].channel_id), "ac329933f5efdcc35ccd284232a376d3");
    assert_eq!((frames[0].number, frames[0].data.len(), frames[0].is_last), (0, 119799, true));
    let rec =
        run(&[Input { l1_block: 1, kind: InputKind::BatcherData, data: calldata.into() }], &fjord_config(10)).unwrap();
    assert_eq!(rec.channels.len(), 1);
    assert_eq!(rec.channels[0].decompressed_len, 240308);
    assert_eq!(rec.channels[0].algorithm, Algorithm::Zlib);
    assert_eq!(rec.channels[0].batches.len(), 1);
    assert_eq!(rec.channels[0].batches[0].1, 1);
    assert!(rec.channels[0].tail.is_none());
}

#[test]
fn kona_zlib_channel_reads_to_the_end() {
    let Some(text) = common::read("op-derivation/kona/batch.hex") else { return };
    let compressed = hex::decode(String::from_utf8(text).unwrap().trim()).unwrap();
    let dec = decompress(&compressed, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
    let (batches, tail) = read_batches(&dec.data, dec.complete(), true).unwrap();
    assert!(tail.is_none(), "reader must end exactly at the decompressed length");
    assert!(!batches.is_empty());
    for (_, b) in &batches {
        let Batch::Span(s) = b else { panic!("expected span batches") };
        assert!(s.block_tx_counts.iter().take(2).all(|&n| n > 0), "first two blocks carry transactions");
        span_transactions(s, 10).unwrap();
    }
}

const GOERLI_SIDECARS: &str = "op-derivation/beacon-api/eth_v1_beacon_blob_sidecars_7422094_goerli.json";

/// The blobs of the Goerli sidecar response, in order; None when the file is absent.
fn goerli_blobs() -> Option<Vec<Vec<u8>>> {
    let text = String::from_utf8(common::read(GOERLI_SIDECARS)?).unwrap();
    let blobs = text
        .split("\"blob\":")
        .skip(1)
        .map(|part| {
            let hexblob = part.trim_start().trim_start_matches('"');
            let end = hexblob.find('"').unwrap();
            hex::decode(hexblob[..end].trim_start_matches("0x")).unwrap()
        })
        .collect();
    Some(blobs)
}

/// Sidecar `index` holds a real (KZG-valid) blob that is not OP-encoded: the decoder rejects it.
fn goerli_sidecar_is_not_op_encoded(index: usize) {
    let Some(blobs) = goerli_blobs() else { return };
    let err = blob::decode(&blobs[index]).unwrap_err();
    assert_eq!(err.layer, refute_da::Layer::Blob);
}

/// One test per Goerli sidecar: `name => index`.
macro_rules! goerli_sidecar_tests {
    ($($name:ident => $index:literal,)*) => {
        const GOERLI_SIDECAR_TESTS: usize = [$($index),*].len();
        $(
            #[test]
            fn $name() {
                goerli_sidecar_is_not_op_encoded($index);
            }
        )*
    };
}

goerli_sidecar_tests! {
    goerli_sidecar_0_is_not_op_encoded => 0,
    goerli_sidecar_1_is_not_op_encoded => 1,
    goerli_sidecar_2_is_not_op_encoded => 2,
    goerli_sidecar_3_is_not_op_encoded => 3,
    goerli_sidecar_4_is_not_op_encoded => 4,
}

#[test]
fn goerli_sidecar_tests_cover_the_fixture() {
    let Some(blobs) = goerli_blobs() else { return };
    assert_eq!(blobs.len(), GOERLI_SIDECAR_TESTS, "one goerli_sidecar test per sidecar in {GOERLI_SIDECARS}");
}

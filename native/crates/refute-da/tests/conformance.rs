//! Conformance against the shared third-party fixtures (see fixtures/SOURCES.md).

mod common;

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use refute_da::batch::{read_batches, Batch, RawSpanBatch};
use refute_da::channel::ChannelRules;
use refute_da::compress::{decompress, Algorithm, MAX_RLP_BYTES_PER_CHANNEL_FJORD};
use refute_da::derive::{span_transactions, DeriveConfig};
use refute_da::pipeline::{run, Input, InputKind, PipelineConfig};
use refute_da::{blob, frame};

fn fjord_config(chain_id: u64) -> PipelineConfig {
    PipelineConfig {
        derive: DeriveConfig { chain_id, l2_genesis_time: 0, block_time: 1 },
        channel: ChannelRules { channel_timeout: 50, canyon: true, holocene: false, max_bank_size: 100_000_000 },
        max_rlp_bytes: MAX_RLP_BYTES_PER_CHANNEL_FJORD,
        fjord: true,
        delta: true,
    }
}

#[test]
fn unichain_blobs_decode_to_published_frames() {
    let Some(blobs) = common::unichain_blobs() else { return };
    let expected = [(130044usize, 0u16, false), (130044, 1, false), (62752, 2, true)];
    for (blob, (len, number, last)) in blobs.iter().zip(expected) {
        let data = blob::decode(blob).unwrap();
        assert_eq!(data.len(), len);
        assert_eq!(data[0], 0);
        assert_eq!(blob::encode(&data).unwrap(), *blob, "re-encoding must give the same blob");
        let frames = frame::parse_frames(&data).unwrap();
        assert_eq!(frames.len(), 1);
        assert_eq!(hex::encode(frames[0].channel_id), "0cd2fbf2cf47542dc209f38baa4fd48f");
        assert_eq!((frames[0].number, frames[0].is_last), (number, last));
        assert_eq!(frame::encode_frames(&frames), data);
    }
}

#[test]
fn unichain_channel_gives_published_span_batch() {
    let Some(blobs) = common::unichain_blobs() else { return };
    let inputs: Vec<Input> = blobs.into_iter().map(|data| Input { l1_block: 24149392, kind: InputKind::OpBlob, data }).collect();
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
    let Some(blobs) = common::unichain_blobs() else { return };
    let mut channel = Vec::new();
    for b in &blobs {
        let frames = frame::parse_frames(&blob::decode(b).unwrap()).unwrap();
        channel.extend_from_slice(&frames[0].data);
    }
    let dec = decompress(&channel, MAX_RLP_BYTES_PER_CHANNEL_FJORD, true).unwrap();
    let (batches, tail) = read_batches(&dec.data, dec.complete(), true).unwrap();
    assert!(tail.is_none());
    let Batch::Span(span) = &batches[0].1 else { panic!("expected a span batch") };
    assert_eq!(span.rel_timestamp, 36637400);
    assert_eq!(span.l1_origin_num, 24149386);
    assert_eq!(refute_da::batch::encode_batch(&batches[0].1), dec.data, "span batch must re-encode byte for byte");
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
    let rec = run(&[Input { l1_block: 1, kind: InputKind::BatcherData, data: calldata }], &fjord_config(10)).unwrap();
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

#[test]
fn goerli_sidecar_blobs_are_not_op_encoded() {
    let Some(json) = common::read("op-derivation/beacon-api/eth_v1_beacon_blob_sidecars_7422094_goerli.json") else { return };
    let text = String::from_utf8(json).unwrap();
    let mut rejected = 0;
    for part in text.split("\"blob\":").skip(1) {
        let hexblob = part.trim_start().trim_start_matches('"');
        let end = hexblob.find('"').unwrap();
        let blob = hex::decode(hexblob[..end].trim_start_matches("0x")).unwrap();
        let err = blob::decode(&blob).unwrap_err();
        assert_eq!(err.layer, refute_da::Layer::Blob);
        rejected += 1;
    }
    assert_eq!(rejected, 5);
}

//! Data op-node skips: under `BadData::Skip` the pipeline derives exactly what
//! it derives without that data, and records why it skipped it; under
//! `BadData::Fail` it stops there, naming the layer.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use alloy_primitives::B256;
use proptest::prelude::*;
use refute_da::batch::{encode_batch, Batch, RawSpanBatch, SingularBatch, SpanBatchTxs};
use refute_da::channel::ChannelRules;
use refute_da::derive::DeriveConfig;
use refute_da::error::Layer;
use refute_da::frame::{encode_frames, Frame};
use refute_da::pipeline::{run, BadData, Input, InputKind, PipelineConfig, Reconstruction};
use refute_da::{blob, DaError};

fn rules(bad_data: BadData, delta: bool) -> PipelineConfig {
    PipelineConfig {
        derive: DeriveConfig { chain_id: 10, l2_genesis_time: 0, block_time: 2 },
        channel: ChannelRules::default(),
        max_rlp_bytes: 1 << 20,
        fjord: true,
        delta,
        bad_data,
    }
}

/// A singular batch with no transactions at `timestamp`, as a channel holds it.
fn singular(timestamp: u64) -> Vec<u8> {
    encode_batch(&Batch::Singular(SingularBatch {
        parent_hash: B256::repeat_byte(1),
        epoch_num: 1,
        epoch_hash: B256::repeat_byte(2),
        timestamp,
        transactions: Vec::new(),
    }))
}

/// A one-block span batch with no transactions at `timestamp`, as a channel holds it.
fn span(timestamp: u64) -> Vec<u8> {
    encode_batch(&Batch::Span(RawSpanBatch {
        rel_timestamp: timestamp,
        l1_origin_num: 1,
        parent_check: [1; 20],
        l1_origin_check: [2; 20],
        origin_bits: vec![false],
        block_tx_counts: vec![0],
        txs: SpanBatchTxs::default(),
    }))
}

/// `rlp_string(type ++ content)` of a batch type no fork defines.
fn unknown_batch_type() -> Vec<u8> {
    vec![0x83, 0x09, 0xc0, 0xc0]
}

/// Batcher data of one complete channel `id` holding `channel` (raw, compressed by the caller).
fn frame_data(id: u8, channel: Vec<u8>) -> Input {
    let frame = Frame { channel_id: [id; 16], number: 0, data: channel, is_last: true };
    Input { l1_block: 1, kind: InputKind::BatcherData, data: encode_frames(&[frame]).into() }
}

/// Batcher data of one complete zlib channel `id` over the batch stream `stream`.
fn channel(id: u8, stream: &[u8]) -> Input {
    frame_data(id, miniz_oxide::deflate::compress_to_vec_zlib(stream, 6))
}

fn raw(data: Vec<u8>, kind: InputKind) -> Input {
    Input { l1_block: 1, kind, data: data.into() }
}

fn timestamps(rec: &Reconstruction) -> Vec<u64> {
    rec.blocks.iter().map(|b| b.timestamp).collect()
}

fn layers(errors: &[DaError]) -> Vec<Layer> {
    errors.iter().map(|e| e.layer).collect()
}

#[test]
fn inputs_that_do_not_decode_are_skipped_whole() {
    let mut not_op_encoded = vec![0u8; blob::BLOB_SIZE];
    not_op_encoded[1] = 7;
    let inputs = [
        raw(vec![1, 2, 3], InputKind::BatcherData),    // derivation version 1
        raw(vec![0, 1, 2, 3], InputKind::BatcherData), // a truncated frame
        raw(not_op_encoded, InputKind::OpBlob),
        channel(5, &[singular(2), singular(4)].concat()),
    ];
    let rec = run(&inputs, &rules(BadData::Skip, true)).unwrap();
    assert_eq!(timestamps(&rec), [2, 4]);
    assert_eq!(rec.frames_per_input, [0, 0, 0, 1]);
    assert_eq!(layers(&rec.skipped), [Layer::Frame, Layer::Frame, Layer::Blob]);
    assert!(rec.skipped[2].message.starts_with("input 2: "), "{}", rec.skipped[2]);
    assert_eq!(rec.canonical(), run(&inputs[3..], &rules(BadData::Skip, true)).unwrap().canonical());

    let e = run(&inputs, &rules(BadData::Fail, true)).unwrap_err();
    assert_eq!((e.layer, e.message.starts_with("input 0: ")), (Layer::Frame, true), "{e}");
}

#[test]
fn a_batch_that_does_not_decode_ends_its_channel_keeping_the_batches_before_it() {
    let inputs = [channel(5, &[singular(2), unknown_batch_type(), singular(4)].concat()), channel(6, &singular(6))];
    let rec = run(&inputs, &rules(BadData::Skip, true)).unwrap();
    assert_eq!(timestamps(&rec), [2, 6]);
    assert_eq!(layers(&rec.skipped), [Layer::Batch]);
    assert!(rec.skipped[0].message.contains("unknown batch type 9"), "{}", rec.skipped[0]);
    assert_eq!(rec.channels.len(), 2);

    let e = run(&inputs, &rules(BadData::Fail, true)).unwrap_err();
    assert!(e.message.contains("unknown batch type 9"), "{e}");
}

#[test]
fn a_channel_of_unknown_compression_is_skipped() {
    let inputs = [frame_data(5, vec![0x02, 0xde, 0xad]), channel(6, &singular(6))];
    let rec = run(&inputs, &rules(BadData::Skip, true)).unwrap();
    assert_eq!(timestamps(&rec), [6]);
    assert_eq!(layers(&rec.skipped), [Layer::Channel]);
    assert_eq!(rec.channels.len(), 1);
    assert_eq!(run(&inputs, &rules(BadData::Fail, true)).unwrap_err().layer, Layer::Channel);
}

#[test]
fn a_span_batch_before_delta_is_skipped_alone() {
    let stream = [singular(2), span(4), singular(6)].concat();
    let inputs = [channel(5, &stream)];
    let rec = run(&inputs, &rules(BadData::Skip, false)).unwrap();
    assert_eq!(timestamps(&rec), [2, 6], "the channel is read on after the span batch");
    assert!(rec.skipped[0].message.contains("before Delta"), "{}", rec.skipped[0]);
    assert!(run(&inputs, &rules(BadData::Fail, false)).unwrap_err().message.contains("before Delta"));
    // From Delta on, the same channel is three blocks.
    assert_eq!(timestamps(&run(&inputs, &rules(BadData::Fail, true)).unwrap()), [2, 4, 6]);
}

/// One of the inputs a property case mixes in.
#[derive(Clone, Debug)]
enum Piece {
    Good(u64),
    Junk(Vec<u8>),
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Skipping is invisible: junk inputs anywhere among good channels give the
    /// blocks of the good channels alone, and each junk input is either skipped
    /// with a reason or refused by the failing rules.
    #[test]
    fn junk_among_good_channels_changes_nothing(
        pieces in proptest::collection::vec(
            prop_oneof![
                (1u64..50).prop_map(Piece::Good),
                proptest::collection::vec(any::<u8>(), 0..64).prop_map(Piece::Junk),
            ],
            1..8,
        )
    ) {
        let mut good = Vec::new();
        let mut all = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            match piece {
                Piece::Good(t) => {
                    let input = channel(i as u8, &singular(*t));
                    good.push(input.clone());
                    all.push(input);
                }
                // A junk input whose frames happened to parse would open channels of its own.
                Piece::Junk(bytes) if refute_da::frame::parse_frames(bytes).is_err() => {
                    all.push(raw(bytes.clone(), InputKind::BatcherData));
                }
                Piece::Junk(_) => {}
            }
        }
        let with_junk = run(&all, &rules(BadData::Skip, true)).unwrap();
        let without = run(&good, &rules(BadData::Skip, true)).unwrap();
        prop_assert_eq!(with_junk.canonical(), without.canonical());
        prop_assert_eq!(with_junk.skipped.len(), all.len() - good.len());
        prop_assert!(without.skipped.is_empty());
        prop_assert_eq!(run(&all, &rules(BadData::Fail, true)).is_ok(), all.len() == good.len());
    }
}

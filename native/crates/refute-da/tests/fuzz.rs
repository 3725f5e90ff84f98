//! Property-based fuzzing of every decoder: random and mutated inputs never
//! panic, never loop, and never allocate past the caps; valid inputs round-trip.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use proptest::prelude::*;
use refute_da::batch::{read_batches, RawSpanBatch};
use refute_da::channel::ChannelRules;
use refute_da::compress::decompress;
use refute_da::derive::{span_transactions, DeriveConfig};
use refute_da::pipeline::{run, BadData, Input, InputKind, PipelineConfig};
use refute_da::{blob, eigenda, frame, wire};

fn cfg() -> PipelineConfig {
    PipelineConfig {
        derive: DeriveConfig { chain_id: 10, l2_genesis_time: 0, block_time: 2 },
        channel: ChannelRules::default(),
        max_rlp_bytes: 1 << 20,
        fjord: true,
        delta: true,
        bad_data: BadData::Fail,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn op_blob_round_trip(payload in proptest::collection::vec(any::<u8>(), 0..5000)) {
        prop_assert_eq!(blob::decode(&blob::encode(&payload).unwrap()).unwrap(), payload);
    }

    #[test]
    fn op_blob_mutation(payload in proptest::collection::vec(any::<u8>(), 0..3000), edits in proptest::collection::vec((0usize..blob::BLOB_SIZE, any::<u8>()), 1..4)) {
        let mut b = blob::encode(&payload).unwrap();
        for (at, v) in edits { b[at] = v; }
        if let Ok(out) = blob::decode(&b) {
            prop_assert_eq!(blob::encode(&out).unwrap(), b);
        }
    }

    #[test]
    fn eigenda_round_trip(payload in proptest::collection::vec(any::<u8>(), 0..3000)) {
        prop_assert_eq!(eigenda::decode(&eigenda::encode(&payload).unwrap()).unwrap(), payload);
    }

    #[test]
    fn eigenda_random(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = eigenda::decode(&data);
    }

    #[test]
    fn frames_random(data in proptest::collection::vec(any::<u8>(), 0..500)) {
        if let Err(e) = frame::parse_frames(&data) { prop_assert!(e.offset <= data.len()); }
    }

    #[test]
    fn decompress_random(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(d) = decompress(&data, 10_000, true) { prop_assert!(d.data.len() <= 10_000); }
    }

    #[test]
    fn batches_random(data in proptest::collection::vec(any::<u8>(), 0..800), complete in any::<bool>()) {
        if let Ok((batches, _)) = read_batches(&data, complete, true) {
            for (o, b) in &batches {
                let _ = refute_da::derive::batch_blocks(b, *o, &cfg().derive);
            }
        }
    }

    #[test]
    fn span_random(data in proptest::collection::vec(any::<u8>(), 0..800)) {
        if let Ok(s) = RawSpanBatch::decode(&data, 0) {
            let _ = span_transactions(&s, 10);
        }
    }

    #[test]
    fn request_random(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = wire::run_request(&data);
    }
}

#[test]
fn kona_span_batch_mutations_never_panic() {
    let Some(raw) = common::read("op-derivation/kona/raw_batch.hex") else { return };
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 2000, ..ProptestConfig::default() });
    let strategy = proptest::collection::vec((0usize..raw.len(), any::<u8>()), 1..4);
    runner
        .run(&strategy, |edits| {
            let mut m = raw.clone();
            for (at, v) in edits {
                m[at] = v;
            }
            if let Ok(s) = RawSpanBatch::decode(&m, 0) {
                let _ = span_transactions(&s, 10);
            }
            // Truncations too.
            let _ = RawSpanBatch::decode(&m[..m.len() / 2], 0);
            Ok(())
        })
        .unwrap();
}

#[test]
fn unichain_frame_mutations_never_panic() {
    let Some(blobs) = common::unichain_blobs() else { return };
    let data = blob::decode(&blobs[2]).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 200, ..ProptestConfig::default() });
    runner
        .run(&proptest::collection::vec((0usize..data.len(), any::<u8>()), 1..3), |edits| {
            let mut m = data.clone();
            for (at, v) in edits {
                m[at] = v;
            }
            let inputs = [Input { l1_block: 1, kind: InputKind::BatcherData, data: m.into() }];
            let _ = run(&inputs, &cfg());
            Ok(())
        })
        .unwrap();
}

#[test]
fn decompression_stops_at_the_cap() {
    let Some(text) = common::read("op-derivation/kona/batch.hex") else { return };
    let compressed = hex::decode(String::from_utf8(text).unwrap().trim()).unwrap();
    let d = decompress(&compressed, 1000, true).unwrap();
    assert_eq!(d.data.len(), 1000);
    assert!(d.status.contains("cap"));
}

mod span_round_trip {
    use super::*;
    use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEip7702, TxEnvelope, TxLegacy};
    use alloy_eips::eip2718::Encodable2718;
    use alloy_eips::eip2930::{AccessList, AccessListItem};
    use alloy_eips::eip7702::{Authorization, SignedAuthorization};
    use alloy_primitives::{Address, Bytes, Signature, TxKind, B256, U256};
    use refute_da::derive::span_txs_from_signed;

    const CHAIN: u64 = 130;

    fn tx_strategy() -> impl Strategy<Value = Vec<u8>> {
        (
            0u8..5,
            any::<u64>(),
            any::<u64>(),
            any::<u128>(),
            any::<u128>(),
            any::<[u8; 32]>(),
            proptest::option::of(any::<[u8; 20]>()),
            proptest::collection::vec(any::<u8>(), 0..64),
            (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<bool>()),
            proptest::collection::vec((any::<[u8; 20]>(), proptest::collection::vec(any::<[u8; 32]>(), 0..2)), 0..2),
        )
            .prop_map(|(kind, nonce, gas, fee_a, fee_b, value, to, input, (r, s, parity), al)| {
                let value = U256::from_be_bytes(value);
                let kind_to = match to {
                    Some(a) => TxKind::Call(Address::from(a)),
                    None => TxKind::Create,
                };
                let input = Bytes::from(input);
                let access_list = AccessList(
                    al.into_iter()
                        .map(|(a, keys)| AccessListItem {
                            address: Address::from(a),
                            storage_keys: keys.into_iter().map(B256::from).collect(),
                        })
                        .collect(),
                );
                let sig = Signature::new(U256::from_be_bytes(r), U256::from_be_bytes(s), parity);
                let env: TxEnvelope = match kind {
                    0 => {
                        TxLegacy { chain_id: None, nonce, gas_price: fee_a, gas_limit: gas, to: kind_to, value, input }
                            .into_signed(sig)
                            .into()
                    }
                    1 => TxLegacy {
                        chain_id: Some(CHAIN),
                        nonce,
                        gas_price: fee_a,
                        gas_limit: gas,
                        to: kind_to,
                        value,
                        input,
                    }
                    .into_signed(sig)
                    .into(),
                    2 => TxEip2930 {
                        chain_id: CHAIN,
                        nonce,
                        gas_price: fee_a,
                        gas_limit: gas,
                        to: kind_to,
                        value,
                        access_list,
                        input,
                    }
                    .into_signed(sig)
                    .into(),
                    3 => TxEip1559 {
                        chain_id: CHAIN,
                        nonce,
                        gas_limit: gas,
                        max_fee_per_gas: fee_a,
                        max_priority_fee_per_gas: fee_b,
                        to: kind_to,
                        value,
                        access_list,
                        input,
                    }
                    .into_signed(sig)
                    .into(),
                    _ => {
                        let auth =
                            Authorization { chain_id: U256::from(CHAIN), address: Address::from([7u8; 20]), nonce };
                        let signed_auth = SignedAuthorization::new_unchecked(
                            auth,
                            parity as u8,
                            U256::from_be_bytes(r),
                            U256::from_be_bytes(s),
                        );
                        TxEip7702 {
                            chain_id: CHAIN,
                            nonce,
                            gas_limit: gas,
                            max_fee_per_gas: fee_a,
                            max_priority_fee_per_gas: fee_b,
                            to: Address::from(to.unwrap_or([1u8; 20])),
                            value,
                            access_list,
                            authorization_list: vec![signed_auth],
                            input,
                        }
                        .into_signed(sig)
                        .into()
                    }
                };
                env.encoded_2718()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

        /// signed txs -> span batch columns -> bytes -> decode -> rebuilt txs: identical bytes.
        #[test]
        fn signed_transactions_survive_a_span_batch(txs in proptest::collection::vec(tx_strategy(), 1..12), split in 0usize..12) {
            let split = split.min(txs.len());
            let span = RawSpanBatch {
                rel_timestamp: 1000,
                l1_origin_num: 77,
                parent_check: [1; 20],
                l1_origin_check: [2; 20],
                origin_bits: vec![false, true],
                block_tx_counts: vec![split as u64, (txs.len() - split) as u64],
                txs: span_txs_from_signed(&txs, CHAIN).unwrap(),
            };
            let bytes = span.encode();
            let decoded = RawSpanBatch::decode(&bytes, 0).unwrap();
            prop_assert_eq!(decoded.encode(), bytes);
            prop_assert_eq!(span_transactions(&decoded, CHAIN).unwrap(), txs);
        }
    }
}

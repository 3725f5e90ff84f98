//! The fault program on a generated chain: it computes the executor's root, and
//! refuses every input that breaks one of its statements (one test per rule).
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use alloy_primitives::{Bytes, B256};
use refute_fault::{
    blob_binding,
    generate::{example, self_check, Example, ExampleOptions},
    run, FaultError, FaultInput, FaultJournal,
};

fn fixture() -> &'static Example {
    static EXAMPLE: OnceLock<Example> = OnceLock::new();
    EXAMPLE.get_or_init(|| example(&ExampleOptions::default()).unwrap())
}

fn refused(input: &FaultInput) -> FaultError {
    run(input).expect_err("the program must refuse this input")
}

#[test]
fn computes_the_executors_root_and_shows_the_fault() {
    let ex = fixture();
    self_check(ex).unwrap();
    let outcome = run(&ex.input).unwrap();
    let j = outcome.journal;
    assert_eq!(j.computed_output_root, ex.true_output_root);
    assert_ne!(j.computed_output_root, ex.claimed_output_root);
    assert_eq!(j.l2_block_number, 2);
    assert_eq!(j.l1_head, ex.input.l1_head);
    assert_eq!(j.agreed_output_root, ex.input.agreed_output_root);
    assert_eq!(j.rollup_config_hash, ex.input.config.hash());
    assert_eq!(outcome.derived.openings.len(), 1);
    assert_eq!(j.blob_binding, blob_binding::binding_hash(&outcome.derived.openings));
    // 1 L1-info deposit + 1 user deposit + 10 batched transfers.
    assert_eq!(outcome.derived.payload.transactions.len(), 12);
    assert_eq!(FaultJournal::decode(&j.encode()).unwrap(), j);
}

#[test]
fn the_input_round_trips_through_rlp() {
    let ex = fixture();
    let bytes = ex.input.encode();
    assert_eq!(FaultInput::decode(&bytes).unwrap(), ex.input);
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(FaultInput::decode(&trailing).unwrap_err().kind(), "malformed_input");
}

#[test]
fn the_opening_agrees_with_c_kzg() {
    let ex = fixture();
    let outcome = run(&ex.input).unwrap();
    let opening = outcome.derived.openings[0];
    let settings = c_kzg::ethereum_kzg_settings(0);
    let blob = c_kzg::Blob::from_bytes(&ex.input.blobs[0]).unwrap();
    let z = c_kzg::Bytes32::new(opening.z.0);
    let (proof, y) = settings.compute_kzg_proof(&blob, &z).unwrap();
    assert_eq!(y.as_slice(), opening.y.as_slice());
    let commitment = c_kzg::Bytes48::from_bytes(&ex.commitments[0]).unwrap();
    assert!(settings.verify_kzg_proof(&commitment, &z, &y, &proof.to_bytes()).unwrap());
}

#[test]
fn a_different_blob_fails_the_point_evaluation_of_its_opening() {
    let ex = fixture();
    let mut input = ex.input.clone();
    let mut blob = input.blobs[0].to_vec();
    blob[4 * 32 + 5] ^= 1; // a byte of batcher data inside a canonical field element
    input.blobs[0] = Bytes::from(blob.clone());
    // Derivation may or may not still succeed on the altered data; the opening the
    // journal would carry must fail 0x0a against the published commitment.
    let opening = blob_binding::open(blob_binding_hash(&ex.input), &blob).unwrap();
    let settings = c_kzg::ethereum_kzg_settings(0);
    let commitment = c_kzg::Bytes48::from_bytes(&ex.commitments[0]).unwrap();
    let original = c_kzg::Blob::from_bytes(&ex.input.blobs[0]).unwrap();
    let (proof, _) = settings.compute_kzg_proof(&original, &c_kzg::Bytes32::new(opening.z.0)).unwrap();
    let ok = settings
        .verify_kzg_proof(
            &commitment,
            &c_kzg::Bytes32::new(opening.z.0),
            &c_kzg::Bytes32::new(opening.y.0),
            &proof.to_bytes(),
        )
        .unwrap();
    assert!(!ok, "the altered blob's evaluation must not open the published commitment");
    let _ = run(&input);
}

fn blob_binding_hash(input: &FaultInput) -> B256 {
    run(input).unwrap().derived.openings[0].versioned_hash
}

#[test]
fn refuses_a_wrong_agreed_output_preimage() {
    let mut input = fixture().input.clone();
    input.agreed_output.message_passer_storage_root = B256::repeat_byte(1);
    assert_eq!(refused(&input).kind(), "agreed_state");
    let mut input = fixture().input.clone();
    input.agreed_output_root = B256::repeat_byte(2);
    assert_eq!(refused(&input).kind(), "agreed_state");
}

#[test]
fn refuses_a_preimage_that_does_not_match_the_state() {
    let mut input = fixture().input.clone();
    input.agreed_output.message_passer_storage_root = B256::repeat_byte(3);
    input.agreed_output_root = input.agreed_output.root();
    let err = refused(&input);
    assert_eq!(err.kind(), "agreed_state");
    assert!(err.to_string().contains("message passer"), "{err}");
}

#[test]
fn refuses_l1_headers_that_do_not_link() {
    let mut input = fixture().input.clone();
    input.l1_headers[1].gas_used += 1;
    let err = refused(&input);
    assert_eq!(err.kind(), "l1_data");
    let mut input = fixture().input.clone();
    input.l1_head = B256::repeat_byte(4);
    assert_eq!(refused(&input).kind(), "l1_data");
}

#[test]
fn refuses_a_batcher_transaction_list_not_under_its_root() {
    let mut input = fixture().input.clone();
    let block = input.l1_transactions.iter_mut().find(|b| !b.transactions.is_empty() && b.number == 103).unwrap();
    block.transactions.clear();
    let err = refused(&input);
    assert_eq!(err.kind(), "l1_data");
    assert!(err.to_string().contains("transactions root"), "{err}");
}

#[test]
fn refuses_a_receipt_list_not_under_its_root() {
    let mut input = fixture().input.clone();
    input.l1_receipts[0].receipts.clear();
    let err = refused(&input);
    assert_eq!(err.kind(), "l1_data");
    assert!(err.to_string().contains("receipts root"), "{err}");
}

#[test]
fn refuses_a_wrong_witness_node() {
    let mut input = fixture().input.clone();
    let node = input.witness.state.iter_mut().max_by_key(|n| n.len()).unwrap();
    let mut bytes = node.to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    *node = Bytes::from(bytes);
    let err = refused(&input);
    assert!(["agreed_state", "invalid_witness"].contains(&err.kind()), "{err}");
}

#[test]
fn refuses_a_parent_that_is_not_the_agreed_block() {
    let mut input = fixture().input.clone();
    input.witness.headers.pop();
    assert_eq!(refused(&input).kind(), "agreed_state");
}

#[test]
fn refuses_missing_and_extra_blobs() {
    let mut input = fixture().input.clone();
    input.blobs.clear();
    assert_eq!(refused(&input).kind(), "blob_binding");
    let mut input = fixture().input.clone();
    input.blobs.push(input.blobs[0].clone());
    assert_eq!(refused(&input).kind(), "blob_binding");
}

#[test]
fn refuses_when_the_batch_is_not_in_the_data_read() {
    let mut input = fixture().input.clone();
    input.l1_transactions.retain(|b| b.number != 103);
    input.blobs.clear();
    assert_eq!(refused(&input).kind(), "l1_data"); // 102 and 104 are not consecutive
    let mut input = fixture().input.clone();
    input.l1_transactions.retain(|b| b.number == 102);
    input.blobs.clear();
    assert_eq!(refused(&input).kind(), "derivation");
}

/// Batcher data that does not decode is skipped, as op-node skips it: with
/// junk before and after the real blob, derivation gives the same block.
#[test]
fn batcher_data_that_does_not_decode_is_skipped() {
    use refute_da::pipeline::{Input, InputKind};
    use refute_fault::derivation;

    let Derivation { input, parent, chain, data } = Derivation::of_example();
    let derive = |data: &derivation::BatcherData| {
        derivation::derive_block(&input.config, &chain, &parent, data, Vec::new(), &input.l1_receipts).unwrap()
    };
    let clean = derive(&data);
    assert!(clean.skipped.is_empty());

    let mut junk = data.clone();
    let l1_block = data.inputs[0].l1_block;
    let mut not_op_encoded = vec![0u8; refute_da::blob::BLOB_SIZE];
    not_op_encoded[1] = 7;
    let noise = [
        (InputKind::BatcherData, vec![1, 2, 3]),
        (InputKind::OpBlob, not_op_encoded),
        (InputKind::BatcherData, vec![0, 0xaa]),
    ];
    junk.inputs
        .splice(0..0, noise[..2].iter().map(|(kind, d)| Input { l1_block, kind: *kind, data: d.clone().into() }));
    junk.inputs.push(Input { l1_block, kind: noise[2].0, data: noise[2].1.clone().into() });
    let skipping = derive(&junk);
    assert_eq!(skipping.payload, clean.payload);
    assert_eq!(skipping.skipped.len(), 3, "{:?}", skipping.skipped);
    assert!(skipping.skipped[1].starts_with("blob layer"), "{:?}", skipping.skipped);
}

#[test]
fn the_data_must_start_right_after_the_parents_origin() {
    // Block 102 follows the agreed block's origin 101; data from 103 on could hide a batch in 102.
    let mut input = fixture().input.clone();
    assert_eq!(input.l1_transactions[0].number, 102);
    input.l1_transactions.remove(0);
    let err = refused(&input);
    assert_eq!(err.kind(), "window_start", "{err}");
    assert!(err.to_string().contains("starts at block 103, after block 102"), "{err}");
}

/// The example with a stray frame in L1 block 102 (a channel opened before
/// it) needs the data from the full start, 101: from 102 the program asks for
/// earlier data, from 101 it derives the block.
#[test]
fn a_stray_frame_moves_the_start_of_the_data_to_the_full_start() {
    let ex = example(&ExampleOptions { transactions: 1, stray_frame: true, ..Default::default() }).unwrap();
    assert_eq!(ex.input.l1_transactions[0].number, 101);
    let outcome = run(&ex.input).unwrap();
    assert_eq!(outcome.journal.computed_output_root, ex.true_output_root);
    let mut from_102 = ex.input.clone();
    from_102.l1_transactions.remove(0);
    let err = refused(&from_102);
    assert_eq!(err.kind(), "window_start", "{err}");
    assert!(err.to_string().contains("start the data at or before L1 block 101"), "{err}");
}

/// The example's batcher data, its parent, and the block derived from it.
struct Derivation {
    input: &'static FaultInput,
    parent: refute_fault::agreed::AgreedBlock,
    chain: refute_fault::l1::L1Chain,
    data: refute_fault::derivation::BatcherData,
}

impl Derivation {
    fn of_example() -> Self {
        use refute_fault::{agreed, derivation, l1::L1Chain};
        let input = &fixture().input;
        let store = refute_stf::mpt::NodeStore::from_nodes(input.witness.state.iter().cloned());
        let parent = agreed::verify(input, &store).unwrap();
        let chain = L1Chain::verify(input.l1_head, &input.l1_headers).unwrap();
        let batchers = refute_fault::system_config::batchers(
            &input.config,
            &chain,
            &parent,
            &input.l1_transactions,
            &input.l1_receipts,
        )
        .unwrap();
        let data =
            derivation::batcher_data(&input.config, &chain, &input.l1_transactions, &batchers, &input.blobs).unwrap();
        Derivation { input, parent, chain, data }
    }

    fn derive(
        &self,
        config: &refute_fault::RollupConfig,
        data: &refute_fault::derivation::BatcherData,
    ) -> refute_fault::FaultResult<refute_fault::derivation::DerivedBlock> {
        refute_fault::derivation::derive_block(
            config,
            &self.chain,
            &self.parent,
            data,
            Vec::new(),
            &self.input.l1_receipts,
        )
    }

    fn full_start(&self, config: &refute_fault::RollupConfig) -> u64 {
        let timestamp = self.parent.header.timestamp + config.block_time;
        refute_fault::window::full_start(config, self.parent.l1_info.l1_number, timestamp)
    }
}

/// Calldata carrying `frames`, read in L1 block `l1_block`.
fn calldata(l1_block: u64, frames: &[refute_da::frame::Frame]) -> refute_da::pipeline::Input {
    let data = refute_da::frame::encode_frames(frames).into();
    refute_da::pipeline::Input { l1_block, kind: refute_da::pipeline::InputKind::BatcherData, data }
}

/// A channel first seen at a frame other than 0 opened before the data read,
/// so it may hold an earlier batch for `N`: the program asks for earlier data,
/// unless the data already starts a channel timeout before the parent's
/// origin's successor (or at L1 genesis), or the channel is first seen after
/// the chosen batch's channel completed.
#[test]
fn a_channel_opened_before_the_data_read_asks_for_earlier_data() {
    let d = Derivation::of_example();
    let config = &d.input.config;
    let clean = d.derive(config, &d.data).unwrap();
    let full_start = d.full_start(config);
    assert!(full_start < 102, "the example's data starts at 102, after the full start {full_start}");
    let tail = refute_da::frame::Frame { channel_id: [0x77; 16], number: 3, data: vec![1, 2, 3], is_last: true };

    let mut before = d.data.clone();
    before.inputs.insert(0, calldata(102, core::slice::from_ref(&tail)));
    let err = d.derive(config, &before).unwrap_err();
    assert_eq!(err.kind(), "window_start", "{err}");
    let expected = format!("first seen at frame 3 in L1 block 102, so it opened before the data read (block 102); start the data at or before L1 block {full_start}");
    assert!(err.to_string().contains(&expected), "{err}");

    // Read from the full start, such a channel has timed out for op-node: nothing changes.
    let from_full_start = refute_fault::derivation::BatcherData { first_l1_block: Some(full_start), ..before.clone() };
    assert_eq!(d.derive(config, &from_full_start).unwrap().payload, clean.payload);

    // First seen after the batch's channel completed, it cannot come before it.
    let mut after = d.data.clone();
    after.inputs.push(calldata(clean.inclusion_block + 1, core::slice::from_ref(&tail)));
    assert_eq!(d.derive(config, &after).unwrap().payload, clean.payload);

    // With no batch found at all, the channel might hold it: earlier data first.
    let mut no_batch = before.clone();
    no_batch.inputs.retain(|i| i.kind == refute_da::pipeline::InputKind::BatcherData);
    assert_eq!(d.derive(config, &no_batch).unwrap_err().kind(), "window_start");
}

/// Before Holocene a channel's frames may arrive in any order, so a channel
/// read from the full start can still be first seen at a later frame: whether
/// it opened before the data (and timed out for op-node) cannot be told, so a
/// batch for `N` in it is refused.
#[test]
fn a_batch_in_a_channel_first_seen_after_its_frame_0_is_refused_before_holocene() {
    use refute_da::frame::{parse_frames, Frame};
    let d = Derivation::of_example();
    let mut config = d.input.config.clone();
    config.forks.holocene = None;
    config.forks.isthmus = None;
    config.forks.jovian = None;
    config.forks.karst = None;
    let blob = d.data.inputs.iter().find(|i| i.kind == refute_da::pipeline::InputKind::OpBlob).unwrap();
    let frames = parse_frames(&refute_da::blob::decode(&blob.data).unwrap()).unwrap();
    let [whole] = frames.as_slice() else { panic!("the example's channel is one frame") };
    let (head, rest) = whole.data.split_at(whole.data.len() / 2);
    let first = Frame { data: head.to_vec(), is_last: false, ..whole.clone() };
    let second = Frame { number: 1, data: rest.to_vec(), is_last: true, ..whole.clone() };
    let l1_block = blob.l1_block;
    let in_order = refute_fault::derivation::BatcherData {
        inputs: vec![
            calldata(l1_block, core::slice::from_ref(&first)),
            calldata(l1_block, core::slice::from_ref(&second)),
        ],
        blob_hashes: Vec::new(),
        first_l1_block: Some(d.full_start(&config)),
    };
    let derived = d.derive(&config, &in_order).unwrap();
    let reversed = refute_fault::derivation::BatcherData {
        inputs: vec![calldata(l1_block, &[second]), calldata(l1_block, &[first])],
        ..in_order
    };
    let err = d.derive(&config, &reversed).unwrap_err();
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert!(err.to_string().contains("whose frame 0 came after a later frame"), "{err}");
    assert_eq!(derived.inclusion_block, l1_block);
}

#[test]
fn another_config_changes_the_journal_hash_or_is_refused() {
    let mut input = fixture().input.clone();
    input.config.batch_inbox = alloy_primitives::Address::repeat_byte(7);
    // Under another inbox there is no batch, so there is nothing to derive.
    assert_eq!(refused(&input).kind(), "blob_binding");
}

/// The example with L1 block `number`'s receipts replaced by `receipts` (its
/// receipts root and logs bloom follow them, and the chain is relinked up to a
/// new `l1_head`).
fn with_l1_receipts(number: u64, receipts: &[alloy_consensus::ReceiptEnvelope]) -> FaultInput {
    use alloy_eips::eip2718::Encodable2718;
    let mut input = fixture().input.clone();
    let encoded: Vec<Bytes> = receipts.iter().map(|r| Bytes::from(r.encoded_2718())).collect();
    let k = input.l1_headers.iter().position(|h| h.number == number).unwrap();
    let header = &mut input.l1_headers[k];
    header.receipts_root =
        alloy_trie::root::ordered_trie_root_with_encoder(&encoded, |r: &Bytes, buf: &mut Vec<u8>| {
            buf.extend_from_slice(r)
        });
    header.logs_bloom = receipts.iter().fold(alloy_primitives::Bloom::ZERO, |b, r| b | r.logs_bloom().to_owned());
    for j in (0..k).rev() {
        input.l1_headers[j].parent_hash = input.l1_headers[j + 1].hash_slow();
    }
    input.l1_head = input.l1_headers[0].hash_slow();
    input.l1_receipts.retain(|r| r.number != number);
    input.l1_receipts.push(refute_fault::l1::BlockReceipts { number, receipts: encoded });
    input.l1_receipts.sort_by_key(|r| r.number);
    input
}

/// A receipt with `logs` (`address`, first topic), successful or not.
fn receipt(success: bool, logs: &[(alloy_primitives::Address, B256)]) -> alloy_consensus::ReceiptEnvelope {
    use alloy_consensus::{Eip658Value, Receipt, ReceiptWithBloom};
    let logs: Vec<alloy_primitives::Log> = logs
        .iter()
        .map(|(address, topic)| {
            alloy_primitives::Log::new_unchecked(
                *address,
                vec![*topic, B256::ZERO, B256::with_last_byte(0)],
                Bytes::from(vec![0u8; 96]),
            )
        })
        .collect();
    let receipt = Receipt { status: Eip658Value::Eip658(success), cumulative_gas_used: 50_000, logs };
    let bloom = receipt.bloom_slow();
    alloy_consensus::ReceiptEnvelope::Eip1559(ReceiptWithBloom { receipt, logs_bloom: bloom })
}

/// The last L1 block of the window: no batch names its hash, so only `l1_head` moves.
fn last_window_block() -> u64 {
    fixture().input.l1_transactions.last().unwrap().number
}

/// A successful receipt with one `ConfigUpdate` of the fixture's system config:
/// update type `kind`, its ABI `bytes` data a single `word`.
fn update_receipt(kind: u8, word: [u8; 32]) -> alloy_consensus::ReceiptEnvelope {
    use alloy_consensus::{Eip658Value, Receipt, ReceiptWithBloom};
    let mut data = alloy_primitives::U256::from(32).to_be_bytes::<32>().to_vec();
    data.extend_from_slice(&alloy_primitives::U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&word);
    let topics = vec![refute_fault::system_config::CONFIG_UPDATE_TOPIC, B256::ZERO, B256::with_last_byte(kind)];
    let log = alloy_primitives::Log::new_unchecked(fixture().input.config.system_config, topics, Bytes::from(data));
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 50_000, logs: vec![log] };
    let bloom = receipt.bloom_slow();
    alloy_consensus::ReceiptEnvelope::Eip1559(ReceiptWithBloom { receipt, logs_bloom: bloom })
}

/// The L1 block holding the batcher's blob transaction.
fn batch_block() -> u64 {
    let input = &fixture().input;
    input.l1_transactions.iter().find(|b| !b.transactions.is_empty() && b.number > 102).unwrap().number
}

#[test]
fn refuses_a_system_config_update_op_node_cannot_decode() {
    let config = fixture().input.config.system_config;
    let update = refute_fault::system_config::CONFIG_UPDATE_TOPIC;
    let number = last_window_block();
    // A batcher update whose ABI pointer is zero: op-node halts on it.
    let input = with_l1_receipts(number, &[receipt(true, &[(config, update)])]);
    let err = refused(&input);
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert!(err.to_string().contains(&format!("L1 block {number}")), "{err}");
    assert!(err.to_string().contains("op-node cannot decode"), "{err}");
    // Without the receipts the bloom asks for, the program cannot tell.
    let mut short = input.clone();
    short.l1_receipts.retain(|r| r.number != number);
    let err = refused(&short);
    assert_eq!(err.kind(), "l1_data", "{err}");
    assert!(err.to_string().contains("logs bloom"), "{err}");
}

/// op-node reads an L1 block's batcher data under the config its own updates
/// leave: a batcher rotated in the block that carries the batch leaves the
/// old batcher's transaction unread (no batch for `N`); a rotation to the same
/// batcher, a rotation after the batch, or a gas limit change changes nothing.
#[test]
fn the_batcher_is_the_one_in_force_at_each_l1_block() {
    let batcher = fixture().input.config.batcher.into_word().0;
    let other = alloy_primitives::Address::repeat_byte(0x77).into_word().0;
    let mut rotated = with_l1_receipts(batch_block(), &[update_receipt(0, other)]);
    // Its blob is no batcher data any more, so the input may not carry it ...
    assert!(refused(&rotated).to_string().contains("1 blobs given but the batcher's transactions carry 0"));
    // ... and without it no batch for block 2 is left.
    rotated.blobs.clear();
    let err = refused(&rotated);
    assert_eq!(err.kind(), "derivation", "{err}");
    assert!(err.to_string().contains("no valid batch"), "{err}");
    let gas_limit = alloy_primitives::U256::from(45_000_000).to_be_bytes::<32>();
    for input in [
        with_l1_receipts(batch_block(), &[update_receipt(0, batcher)]),
        with_l1_receipts(last_window_block(), &[update_receipt(0, other)]),
        with_l1_receipts(batch_block(), &[update_receipt(2, gas_limit)]),
    ] {
        let journal = run(&input).unwrap().journal;
        assert_eq!(journal.computed_output_root, fixture().true_output_root);
    }
}

#[test]
fn a_bloom_that_only_may_hold_an_update_needs_the_receipts_that_show_none() {
    let config = fixture().input.config.system_config;
    let update = refute_fault::system_config::CONFIG_UPDATE_TOPIC;
    let other = alloy_primitives::Address::repeat_byte(0x5c);
    // The contract's address and the event's topic are both in the bloom, but not in one log
    // of a successful receipt: op-node applies no update, and neither does the program.
    let receipts =
        [receipt(true, &[(config, B256::repeat_byte(1)), (other, update)]), receipt(false, &[(config, update)])];
    let number = last_window_block();
    let input = with_l1_receipts(number, &receipts);
    assert!(refute_fault::system_config::may_update(
        input.l1_headers.iter().find(|h| h.number == number).unwrap(),
        config
    ));
    let journal = run(&input).unwrap().journal;
    assert_eq!(journal.computed_output_root, fixture().true_output_root);
    assert_eq!(journal.l1_head, input.l1_head);
}

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
    use refute_fault::{agreed, derivation, l1::L1Chain};
    use refute_stf::mpt::NodeStore;

    let input = &fixture().input;
    let store = NodeStore::from_nodes(input.witness.state.iter().cloned());
    let parent = agreed::verify(input, &store).unwrap();
    let chain = L1Chain::verify(input.l1_head, &input.l1_headers).unwrap();
    let data = derivation::batcher_data(&input.config, &chain, &parent, &input.l1_transactions, &input.blobs).unwrap();
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

#[test]
fn refuses_a_window_in_which_the_system_config_changes() {
    let config = fixture().input.config.system_config;
    let update = refute_fault::system_config::CONFIG_UPDATE_TOPIC;
    let number = last_window_block();
    let input = with_l1_receipts(number, &[receipt(true, &[(config, update)])]);
    let err = refused(&input);
    assert_eq!(err.kind(), "unsupported", "{err}");
    assert!(err.to_string().contains(&format!("L1 block {number}")), "{err}");
    // Without the receipts the bloom asks for, the program cannot tell.
    let mut short = input.clone();
    short.l1_receipts.retain(|r| r.number != number);
    let err = refused(&short);
    assert_eq!(err.kind(), "l1_data", "{err}");
    assert!(err.to_string().contains("logs bloom"), "{err}");
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

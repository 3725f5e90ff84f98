//! Bad input at the crate level: a real block (blockchain test SimpleTx) with its
//! extracted witness, then one thing wrong at a time.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod common;

use alloy_primitives::{keccak256, Bytes};
use refute_stf::{
    execute::decode_block,
    execute_block,
    input::GuestInput,
    prestate::{witness_from_state, FullState},
    ChainConfig, ExecOptions, Fork, StfError, Witness,
};

fn simple_tx() -> Option<(ChainConfig, Vec<u8>, Witness)> {
    let text = common::read("eth-blockchain-tests/ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json")?;
    let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let t = &v["SimpleTx_Cancun"];
    let hex =
        |s: &serde_json::Value| alloy_primitives::hex::decode(s.as_str().unwrap().trim_start_matches("0x")).unwrap();
    let genesis = decode_block(&hex(&t["genesisRLP"])).unwrap().header;
    let block = hex(&t["blocks"][0]["rlp"]);
    let state = FullState::from_json_value(&t["pre"]).unwrap();
    let chain = ChainConfig::with_fork(1, Fork::Cancun);
    let pw = witness_from_state(&chain, &state, &block, &[genesis], true).unwrap();
    pw.result.as_ref().unwrap();
    Some((chain, block, pw.witness))
}

#[test]
fn extracted_witness_is_exact() {
    let Some((chain, block, w)) = simple_tx() else { return };
    let strict = ExecOptions { check_header: true, strict_witness: true };
    execute_block(&chain, &block, &w, strict).unwrap();
    // Every single node is needed.
    for i in 0..w.state.len() {
        let mut less = w.clone();
        less.state.remove(i);
        let err = execute_block(&chain, &block, &less, strict).unwrap_err();
        assert!(matches!(err, StfError::Trie { .. }), "{err}");
    }
    // An extra, irrelevant node is reported under strict checking.
    let mut more = w.clone();
    let extra = Bytes::from(alloy_rlp::encode(vec![Bytes::from(vec![0x20; 32]), Bytes::from(vec![7u8; 40])]));
    more.state.push(extra.clone());
    let err = execute_block(&chain, &block, &more, strict).unwrap_err();
    assert!(err.to_string().contains(&format!("{}", keccak256(&extra))), "{err}");
    let lenient = execute_block(&chain, &block, &more, ExecOptions::default()).unwrap();
    assert_eq!(lenient.unused_nodes, 1);
}

#[test]
fn the_minimal_witness_drops_exactly_what_the_block_does_not_read() {
    let Some((chain, block, w)) = simple_tx() else { return };
    let spec = refute_stf::ChainSpec::Ethereum(chain.clone());
    let request = refute_stf::execute::Request::Block(&block);
    // Padded as a preimage store pads it: every node also listed as a code, every code as a
    // node, junk of both kinds, duplicates.
    let junk = Bytes::from(alloy_rlp::encode(vec![Bytes::from(vec![0x20; 32]), Bytes::from(vec![7u8; 40])]));
    let mut padded = w.clone();
    padded.state = [w.codes.clone(), vec![junk.clone()], w.state.clone(), w.state.clone()].concat();
    padded.codes = [w.state.clone(), vec![junk, Bytes::from_static(&[0x60, 0x00])], w.codes.clone()].concat();
    let minimal = refute_stf::execute::minimal_witness(&spec, request, &padded).unwrap();
    let sorted = |v: &[Bytes]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(sorted(&minimal.state), sorted(&w.state));
    assert_eq!(sorted(&minimal.codes), sorted(&w.codes));
    assert_eq!(minimal.headers, w.headers);
    let strict = ExecOptions { check_header: true, strict_witness: true };
    let expected = execute_block(&chain, &block, &w, strict).unwrap();
    assert_eq!(execute_block(&chain, &block, &minimal, strict).unwrap(), expected);
    // A witness the block cannot run from fails as execution fails.
    let mut short = w.clone();
    short.state.pop();
    let err = refute_stf::execute::minimal_witness(&spec, request, &short).unwrap_err();
    assert!(matches!(err, StfError::Trie { .. }), "{err}");
}

#[test]
fn altered_nodes_are_missing_nodes() {
    let Some((chain, block, w)) = simple_tx() else { return };
    for i in 0..w.state.len() {
        let mut bad = w.clone();
        let mut node = bad.state[i].to_vec();
        node[1] ^= 0x40;
        bad.state[i] = node.into();
        let err = execute_block(&chain, &block, &bad, ExecOptions::default()).unwrap_err();
        assert_eq!(err.kind(), "invalid_witness", "{err}");
    }
}

#[test]
fn malformed_blocks() {
    let Some((chain, block, w)) = simple_tx() else { return };
    for bad in [&block[..block.len() - 1], &[0xc0][..], &[][..]] {
        let err = execute_block(&chain, bad, &w, ExecOptions::default()).unwrap_err();
        assert!(matches!(err, StfError::MalformedBlock(_)), "{err}");
    }
}

#[test]
fn guest_input_round_trips() {
    let Some((chain, block, w)) = simple_tx() else { return };
    let input = GuestInput {
        chain: refute_stf::ChainSpec::Ethereum(chain),
        block: block.into(),
        witness: w,
        check_header: 1,
        payload: 0,
    };
    let bytes = input.encode();
    assert_eq!(GuestInput::decode(&bytes).unwrap(), input);
    assert!(GuestInput::decode(&bytes[..bytes.len() - 1]).is_err());
}

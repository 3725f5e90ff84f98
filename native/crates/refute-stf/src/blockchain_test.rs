//! Runs Ethereum blockchain tests statelessly.
//!
//! For each block: build the witness from the full pre-state (see
//! [`crate::prestate`]), then execute the block from that witness alone with a
//! strict witness check, and compare the state root and block hash with the
//! test's. Blocks marked `expectException` must be rejected. After the last
//! block, the tracked full state must equal the test's `postState` root and the
//! head must be `lastblockhash`.

use std::collections::{BTreeMap, HashMap};

use alloy_consensus::Header;
use alloy_primitives::{Bytes, B256};
use serde::Deserialize;

use crate::{
    chain::ChainConfig,
    error::StfError,
    execute::{decode_block, execute_block, ExecOptions},
    prestate::{witness_from_state, FullState},
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestBlock {
    rlp: Bytes,
    #[serde(default)]
    expect_exception: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestCase {
    network: String,
    #[serde(rename = "genesisRLP")]
    genesis_rlp: Bytes,
    pre: serde_json::Value,
    blocks: Vec<TestBlock>,
    lastblockhash: B256,
    #[serde(default)]
    post_state: Option<serde_json::Value>,
    #[serde(default)]
    post_state_hash: Option<B256>,
    #[serde(default)]
    config: Option<serde_json::Value>,
}

/// The verdict on one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// Why it failed (empty when passed).
    pub reason: String,
    pub blocks: usize,
    pub rejected_blocks: usize,
}

/// Runs every test in a blockchain-test JSON file (optionally only `only`).
pub fn run_file(text: &[u8], only: Option<&str>) -> Result<Vec<TestResult>, StfError> {
    let tests: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(text).map_err(|e| StfError::Config(format!("blockchain test file: bad JSON: {e}")))?;
    let mut out = Vec::new();
    for (name, value) in tests {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let result = match serde_json::from_value::<TestCase>(value) {
            Ok(case) => run_case(&name, &case),
            Err(e) => TestResult { name: name.clone(), passed: false, reason: format!("bad test JSON: {e}"), blocks: 0, rejected_blocks: 0 },
        };
        out.push(result);
    }
    if let Some(o) = only {
        if out.is_empty() {
            return Err(StfError::Config(format!("no test named {o:?} in the file")));
        }
    }
    Ok(out)
}

fn chain_config(case: &TestCase) -> Result<ChainConfig, StfError> {
    let chain_id = case
        .config
        .as_ref()
        .and_then(|c| c.get("chainid"))
        .and_then(|v| v.as_str())
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(1);
    ChainConfig::from_network(chain_id, &case.network)
}

fn fail(name: &str, reason: String, blocks: usize, rejected: usize) -> TestResult {
    TestResult { name: name.to_string(), passed: false, reason, blocks, rejected_blocks: rejected }
}

fn run_case(name: &str, case: &TestCase) -> TestResult {
    let chain = match chain_config(case) {
        Ok(c) => c,
        Err(e) => return fail(name, e.to_string(), 0, 0),
    };
    let genesis = match decode_block(&case.genesis_rlp) {
        Ok(b) => b.header,
        Err(e) => return fail(name, format!("genesis: {e}"), 0, 0),
    };
    let pre = match FullState::from_json_value(&case.pre) {
        Ok(s) => s,
        Err(e) => return fail(name, e.to_string(), 0, 0),
    };
    if pre.state_root() != genesis.state_root {
        return fail(name, format!("pre-state root {} differs from genesis state root {}", pre.state_root(), genesis.state_root), 0, 0);
    }
    // Every known block: hash → (header, post-state), to follow the parent of each block.
    let genesis_hash = genesis.hash_slow();
    let mut known: HashMap<B256, (Header, FullState)> = HashMap::new();
    known.insert(genesis_hash, (genesis, pre));
    let mut head = genesis_hash;
    let mut rejected = 0;
    for (i, tb) in case.blocks.iter().enumerate() {
        let expect_invalid = tb.expect_exception.is_some();
        let parent_hash = match decode_block(&tb.rlp) {
            Ok(b) => Some(b.header.parent_hash),
            Err(_) => None,
        };
        let verdict = match parent_hash.and_then(|p| known.get(&p).map(|k| (p, k))) {
            None if parent_hash.is_none() => Err(decode_block(&tb.rlp).expect_err("failed above")),
            None => Err(StfError::Witness(format!("unknown parent {}", parent_hash.expect("some")))),
            Some((phash, (_, state))) => {
                let ancestors = ancestors_of(&known, phash);
                match witness_from_state(&chain, state, &tb.rlp, &ancestors, true) {
                    Err(e) => Err(e),
                    Ok(pw) => {
                        let strict = pw.result.is_ok();
                        let opts = ExecOptions { check_header: true, strict_witness: strict };
                        let stateless = execute_block(&chain, &tb.rlp, &pw.witness, opts);
                        match (&pw.result, &stateless) {
                            (Ok(a), Ok(b)) if a.state_root != b.state_root || a.block_hash != b.block_hash => {
                                return fail(name, format!("block {i}: recording and stateless runs disagree"), i + 1, rejected);
                            }
                            (Ok(_), Err(e)) => {
                                return fail(name, format!("block {i}: stateless run failed with the extracted witness: {e}"), i + 1, rejected);
                            }
                            _ => {}
                        }
                        stateless.map(|o| (o, pw.post_state))
                    }
                }
            }
        };
        match (verdict, expect_invalid) {
            (Err(_), true) => rejected += 1,
            (Err(e), false) => return fail(name, format!("block {i}: {e}"), i + 1, rejected),
            (Ok(_), true) => {
                return fail(
                    name,
                    format!("block {i}: expected rejection ({}) but it executed", tb.expect_exception.as_deref().unwrap_or("")),
                    i + 1,
                    rejected,
                )
            }
            (Ok((outcome, post)), false) => {
                let post = match post {
                    Some(p) => p,
                    None => return fail(name, format!("block {i}: no post-state"), i + 1, rejected),
                };
                known.insert(outcome.block_hash, (outcome.header.clone(), post));
                head = outcome.block_hash;
            }
        }
    }
    if head != case.lastblockhash {
        return fail(name, format!("head is {head} but lastblockhash is {}", case.lastblockhash), case.blocks.len(), rejected);
    }
    let final_state = &known[&head].1;
    let expected_root = match (&case.post_state, case.post_state_hash) {
        (Some(ps), _) => match FullState::from_json_value(ps) {
            Ok(s) => Some(s.state_root()),
            Err(e) => return fail(name, format!("postState: {e}"), case.blocks.len(), rejected),
        },
        (None, Some(h)) => Some(h),
        (None, None) => None,
    };
    if let Some(root) = expected_root {
        let ours = final_state.state_root();
        if ours != root {
            return fail(name, format!("tracked post-state root {ours} differs from postState root {root}"), case.blocks.len(), rejected);
        }
    }
    TestResult { name: name.to_string(), passed: true, reason: String::new(), blocks: case.blocks.len(), rejected_blocks: rejected }
}

fn ancestors_of(known: &HashMap<B256, (Header, FullState)>, mut hash: B256) -> Vec<Header> {
    let mut out = Vec::new();
    while let Some((h, _)) = known.get(&hash) {
        out.push(h.clone());
        if out.len() > 256 || h.number == 0 {
            break;
        }
        hash = h.parent_hash;
    }
    out.reverse();
    out
}

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
    execute::{decode_block, execute_block, BlockOutcome, ExecOptions},
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
            Err(e) => TestResult {
                name: name.clone(),
                passed: false,
                reason: format!("bad test JSON: {e}"),
                blocks: 0,
                rejected_blocks: 0,
            },
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

/// How far a test got: blocks looked at, blocks rejected as expected.
#[derive(Debug, Default)]
struct Progress {
    blocks: usize,
    rejected: usize,
}

fn run_case(name: &str, case: &TestCase) -> TestResult {
    let mut progress = Progress::default();
    let (passed, reason) = match check_case(case, &mut progress) {
        Ok(()) => (true, String::new()),
        Err(reason) => (false, reason),
    };
    TestResult { name: name.to_string(), passed, reason, blocks: progress.blocks, rejected_blocks: progress.rejected }
}

/// Runs every block of the test in order, then checks the head and the post-state.
fn check_case(case: &TestCase, progress: &mut Progress) -> Result<(), String> {
    let (chain, genesis, pre) = genesis_state(case)?;
    // Every known block: hash → (header, post-state), to follow the parent of each block.
    let genesis_hash = genesis.hash_slow();
    let mut known: HashMap<B256, (Header, FullState)> = HashMap::new();
    known.insert(genesis_hash, (genesis, pre));
    let mut head = genesis_hash;
    for (i, tb) in case.blocks.iter().enumerate() {
        progress.blocks = i + 1;
        let verdict = block_verdict(&chain, &known, tb).map_err(|reason| format!("block {i}: {reason}"))?;
        match (verdict, tb.expect_exception.as_deref()) {
            (Err(_), Some(_)) => progress.rejected += 1,
            (Err(e), None) => return Err(format!("block {i}: {e}")),
            (Ok(_), Some(expected)) => {
                return Err(format!("block {i}: expected rejection ({expected}) but it executed"));
            }
            (Ok((outcome, post)), None) => {
                let post = post.ok_or_else(|| format!("block {i}: no post-state"))?;
                known.insert(outcome.block_hash, (outcome.header.clone(), post));
                head = outcome.block_hash;
            }
        }
    }
    if head != case.lastblockhash {
        return Err(format!("head is {head} but lastblockhash is {}", case.lastblockhash));
    }
    check_post_state(case, &known[&head].1)
}

/// The chain rules, the genesis header and the pre-state (whose root must be the genesis state root).
fn genesis_state(case: &TestCase) -> Result<(ChainConfig, Header, FullState), String> {
    let chain = chain_config(case).map_err(|e| e.to_string())?;
    let genesis = decode_block(&case.genesis_rlp).map_err(|e| format!("genesis: {e}"))?.header;
    let pre = FullState::from_json_value(&case.pre).map_err(|e| e.to_string())?;
    if pre.state_root() != genesis.state_root {
        return Err(format!(
            "pre-state root {} differs from genesis state root {}",
            pre.state_root(),
            genesis.state_root
        ));
    }
    Ok((chain, genesis, pre))
}

/// A block's verdict: its outcome and post-state, or why it was rejected.
type Verdict = Result<(BlockOutcome, Option<FullState>), StfError>;

/// Executes one block statelessly from the witness its parent's state yields.
/// `Err` is a failure of refute itself: the run that recorded the witness and
/// the stateless run disagree.
fn block_verdict(
    chain: &ChainConfig,
    known: &HashMap<B256, (Header, FullState)>,
    tb: &TestBlock,
) -> Result<Verdict, String> {
    let parent_hash = match decode_block(&tb.rlp) {
        Ok(b) => b.header.parent_hash,
        Err(e) => return Ok(Err(e)),
    };
    let Some((_, state)) = known.get(&parent_hash) else {
        return Ok(Err(StfError::Witness(format!("unknown parent {parent_hash}"))));
    };
    let ancestors = ancestors_of(known, parent_hash);
    let pw = match witness_from_state(chain, state, &tb.rlp, &ancestors, true) {
        Ok(pw) => pw,
        Err(e) => return Ok(Err(e)),
    };
    let opts = ExecOptions { check_header: true, strict_witness: pw.result.is_ok() };
    let stateless = execute_block(chain, &tb.rlp, &pw.witness, opts);
    match (&pw.result, &stateless) {
        (Ok(a), Ok(b)) if a.state_root != b.state_root || a.block_hash != b.block_hash => {
            return Err("recording and stateless runs disagree".into());
        }
        (Ok(_), Err(e)) => return Err(format!("stateless run failed with the extracted witness: {e}")),
        _ => {}
    }
    Ok(stateless.map(|o| (o, pw.post_state)))
}

/// The tracked state after the last block must have the test's post-state root.
fn check_post_state(case: &TestCase, final_state: &FullState) -> Result<(), String> {
    let expected_root = match (&case.post_state, case.post_state_hash) {
        (Some(ps), _) => Some(FullState::from_json_value(ps).map_err(|e| format!("postState: {e}"))?.state_root()),
        (None, Some(h)) => Some(h),
        (None, None) => None,
    };
    if let Some(root) = expected_root {
        let ours = final_state.state_root();
        if ours != root {
            return Err(format!("tracked post-state root {ours} differs from postState root {root}"));
        }
    }
    Ok(())
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

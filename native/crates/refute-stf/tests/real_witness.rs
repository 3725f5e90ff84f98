//! Real blocks with real witnesses: reth's debug_executionWitness (Holesky) and
//! geth's RLP witness (Hoodi). Each must reproduce the block's own header.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod common;

use refute_stf::{execute_block, ChainConfig, ExecOptions, Fork, Witness};

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The Holesky block in `dir` with its witness, plus the headers of `parent_dirs`;
/// None when a fixture file is absent.
fn holesky(dir: &str, parent_dirs: &[&str]) -> Option<(Vec<u8>, Witness, refute_stf::execute::EthBlock)> {
    let base = "execution-witness/sbv-holesky";
    let block_json = common::fixture(&format!("{base}/{dir}/block.json"))?;
    let witness_json = common::read(&format!("{base}/{dir}/witness.json"))?;
    let block = refute_stf::rpc::block_from_rpc_json(&read_json(&block_json)).unwrap();
    let mut witness = Witness::from_json(&witness_json).unwrap();
    for parent_dir in parent_dirs {
        let parent_json = read_json(&common::fixture(&format!("{base}/{parent_dir}/block.json"))?);
        witness.headers.push(refute_stf::rpc::header_from_rpc_json(&parent_json).unwrap());
    }
    Some((alloy_rlp::encode(&block), witness, block))
}

#[test]
fn holesky_reth_witness_runs_until_an_unprovable_blockhash() {
    // Ancestor headers rebuilt from the fixtures' JSON (the old reth format has none);
    // BLOCKHASH(2965788) is vouched for by 0x2d411d's parent hash, but the block
    // also reads BLOCKHASH(2965784), which no fixture holds: refuse precisely.
    let chain = ChainConfig::with_fork(17000, Fork::Cancun);
    let Some((rlp, witness, _)) = holesky("0x2d411f", &["0x2d411d", "0x2d411e"]) else { return };
    let err = execute_block(&chain, &rlp, &witness, ExecOptions::default()).unwrap_err();
    assert!(err.to_string().contains("BLOCKHASH(2965784) needs the header of block 2965784"), "{err}");
}

#[test]
fn holesky_block_needing_an_absent_ancestor_is_refused_precisely() {
    // Block 0x2d411e executes BLOCKHASH(2965783); the fixture's witness (older reth
    // format) carries no headers, so that hash is unknowable: refuse, never guess.
    let chain = ChainConfig::with_fork(17000, Fork::Cancun);
    let Some((rlp, witness, _)) = holesky("0x2d411e", &["0x2d411d"]) else { return };
    let err = execute_block(&chain, &rlp, &witness, ExecOptions::default()).unwrap_err();
    assert!(err.to_string().contains("BLOCKHASH(2965783) needs the header of block 2965783"), "{err}");
}

#[test]
fn holesky_tampered_witnesses_are_rejected() {
    let chain = ChainConfig::with_fork(17000, Fork::Cancun);
    let Some((rlp, witness, _)) = holesky("0x2d411f", &["0x2d411d", "0x2d411e"]) else { return };
    // Altering any byte of the root node: its hash no longer matches the parent's state root.
    let root = witness.headers.last().unwrap().state_root;
    let idx = witness.state.iter().position(|n| alloy_primitives::keccak256(n) == root).unwrap();
    let mut altered = witness.clone();
    let mut node = altered.state[idx].to_vec();
    let last = node.len() - 1;
    node[last] ^= 1;
    altered.state[idx] = node.into();
    let err = execute_block(&chain, &rlp, &altered, ExecOptions::default()).unwrap_err();
    assert!(err.to_string().contains(&format!("{root}")), "{err}");
    assert_eq!(err.kind(), "invalid_witness");
    // A missing code.
    let mut missing = witness.clone();
    missing.codes.clear();
    let err = execute_block(&chain, &rlp, &missing, ExecOptions::default()).unwrap_err();
    assert!(err.to_string().contains("code"), "{err}");
    // Removing nodes one at a time: every removal of a used node is an error, never a wrong root.
    let mut wrong = 0;
    for i in (0..witness.state.len()).step_by(97) {
        let mut w = witness.clone();
        w.state.remove(i);
        match execute_block(&chain, &rlp, &w, ExecOptions::default()) {
            Ok(_) => panic!("a block that cannot complete completed"),
            Err(e) => {
                assert_eq!(e.kind(), "invalid_witness", "{e}");
                wrong += 1;
            }
        }
    }
    assert!(wrong > 0);
}

#[test]
fn hoodi_geth_rlp_witness_lacks_an_absence_proof() {
    let Some(block_rlp) = common::read("execution-witness/geth-keeper-hoodi/1192c3_block.rlp") else { return };
    let Some(witness_rlp) = common::read("execution-witness/geth-keeper-hoodi/1192c3_witness.rlp") else { return };
    let witness = Witness::from_rlp(&witness_rlp).unwrap();
    assert_eq!(witness.headers.len(), 1);
    assert_eq!(witness.state.len(), 104);
    // Hoodi (chain 560048) runs Prague. The block's only transaction sends 0 wei,
    // no data, to 0x00d8..5b20, an account geth reads from its flat state without
    // recording the trie path that proves it absent; geth's stateless run then
    // treats the missing node as "no account". We refuse: a missing node is never
    // a default value. The error must name the account and the node.
    let chain = ChainConfig::with_fork(560048, Fork::Prague);
    let err = execute_block(&chain, &block_rlp, &witness, ExecOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("account 0x00d8B9E957bEcc0978a9882F0Cd5E776CD7c5b20"), "{msg}");
    assert!(msg.contains("0x7e224bab8f0d640af8c8c34c9d9592cf1a0d7e6e9fb6f799e70ef0a216f80f6e"), "{msg}");
    assert_eq!(err.kind(), "invalid_witness");
}

/// Converts scroll sbv's JSON (snake_case, externally tagged transactions) to the
/// RPC block shape `block_from_rpc_json` reads.
fn sbv_block_json(d: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let hexify = |v: &Value| match v {
        Value::Number(n) => Value::String(format!("{:#x}", n.as_u64().unwrap())),
        other => other.clone(),
    };
    let header_names = [
        ("parent_hash", "parentHash"),
        ("ommers_hash", "sha3Uncles"),
        ("beneficiary", "miner"),
        ("state_root", "stateRoot"),
        ("transactions_root", "transactionsRoot"),
        ("receipts_root", "receiptsRoot"),
        ("withdrawals_root", "withdrawalsRoot"),
        ("logs_bloom", "logsBloom"),
        ("difficulty", "difficulty"),
        ("number", "number"),
        ("gas_limit", "gasLimit"),
        ("gas_used", "gasUsed"),
        ("timestamp", "timestamp"),
        ("mix_hash", "mixHash"),
        ("nonce", "nonce"),
        ("base_fee_per_gas", "baseFeePerGas"),
        ("blob_gas_used", "blobGasUsed"),
        ("excess_blob_gas", "excessBlobGas"),
        ("parent_beacon_block_root", "parentBeaconBlockRoot"),
        ("requests_hash", "requestsHash"),
        ("extra_data", "extraData"),
    ];
    let mut block = Map::new();
    for (from, to) in header_names {
        if let Some(v) = d["header"].get(from) {
            block.insert(to.into(), hexify(v));
        }
    }
    let mut txs = Vec::new();
    for t in d["transactions"].as_array().unwrap() {
        let (kind, body) = t["transaction"].as_object().unwrap().iter().next().unwrap();
        let sig = &t["signature"];
        let mut tx = Map::new();
        let ty = match kind.as_str() {
            "Legacy" => 0,
            "Eip2930" => 1,
            "Eip1559" => 2,
            "Eip4844" => 3,
            "Eip7702" => 4,
            k => panic!("{k}"),
        };
        tx.insert("type".into(), json!(format!("{ty:#x}")));
        for (k, v) in body.as_object().unwrap() {
            let name = match k.as_str() {
                "gas_limit" => "gas".to_string(),
                "access_list" => {
                    let list: Vec<Value> = v
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| json!({"address": i["address"], "storageKeys": i["storage_keys"]}))
                        .collect();
                    tx.insert("accessList".into(), Value::Array(list));
                    continue;
                }
                other => {
                    let mut parts = other.split('_');
                    let mut s = parts.next().unwrap().to_string();
                    for p in parts {
                        s.push_str(&p[..1].to_uppercase());
                        s.push_str(&p[1..]);
                    }
                    s
                }
            };
            tx.insert(name, hexify(v));
        }
        tx.insert("r".into(), sig["r"].clone());
        tx.insert("s".into(), sig["s"].clone());
        tx.insert("yParity".into(), sig["yParity"].clone());
        let parity = u64::from_str_radix(sig["yParity"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
        let v = match (ty, tx.get("chainId")) {
            (0, Some(Value::String(c))) => {
                35 + 2 * u64::from_str_radix(c.trim_start_matches("0x"), 16).unwrap() + parity
            }
            (0, _) => 27 + parity,
            _ => parity,
        };
        tx.insert("v".into(), json!(format!("{v:#x}")));
        txs.push(Value::Object(tx));
    }
    block.insert("transactions".into(), Value::Array(txs));
    block.insert("withdrawals".into(), d["withdrawals"].clone());
    block.insert("uncles".into(), json!([]));
    Value::Object(block)
}

#[test]
fn mainnet_prague_block_from_sbv_witness() {
    let Some(path) = common::fixture("execution-witness/sbv-mainnet/1-23587691.json") else { return };
    let d = read_json(&path);
    let block = refute_stf::rpc::block_from_rpc_json(&sbv_block_json(&d)).unwrap();
    assert_eq!(block.body.transactions.len(), 40);
    let number = block.header.number;
    let hashes: std::collections::BTreeMap<u64, alloy_primitives::B256> = d["block_hashes"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, h)| (number - 1 - i as u64, h.as_str().unwrap().parse().unwrap()))
        .collect();
    assert_eq!(hashes[&(number - 1)], block.header.parent_hash);
    let hexes = |v: &serde_json::Value| -> Vec<alloy_primitives::Bytes> {
        v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().parse().unwrap()).collect()
    };
    let pre: alloy_primitives::B256 = d["prev_state_root"].as_str().unwrap().parse().unwrap();
    let chain = ChainConfig::with_fork(1, Fork::Prague);
    let out = refute_stf::execute::execute_unanchored(
        &chain,
        &block,
        pre,
        hashes,
        &hexes(&d["states"]),
        &hexes(&d["codes"]),
        ExecOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.state_root, block.header.state_root);
    assert_eq!(out.receipts_root, block.header.receipts_root);
    assert_eq!(out.gas_used, 1_429_580);
    assert_eq!(out.block_hash, block.header.hash_slow());
    println!(
        "mainnet 23587691: {} txs, {} gas, {} nodes ({} unused)",
        out.transactions.len(),
        out.gas_used,
        out.witness_nodes,
        out.unused_nodes
    );
}

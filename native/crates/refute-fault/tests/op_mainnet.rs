//! Derivation against real OP Mainnet data: from L1 blocks 18090205–18090218
//! (headers, the batcher's calldata transaction in 18090218, the receipts of
//! the epochs' L1 origins) the program derives L2 blocks 109279675–109279680
//! exactly as OP Mainnet has them: timestamps, `prevRandao`, fee recipient, gas
//! limit, and every transaction (L1-info deposit, user deposits, batched ones)
//! by hash. Each derived block is the parent of the next, starting from the real
//! block 109279674.
#![allow(clippy::unwrap_used)]

#[path = "../../refute-stf/tests/common/fixtures.rs"]
mod fixtures;

use std::io::Read;

use alloy_consensus::{Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{address, keccak256, Bloom, Bytes, Log, LogData, B256};
use refute_fault::{
    agreed::AgreedBlock,
    config::{RollupConfig, CONFIG_VERSION},
    derivation::{batcher_data, derive_block},
    l1::{BlockReceipts, BlockTransactions, L1Chain},
    l1_info::{parse_deposit, L1InfoFormat},
};
use refute_stf::{
    op::spec::named_chain,
    rpc::{block_from_rpc_json, header_from_rpc_json, op_block_from_rpc_json},
};
use serde_json::Value;

const DIR: &str = "op-derivation/raiko-op-mainnet";
const L1_FIRST: u64 = 18_090_205;
const L1_LAST: u64 = 18_090_218;

fn load(rel: &str) -> Option<Value> {
    let raw = fixtures::read(rel)?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(raw.as_slice()).read_to_string(&mut text).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

fn hex_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// An RPC receipt as its EIP-2718 consensus encoding.
fn receipt(v: &Value) -> Bytes {
    let logs = v["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let topics = l["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
            let data: Bytes = l["data"].as_str().unwrap().parse().unwrap();
            Log { address: l["address"].as_str().unwrap().parse().unwrap(), data: LogData::new_unchecked(topics, data) }
        })
        .collect();
    let inner = Receipt {
        status: Eip658Value::Eip658(hex_u64(&v["status"]) == 1),
        cumulative_gas_used: hex_u64(&v["cumulativeGasUsed"]),
        logs,
    };
    let bloom: Bloom = v["logsBloom"].as_str().unwrap().parse().unwrap();
    let with_bloom = ReceiptWithBloom::new(inner, bloom);
    let envelope = match hex_u64(&v["type"]) {
        0 => ReceiptEnvelope::Legacy(with_bloom),
        1 => ReceiptEnvelope::Eip2930(with_bloom),
        2 => ReceiptEnvelope::Eip1559(with_bloom),
        3 => ReceiptEnvelope::Eip4844(with_bloom),
        other => panic!("receipt type {other}"),
    };
    Bytes::from(envelope.encoded_2718())
}

struct L1Data {
    headers: Vec<Header>,
    transactions: Vec<BlockTransactions>,
    receipts: Vec<BlockReceipts>,
}

fn l1_data() -> Option<L1Data> {
    let mut out = L1Data { headers: Vec::new(), transactions: Vec::new(), receipts: Vec::new() };
    for number in L1_FIRST..=L1_LAST {
        let v = load(&format!("{DIR}/ethereum/{number}.json.gz"))?;
        let json = &v["full_blocks"][0][1];
        let block = block_from_rpc_json(json).unwrap();
        assert_eq!(block.header.hash_slow().to_string(), json["hash"].as_str().unwrap());
        out.transactions.push(BlockTransactions {
            number,
            transactions: block.body.transactions.iter().map(|t| Bytes::from(t.encoded_2718())).collect(),
        });
        if let Some(list) = v["receipts"].as_array().and_then(|r| r.first()) {
            out.receipts
                .push(BlockReceipts { number, receipts: list[1].as_array().unwrap().iter().map(receipt).collect() });
        }
        out.headers.push(block.header);
    }
    out.headers.reverse();
    Some(out)
}

fn op_mainnet_config() -> RollupConfig {
    let spec = named_chain("op-mainnet").unwrap();
    RollupConfig {
        version: CONFIG_VERSION,
        l2_chain_id: spec.chain_id,
        l1_chain_id: 1,
        genesis_l1_hash: "0x438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108".parse().unwrap(),
        genesis_l1_number: 17_422_590,
        genesis_l2_hash: "0xdbf6a80fef073de06add9b0d14026d6e5a86c85f6d102c36d3d8e9cf89c2afd3".parse().unwrap(),
        genesis_l2_number: 105_235_063,
        genesis_l2_time: 1_686_068_903,
        block_time: 2,
        max_sequencer_drift: 600,
        seq_window_size: 3600,
        channel_timeout_bedrock: 300,
        batch_inbox: address!("ff00000000000000000000000000000000000010"),
        batcher: address!("6887246668a3b87f54deb3b94ba47a6f63f32985"),
        deposit_contract: address!("beb5fc579115071764c7423a4f12edde41f106ed"),
        system_config: address!("229047fed2591dbec1ef1118d64f7af3db9eb290"),
        forks: spec.forks,
        eip1559_elasticity: spec.eip1559_elasticity,
        eip1559_denominator: spec.eip1559_denominator,
        eip1559_denominator_canyon: spec.eip1559_denominator_canyon,
        l1_blob_schedule: Vec::new(),
    }
}

/// A real L2 block: header and transaction hashes (full transactions for the first).
fn l2_block(number: u64) -> Option<(Header, Vec<B256>, Option<Vec<Bytes>>)> {
    let v = load(&format!("{DIR}/optimism/{number}.json.gz"))?;
    if let Some(full) = v["full_blocks"].as_array().and_then(|b| b.first()) {
        // This node wrote `isSystemTx` as a JSON boolean; op-alloy reads a quantity.
        let mut json = full[1].clone();
        for tx in json["transactions"].as_array_mut().unwrap() {
            if let Some(flag) = tx.get("isSystemTx").and_then(Value::as_bool) {
                tx["isSystemTx"] = Value::from(if flag { "0x1" } else { "0x0" });
            }
        }
        let block = op_block_from_rpc_json(&json).unwrap();
        let txs: Vec<Bytes> = block.body.transactions.iter().map(|t| Bytes::from(t.encoded_2718())).collect();
        return Some((block.header, txs.iter().map(keccak256).collect(), Some(txs)));
    }
    let json = &v["partial_blocks"][0][1];
    let header = header_from_rpc_json(json).unwrap();
    assert_eq!(header.hash_slow().to_string(), json["hash"].as_str().unwrap());
    let hashes =
        json["transactions"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().parse().unwrap()).collect();
    Some((header, hashes, None))
}

fn agreed(config: &RollupConfig, header: Header, transactions: &[Bytes]) -> AgreedBlock {
    let format = L1InfoFormat::for_fork(config.forks.fork_at(header.timestamp)).unwrap();
    AgreedBlock {
        hash: header.hash_slow(),
        l1_info: parse_deposit(format, &transactions[0]).unwrap(),
        batched: transactions.iter().filter(|t| t.first() != Some(&0x7e)).cloned().collect(),
        header,
        ancestors: Vec::new(),
    }
}

#[test]
fn derives_op_mainnet_blocks_109279675_to_109279680() {
    let Some(l1) = l1_data() else { return };
    let Some((first, _, Some(first_txs))) = l2_block(109_279_674) else { return };
    let config = op_mainnet_config();
    let head = l1.headers[0].hash_slow();
    let chain = L1Chain::verify(head, &l1.headers).unwrap();
    let mut parent = agreed(&config, first, &first_txs);
    let mut epochs = vec![parent.l1_info.l1_number];
    for number in 109_279_675..=109_279_680u64 {
        let Some((real, hashes, _)) = l2_block(number) else { return };
        // Every L1 block after the parent's origin, whole: the data must start there.
        let origin = parent.l1_info.l1_number;
        let window: Vec<BlockTransactions> = l1.transactions.iter().filter(|b| b.number > origin).cloned().collect();
        let batchers = refute_fault::system_config::batchers(&config, &chain, &parent, &window, &[]).unwrap();
        let data = batcher_data(&config, &chain, &window, &batchers, &[]).unwrap();
        let derived = derive_block(&config, &chain, &parent, &data, Vec::new(), &l1.receipts).unwrap();
        let p = &derived.payload;
        assert_eq!(p.timestamp, real.timestamp, "block {number}: timestamp");
        assert_eq!(p.parent_hash, real.parent_hash, "block {number}: parent");
        assert_eq!(p.prev_randao, real.mix_hash, "block {number}: prevRandao");
        assert_eq!(p.fee_recipient, real.beneficiary, "block {number}: fee recipient");
        assert_eq!(p.gas_limit, real.gas_limit, "block {number}: gas limit");
        assert_eq!(p.parent_beacon_block_root, real.parent_beacon_block_root, "block {number}: beacon root");
        let derived_hashes: Vec<B256> = p.transactions.iter().map(keccak256).collect();
        assert_eq!(derived_hashes, hashes, "block {number}: transactions");
        assert_eq!(derived.inclusion_block, L1_LAST);
        epochs.push(derived.l1_origin);
        parent = agreed(&config, real, &p.transactions);
    }
    // 109279675 starts epoch 18090206, so the L1-info deposit of a new origin
    // (sequence number 0) and that origin's user deposits are among the
    // transactions compared; the later blocks continue the epoch.
    assert_eq!(epochs, [18_090_205, 18_090_206, 18_090_206, 18_090_206, 18_090_206, 18_090_206, 18_090_206]);
}

#[test]
fn real_l1_blooms_rule_out_system_config_updates_in_the_window() {
    // None of the window's 13 mainnet blocks has both the SystemConfig address and the
    // ConfigUpdate topic in its logs bloom, so the program needs no receipts beyond the new
    // origin's and pays nothing for the rule here.
    let Some(l1) = l1_data() else { return };
    let config = op_mainnet_config();
    let chain = L1Chain::verify(l1.headers[0].hash_slow(), &l1.headers).unwrap();
    let window: Vec<BlockTransactions> = l1.transactions.iter().filter(|b| b.number > L1_FIRST).cloned().collect();
    assert_eq!(window.len(), 13);
    assert_eq!(refute_fault::system_config::receipts_needed(&chain, &window, config.system_config), Vec::<u64>::new());

    // The bloom does hold what the receipts hold: the portal's deposit event in the new origin.
    let origin = l1.headers.iter().find(|h| h.number == L1_FIRST + 1).unwrap();
    let portal = address!("beb5fc579115071764c7423a4f12edde41f106ed");
    assert!(origin.logs_bloom.contains_input(alloy_primitives::BloomInput::Raw(portal.as_slice())));
    assert!(origin
        .logs_bloom
        .contains_input(alloy_primitives::BloomInput::Raw(refute_fault::deposits::DEPOSIT_EVENT_TOPIC.as_slice())));
}

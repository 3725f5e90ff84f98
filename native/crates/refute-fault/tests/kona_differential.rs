//! Differential tests against kona (`kona-protocol` / `kona-genesis` 0.4.5 from
//! crates.io, dev-dependencies only) for the two derivation rules the program
//! writes itself: user deposits from `TransactionDeposited` logs, the L1-info
//! deposit (its calldata in every format kona knows, and the whole deposit a new
//! epoch starts with), and system config updates (`ConfigUpdate` logs).
//!
//! op-node decides where the two disagree. The tolerated disagreements are kona
//! deviations, listed in `docs/protocol.md` ("Differential test against kona")
//! and asserted here in their exact shape:
//!
//! - **K5** kona reads the `from`/`to` topics only if their upper 12 bytes are
//!   zero (op-node takes the low 20 bytes of any topic); it checks only the low 8
//!   bytes of the ABI offset and length words (op-node: the whole word); and it
//!   keeps the low 16 bytes of a mint above 2^128 (op-node keeps all 256 bits;
//!   we refuse such a deposit, which `OptimismPortal` cannot emit).
//! - **K6** kona's L1-info decoder reads the low 8 bytes of the base fee word and
//!   the low 16 bytes of the blob base fee word and ignores the rest, where
//!   op-node reads whole words (Bedrock: and refuses padding on its uint64s).
//! - **K7** kona 0.4.5 knows only Cancun's and Prague's blob fee update
//!   fractions, so from the first BPO fork on L1 (Osaka BPO1, 2025-12-09) its
//!   L1-info deposit carries a wrong blob base fee. kona-protocol on crates.io
//!   lags the chain here; the program takes the fraction from the rollup
//!   config's L1 blob schedule.
//! - **K8-K10** system config updates: see [`kona_deviates`].
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use alloy_consensus::{Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{b256, Address, Bloom, Bytes, Log, LogData, B256, U256};
use kona_genesis::{HardForkConfig, RollupConfig as KonaRollupConfig, SystemConfig};
use kona_protocol::{decode_deposit, L1BlockInfoTx};
use op_alloy_consensus::{OpTxEnvelope, TxDeposit};
use proptest::prelude::*;
use refute_fault::deposits::{user_deposits, DEPOSIT_EVENT_TOPIC};
use refute_fault::generate::deposit_log_data;
use refute_fault::l1_info::{L1Info, L1InfoFormat};

// ---------------------------------------------------------------- user deposits

const PORTAL: Address = Address::new([0x11; 20]);
const SYSTEM_CONFIG: Address = Address::new([0x22; 20]);
const L1_BLOCK: B256 = b256!("0x6e3b4a1d2c9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605");

fn deposit_log(topics: Vec<B256>, data: Vec<u8>) -> Log {
    Log { address: PORTAL, data: LogData::new_unchecked(topics, Bytes::from(data)) }
}

/// Ours: the log as the only log of one successful receipt of the L1 block.
fn our_deposit(log: &Log) -> Result<Bytes, String> {
    let receipt = Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 50_000, logs: vec![log.clone()] };
    let envelope = ReceiptEnvelope::Eip1559(ReceiptWithBloom { receipt, logs_bloom: Bloom::ZERO });
    let mut out = user_deposits(&[envelope], L1_BLOCK, PORTAL).map_err(|e| e.to_string())?;
    assert_eq!(out.len(), 1, "one deposit log gives one deposit");
    Ok(out.remove(0))
}

/// What K5 makes kona accept or refuse differently from op-node (and us).
fn k5_applies(log: &Log) -> bool {
    let t = log.data.topics();
    let d = &log.data.data;
    let upper_nonzero = |w: &[u8]| w[..24].iter().any(|b| *b != 0);
    let dirty_topics = t.len() == 4 && (t[1][..12].iter().any(|b| *b != 0) || t[2][..12].iter().any(|b| *b != 0));
    let dirty_words = d.len() >= 64 && (upper_nonzero(&d[0..32]) || upper_nonzero(&d[32..64]));
    let big_mint = d.len() >= 80 && d[64..80].iter().any(|b| *b != 0);
    dirty_topics || dirty_words || big_mint
}

fn compare_deposit(log: &Log) {
    let ours = our_deposit(log);
    let kona = decode_deposit(L1_BLOCK, 0, log);
    match (ours, kona) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "deposit transaction bytes"),
        (Err(_), Err(_)) => {}
        (Ok(a), Err(e)) => {
            assert!(k5_applies(log), "we derive a deposit of {} bytes that kona refuses: {e:?}", a.len());
        }
        (Err(e), Ok(_)) => assert!(k5_applies(log), "kona derives a deposit that we refuse: {e}"),
    }
}

#[test]
fn portal_deposits_agree() {
    let from = B256::left_padding_from(&[0xaa; 20]);
    let to = B256::left_padding_from(&[0xbb; 20]);
    for (mint, value, gas, creation, calldata) in [
        (U256::ZERO, U256::ZERO, 21_000u64, false, vec![]),
        (U256::from(10u64).pow(U256::from(18)), U256::from(7), 100_000, false, vec![0xde, 0xad]),
        (U256::from(1), U256::ZERO, 3_000_000, true, vec![0x60; 200]),
        (U256::from(u128::MAX), U256::MAX, u64::MAX, false, vec![0; 31]),
    ] {
        let data = deposit_log_data(mint, value, gas, creation, &calldata);
        let log = deposit_log(vec![DEPOSIT_EVENT_TOPIC, from, to, B256::ZERO], data);
        compare_deposit(&log);
        assert!(our_deposit(&log).is_ok());
    }
}

#[test]
fn op_node_log_rules_hold() {
    // The three rules op-node applies to the log data, kona and we alike.
    let from = B256::left_padding_from(&[0xaa; 20]);
    let topics = vec![DEPOSIT_EVENT_TOPIC, from, from, B256::ZERO];
    let good = deposit_log_data(U256::ZERO, U256::ZERO, 21_000, false, &[1, 2, 3]);
    // A word of extra padding.
    let mut padded = good.clone();
    padded.extend_from_slice(&[0; 32]);
    // Not a whole number of words.
    let mut ragged = good.clone();
    ragged.push(0);
    // A length past the data.
    let mut long = good.clone();
    long[63] += 40;
    for (what, data) in [("extra padding", padded), ("ragged data", ragged), ("length past the data", long)] {
        let log = deposit_log(topics.clone(), data);
        assert!(our_deposit(&log).is_err(), "{what}: we must refuse");
        assert!(decode_deposit(L1_BLOCK, 0, &log).is_err(), "{what}: kona refuses");
    }
}

#[test]
fn k5_in_its_exact_shape() {
    let clean = B256::left_padding_from(&[0xaa; 20]);
    let mut dirty = clean;
    dirty[0] = 1;
    let data = deposit_log_data(U256::ZERO, U256::ZERO, 21_000, false, &[]);
    // op-node takes the low 20 bytes of the topic; kona refuses it.
    let log = deposit_log(vec![DEPOSIT_EVENT_TOPIC, dirty, clean, B256::ZERO], data.clone());
    assert!(our_deposit(&log).is_ok());
    assert!(decode_deposit(L1_BLOCK, 0, &log).is_err());
    // A dirty offset word: op-node and we refuse, kona accepts.
    let mut bad_offset = data.clone();
    bad_offset[0] = 1;
    let log = deposit_log(vec![DEPOSIT_EVENT_TOPIC, clean, clean, B256::ZERO], bad_offset);
    assert!(our_deposit(&log).is_err());
    assert!(decode_deposit(L1_BLOCK, 0, &log).is_ok());
    // A mint above 2^128: kona truncates it, we refuse.
    let log = deposit_log(
        vec![DEPOSIT_EVENT_TOPIC, clean, clean, B256::ZERO],
        deposit_log_data(U256::from(1) << 130, U256::ZERO, 21_000, false, &[]),
    );
    assert!(our_deposit(&log).is_err());
    let kona = decode_deposit(L1_BLOCK, 0, &log).unwrap();
    let OpTxEnvelope::Deposit(tx) = OpTxEnvelope::decode_2718(&mut kona.as_ref()).unwrap() else { panic!() };
    assert_eq!(tx.mint, 0, "kona keeps the low 128 bits of the mint");
}

// ---------------------------------------------------------------- L1-info calldata

fn arb_info(format: L1InfoFormat) -> impl Strategy<Value = L1Info> {
    (
        (any::<u32>(), any::<u32>(), any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>(), any::<u128>()),
        (any::<[u8; 32]>(), any::<[u8; 20]>(), any::<u32>(), any::<u64>(), any::<[u8; 32]>(), any::<[u8; 32]>()),
    )
        .prop_map(
            move |((bfs, bbfs, seq, time, number, base_fee, blob_fee), (hash, batcher, ofs, ofc, ovh, scl))| {
                let bedrock = format == L1InfoFormat::Bedrock;
                let packed = |x: u64| if bedrock { 0 } else { x };
                L1Info {
                    format,
                    base_fee_scalar: packed(bfs.into()) as u32,
                    blob_base_fee_scalar: packed(bbfs.into()) as u32,
                    sequence_number: seq,
                    l1_timestamp: time,
                    l1_number: number,
                    l1_base_fee: U256::from(base_fee),
                    l1_blob_base_fee: if bedrock { U256::ZERO } else { U256::from(blob_fee) },
                    l1_hash: B256::from(hash),
                    batcher_hash: B256::left_padding_from(&batcher),
                    operator_fee_scalar: if format == L1InfoFormat::Isthmus { ofs } else { 0 },
                    operator_fee_constant: if format == L1InfoFormat::Isthmus { ofc } else { 0 },
                    da_footprint_gas_scalar: 0,
                    l1_fee_overhead: if bedrock { U256::from_be_bytes(ovh) } else { U256::ZERO },
                    l1_fee_scalar: if bedrock { U256::from_be_bytes(scl) } else { U256::ZERO },
                }
            },
        )
}

/// Our fields against kona's, for one calldata both decoded.
fn assert_same_info(ours: &L1Info, kona: &L1BlockInfoTx) {
    assert_eq!(U256::from(kona.l1_base_fee()), ours.l1_base_fee, "base fee");
    assert_eq!(kona.block_hash(), ours.l1_hash, "L1 hash");
    assert_eq!(kona.sequence_number(), ours.sequence_number, "sequence number");
    assert_eq!(B256::left_padding_from(kona.batcher_address().as_slice()), ours.batcher_hash, "batcher");
    assert_eq!(kona.id().number, ours.l1_number, "L1 number");
    match kona {
        L1BlockInfoTx::Bedrock(b) => {
            assert_eq!(ours.format, L1InfoFormat::Bedrock);
            assert_eq!(b.time, ours.l1_timestamp);
            assert_eq!(b.l1_fee_overhead, ours.l1_fee_overhead);
            assert_eq!(b.l1_fee_scalar, ours.l1_fee_scalar);
        }
        L1BlockInfoTx::Ecotone(e) => {
            assert_eq!(ours.format, L1InfoFormat::Ecotone);
            assert_eq!(e.time, ours.l1_timestamp);
            assert_eq!(U256::from(e.blob_base_fee), ours.l1_blob_base_fee);
            assert_eq!((e.base_fee_scalar, e.blob_base_fee_scalar), (ours.base_fee_scalar, ours.blob_base_fee_scalar));
        }
        L1BlockInfoTx::Isthmus(i) => {
            assert_eq!(ours.format, L1InfoFormat::Isthmus);
            assert_eq!(i.time, ours.l1_timestamp);
            assert_eq!(U256::from(i.blob_base_fee), ours.l1_blob_base_fee);
            assert_eq!((i.base_fee_scalar, i.blob_base_fee_scalar), (ours.base_fee_scalar, ours.blob_base_fee_scalar));
            assert_eq!(
                (i.operator_fee_scalar, i.operator_fee_constant),
                (ours.operator_fee_scalar, ours.operator_fee_constant)
            );
        }
    }
}

/// Whether K6 explains a disagreement on this calldata.
fn k6_applies(format: L1InfoFormat, data: &[u8]) -> bool {
    let nonzero = |r: core::ops::Range<usize>| data[r].iter().any(|b| *b != 0);
    match format {
        // Bedrock: the padding of the uint64 words (number, time, sequence number)
        // and of the batcher address, and the high bytes of the base fee word.
        L1InfoFormat::Bedrock => {
            nonzero(4..28) || nonzero(36..60) || nonzero(68..92) || nonzero(132..156) || nonzero(164..176)
        }
        _ => nonzero(36..60) || nonzero(68..84) || nonzero(132..144),
    }
}

fn compare_calldata(format: L1InfoFormat, data: &[u8]) {
    let ours = L1Info::decode(format, data);
    let kona = L1BlockInfoTx::decode_calldata(data);
    match (ours, kona) {
        (Ok(a), Ok(b)) => {
            if k6_applies(format, data) {
                return;
            }
            assert_same_info(&a, &b);
            assert_eq!(a.encode(), b.encode_calldata().to_vec(), "re-encoded calldata");
        }
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => assert!(k6_applies(format, data), "kona decodes {format:?} calldata we refuse: {e}"),
        (Ok(_), Err(e)) => panic!("we decode {format:?} calldata kona refuses: {e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn deposits_agree_on_fuzzed_logs(
        mint in prop_oneof![Just(U256::ZERO), any::<u128>().prop_map(U256::from), any::<[u8; 32]>().prop_map(U256::from_be_bytes)],
        value in any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        gas in any::<u64>(),
        creation in any::<bool>(),
        calldata in proptest::collection::vec(any::<u8>(), 0..100),
        from in any::<[u8; 20]>(),
        dirty_from in any::<bool>(),
        version in prop_oneof![4 => Just(B256::ZERO), 1 => any::<[u8; 32]>().prop_map(B256::from)],
        extra_topics in 0usize..2,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut data = deposit_log_data(mint, value, gas, creation, &calldata);
        for (at, v) in edits { let i = at.index(data.len()); data[i] = v; }
        if let Some(cut) = cut { data.truncate(cut.index(data.len() + 1)); }
        let mut from = B256::left_padding_from(&from);
        if dirty_from { from[3] = 0x5a; }
        let mut topics = vec![DEPOSIT_EVENT_TOPIC, from, B256::left_padding_from(&[0xbb; 20]), version];
        topics.truncate(4 - extra_topics);
        compare_deposit(&deposit_log(topics, data));
    }

    #[test]
    fn l1_info_calldata_round_trips_through_kona(
        info in prop_oneof![arb_info(L1InfoFormat::Bedrock), arb_info(L1InfoFormat::Ecotone), arb_info(L1InfoFormat::Isthmus)],
    ) {
        let data = info.encode();
        let kona = L1BlockInfoTx::decode_calldata(&data).unwrap();
        assert_same_info(&info, &kona);
        prop_assert_eq!(kona.encode_calldata().to_vec(), data.clone());
        prop_assert_eq!(L1Info::decode(info.format, &data).unwrap(), info);
    }

    #[test]
    fn l1_info_decoders_agree_on_random_calldata(
        format in prop::sample::select(vec![L1InfoFormat::Bedrock, L1InfoFormat::Ecotone, L1InfoFormat::Isthmus]),
        body in proptest::collection::vec(any::<u8>(), 260),
        clean in any::<bool>(),
    ) {
        let mut data = format.selector().to_vec();
        data.extend_from_slice(&body[..format.calldata_len() - 4]);
        if clean {
            // Zero what K6 covers, so the fields themselves are compared.
            let ranges: &[core::ops::Range<usize>] = match format {
                L1InfoFormat::Bedrock => &[4..28, 36..60, 68..92, 132..156, 164..176],
                _ => &[36..60, 68..84, 132..144],
            };
            for r in ranges { data[r.clone()].fill(0); }
        }
        compare_calldata(format, &data);
    }
}

// ---------------------------------------------------------------- the L1-info deposit of a new epoch

/// Cancun's and Prague's `BLOB_BASE_FEE_UPDATE_FRACTION`, and when Prague
/// activated on Ethereum mainnet (the config's schedule, `assemble.rs`).
const CANCUN_FRACTION: u64 = 3_338_477;
const PRAGUE_FRACTION: u64 = 5_007_716;
const PRAGUE_TIME: u64 = 1_746_612_311;
const BPO1_TIME: u64 = 1_765_290_071;
const BPO1_FRACTION: u64 = 8_346_193;

#[derive(Debug)]
struct Origin {
    number: u64,
    timestamp: u64,
    base_fee: u64,
    excess_blob_gas: u64,
    parent_hash: B256,
}

impl Origin {
    fn header(&self) -> alloy_consensus::Header {
        alloy_consensus::Header {
            parent_hash: self.parent_hash,
            number: self.number,
            timestamp: self.timestamp,
            base_fee_per_gas: Some(self.base_fee),
            blob_gas_used: Some(0),
            excess_blob_gas: Some(self.excess_blob_gas),
            withdrawals_root: Some(B256::ZERO),
            parent_beacon_block_root: Some(B256::ZERO),
            requests_hash: (self.timestamp >= PRAGUE_TIME).then_some(B256::ZERO),
            ..Default::default()
        }
    }

    /// The same header in kona's alloy-consensus 1 type, through its RLP, so the
    /// two cannot differ in a field.
    fn kona_header(&self) -> alloy_consensus_v1::Header {
        let rlp = alloy_rlp::encode(self.header());
        alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap()
    }

    fn fraction(&self) -> u64 {
        match self.timestamp {
            t if t >= BPO1_TIME => BPO1_FRACTION,
            t if t >= PRAGUE_TIME => PRAGUE_FRACTION,
            _ => CANCUN_FRACTION,
        }
    }
}

/// The parent's L1 info (the system config the program reads) and kona's
/// rollup and system config for the same chain, all forks active since genesis.
fn configs(format: L1InfoFormat, parent: &L1Info) -> (KonaRollupConfig, SystemConfig) {
    let isthmus = format == L1InfoFormat::Isthmus;
    let packed = format != L1InfoFormat::Bedrock;
    let hardforks = HardForkConfig {
        regolith_time: Some(0),
        canyon_time: Some(0),
        delta_time: packed.then_some(0),
        ecotone_time: packed.then_some(0),
        fjord_time: packed.then_some(0),
        granite_time: packed.then_some(0),
        holocene_time: packed.then_some(0),
        isthmus_time: isthmus.then_some(0),
        ..Default::default()
    };
    let rollup = KonaRollupConfig { block_time: 2, hardforks, ..Default::default() };
    // Ecotone's scalar word: version 1, the blob scalar at bytes 24..28, the base fee scalar at 28..32.
    let mut scalar = [0u8; 32];
    if packed {
        scalar[0] = 1;
        scalar[24..28].copy_from_slice(&parent.blob_base_fee_scalar.to_be_bytes());
        scalar[28..32].copy_from_slice(&parent.base_fee_scalar.to_be_bytes());
    }
    let system = SystemConfig {
        batcher_address: Address::from_slice(&parent.batcher_hash[12..]),
        overhead: parent.l1_fee_overhead,
        scalar: if packed { U256::from_be_bytes(scalar) } else { parent.l1_fee_scalar },
        operator_fee_scalar: isthmus.then_some(parent.operator_fee_scalar),
        operator_fee_constant: isthmus.then_some(parent.operator_fee_constant),
        ..Default::default()
    };
    (rollup, system)
}

/// Both sides' L1-info deposit for the first block of a new epoch.
fn epoch_deposits(format: L1InfoFormat, parent: &L1Info, origin: &Origin) -> (TxDeposit, TxDeposit) {
    let ours_header = origin.header();
    let kona_header = origin.kona_header();
    assert_eq!(ours_header.hash_slow(), kona_header.hash_slow(), "both header types hash alike");
    let fraction = origin.fraction();
    let ours = parent.with_origin(&ours_header, || Ok(fraction)).unwrap().deposit_transaction();
    let OpTxEnvelope::Deposit(ours) = OpTxEnvelope::decode_2718(&mut ours.as_ref()).unwrap() else { panic!() };
    let (rollup, system) = configs(format, parent);
    let l2_time = 1_000_000;
    let (_, kona) = L1BlockInfoTx::try_new_with_deposit_tx(&rollup, &system, 0, &kona_header, l2_time).unwrap();
    let kona = kona.into_inner();
    let kona = TxDeposit {
        source_hash: kona.source_hash,
        from: kona.from,
        to: kona.to,
        mint: kona.mint,
        value: kona.value,
        gas_limit: kona.gas_limit,
        is_system_transaction: kona.is_system_transaction,
        input: kona.input,
    };
    (ours.into_inner(), kona)
}

fn arb_origin(times: core::ops::Range<u64>) -> impl Strategy<Value = Origin> {
    (any::<u32>(), times, 1u64..1_000_000_000_000, 0u64..20_000_000, any::<[u8; 32]>()).prop_map(
        |(number, timestamp, base_fee, excess_blob_gas, parent)| Origin {
            number: number.into(),
            timestamp,
            base_fee,
            excess_blob_gas,
            parent_hash: B256::from(parent),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn epoch_l1_info_deposit_matches_kona_before_bpo(
        parent in prop_oneof![arb_info(L1InfoFormat::Bedrock), arb_info(L1InfoFormat::Ecotone), arb_info(L1InfoFormat::Isthmus)],
        origin in arb_origin(1_710_338_135..BPO1_TIME),
    ) {
        let (ours, kona) = epoch_deposits(parent.format, &parent, &origin);
        prop_assert_eq!(ours, kona);
    }

    #[test]
    fn k7_kona_misses_the_bpo_blob_fee(
        parent in prop_oneof![arb_info(L1InfoFormat::Ecotone), arb_info(L1InfoFormat::Isthmus)],
        origin in arb_origin(BPO1_TIME..BPO1_TIME + 10_000_000),
    ) {
        let (ours, kona) = epoch_deposits(parent.format, &parent, &origin);
        let ours_info = L1Info::decode(parent.format, &ours.input).unwrap();
        let kona_info = L1Info::decode(parent.format, &kona.input).unwrap();
        let fee = |f: u64| alloy_eips::eip4844::fake_exponential(1, origin.excess_blob_gas as u128, f as u128);
        prop_assert_eq!(ours_info.l1_blob_base_fee, U256::from(fee(BPO1_FRACTION)));
        prop_assert_eq!(kona_info.l1_blob_base_fee, U256::from(fee(PRAGUE_FRACTION)));
        // Everything but the blob base fee agrees.
        prop_assert_eq!(L1Info { l1_blob_base_fee: U256::ZERO, ..ours_info }, L1Info { l1_blob_base_fee: U256::ZERO, ..kona_info });
    }
}

// ---------------------------------------------------------------- system config updates

/// A `ConfigUpdate` log of `SYSTEM_CONFIG`: `type_word` is its third topic.
fn config_log(version: B256, type_word: B256, data: Vec<u8>, extra_topic: bool) -> Log {
    let mut topics = vec![refute_fault::system_config::CONFIG_UPDATE_TOPIC, version, type_word];
    if extra_topic {
        topics.push(B256::ZERO);
    }
    Log { address: SYSTEM_CONFIG, data: LogData::new_unchecked(topics, Bytes::from(data)) }
}

/// ABI `bytes` data: the pointer (32), the length, the payload.
fn abi_bytes(pointer: u64, length: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = U256::from(pointer).to_be_bytes::<32>().to_vec();
    out.extend_from_slice(&U256::from(length).to_be_bytes::<32>());
    out.extend_from_slice(payload);
    out
}

/// A config before the update: a packed (Ecotone) scalar word unless `bedrock`.
fn base_config(bedrock: bool) -> (refute_fault::system_config::SystemConfig, SystemConfig) {
    let mut scalar = [0u8; 32];
    if !bedrock {
        scalar[0] = 1;
        scalar[24..28].copy_from_slice(&7u32.to_be_bytes());
        scalar[28..32].copy_from_slice(&9u32.to_be_bytes());
    } else {
        scalar[31] = 0x44;
    }
    let ours = refute_fault::system_config::SystemConfig {
        batcher: Address::repeat_byte(0xba),
        overhead: U256::from(if bedrock { 188 } else { 0 }),
        scalar: B256::from(scalar),
        gas_limit: 30_000_000,
        eip1559_params: alloy_primitives::B64::from([0, 0, 0, 250, 0, 0, 0, 6]),
        operator_fee_scalar: 3,
        operator_fee_constant: 5,
        min_base_fee: 0,
        da_footprint_gas_scalar: 400,
    };
    let kona = SystemConfig {
        batcher_address: ours.batcher,
        overhead: ours.overhead,
        scalar: U256::from_be_bytes(scalar),
        gas_limit: ours.gas_limit,
        eip1559_denominator: Some(250),
        eip1559_elasticity: Some(6),
        operator_fee_scalar: Some(3),
        operator_fee_constant: Some(5),
        ..Default::default()
    };
    (ours, kona)
}

/// The fields both sides hold, as ours holds them.
fn same_config(ours: &refute_fault::system_config::SystemConfig, kona: &SystemConfig) -> bool {
    let mut params = [0u8; 8];
    params[..4].copy_from_slice(&kona.eip1559_denominator.unwrap_or_default().to_be_bytes());
    params[4..].copy_from_slice(&kona.eip1559_elasticity.unwrap_or_default().to_be_bytes());
    ours.batcher == kona.batcher_address
        && ours.overhead == kona.overhead
        && U256::from_be_bytes(ours.scalar.0) == kona.scalar
        && ours.gas_limit == kona.gas_limit
        && ours.eip1559_params.0 == params
        && Some(ours.operator_fee_scalar) == kona.operator_fee_scalar
        && Some(ours.operator_fee_constant) == kona.operator_fee_constant
}

/// A random update: mostly well-formed for its type, sometimes with a wrong
/// pointer, length, size, padding, version, type word or topic count.
fn arb_config_log() -> impl Strategy<Value = Log> {
    (
        0u64..9,
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
        0usize..4,
    )
        .prop_map(
            |(kind, a, b, keep_padding, bad_pointer, bad_length, extra_byte, bad_version, high_type, shape)| {
                // A value word of `bytes` bytes, its padding kept random when `keep_padding`.
                let word = |w: [u8; 32], bytes: usize| {
                    let mut w = w;
                    if !keep_padding {
                        w[..32 - bytes].fill(0);
                    }
                    w
                };
                let (length, payload): (u64, Vec<u8>) = match kind {
                    0 | 3 => (32, word(a, 20).to_vec()),
                    1 => {
                        // The scalar: version 0 or 1 with its padding, or anything.
                        let mut scalar = b;
                        match shape {
                            0 => {
                                scalar[0] = 0;
                                scalar[1..28].fill(0);
                            }
                            1 | 2 => {
                                scalar[0] = 1;
                                scalar[1..24].fill(0);
                            }
                            _ => {}
                        }
                        (64, [a, scalar].concat())
                    }
                    2 | 4 | 6 => (32, word(a, 8).to_vec()),
                    5 => (32, a.to_vec()),
                    7 => (32, word(a, 2).to_vec()),
                    _ => (32, a.to_vec()),
                };
                let mut data = abi_bytes(if bad_pointer { 64 } else { 32 }, length + u64::from(bad_length), &payload);
                if extra_byte {
                    data.push(0);
                }
                let version = if bad_version { B256::with_last_byte(1) } else { B256::ZERO };
                let mut type_word = B256::with_last_byte(kind as u8);
                if high_type {
                    type_word.0[0] = 1;
                }
                config_log(version, type_word, data, shape == 3 && extra_byte)
            },
        )
}

/// What kona does differently from op-node (and us) with this update: K8
/// (kona 0.4.5 predates Jovian's types 6 and 7, and refuses them), K9 (kona
/// reads the update type from the low 8 bytes of its topic and accepts more
/// than three topics; op-node compares the whole word and wants exactly three),
/// K10 (kona checks the data of an unsafe-block-signer update, which op-node
/// ignores without reading).
fn kona_deviates(log: &Log) -> bool {
    let topics = log.topics();
    let kind = topics[2];
    let low_kind = u64::from_be_bytes(kind.0[24..].try_into().unwrap());
    (6..=7).contains(&low_kind) || kind.0[..24].iter().any(|b| *b != 0) || topics.len() != 3 || low_kind == 3
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, .. ProptestConfig::default() })]

    /// Decoding and applying one `ConfigUpdate`, before and after Ecotone (by the
    /// L1 block's time), with a Bedrock or packed scalar in force: the same
    /// config as kona's `SystemConfig::update_with_receipts`, or both refuse,
    /// except for K8-K10.
    #[test]
    fn config_updates_agree_with_kona(log in arb_config_log(), ecotone in any::<bool>(), bedrock in any::<bool>()) {
        let (mut ours, mut kona) = base_config(bedrock);
        let decoded = refute_fault::system_config::ConfigUpdate::decode(&log, ecotone);
        if let Ok(update) = decoded {
            ours.apply(update);
        }
        let receipt = alloy_consensus_v1::Receipt {
            status: alloy_consensus_v1::Eip658Value::Eip658(true),
            cumulative_gas_used: 50_000,
            logs: vec![log.clone()],
        };
        let kona_result = kona.update_with_receipts(&[receipt], SYSTEM_CONFIG, ecotone);
        match (&decoded, &kona_result) {
            (Ok(_), Ok(_)) => prop_assert!(same_config(&ours, &kona), "ours {:?}\nkona {:?}", ours, kona),
            (Err(_), Err(_)) => {}
            _ => prop_assert!(kona_deviates(&log), "ours {:?}, kona {:?}, log {:?}", decoded, kona_result, log),
        }
    }
}

/// K8-K10 in their exact shape.
#[test]
fn k8_to_k10_in_their_exact_shape() {
    let kona_applies = |log: &Log| {
        let (_, mut kona) = base_config(false);
        let receipt = alloy_consensus_v1::Receipt {
            status: alloy_consensus_v1::Eip658Value::Eip658(true),
            cumulative_gas_used: 0,
            logs: vec![log.clone()],
        };
        kona.update_with_receipts(&[receipt], SYSTEM_CONFIG, true).is_ok()
    };
    let ours = |log: &Log| refute_fault::system_config::ConfigUpdate::decode(log, true);
    let word = |v: u64| U256::from(v).to_be_bytes::<32>();
    // K8: Jovian's minimum base fee and DA footprint scalar.
    for (kind, value) in [(6u8, 1_000_000u64), (7, 800)] {
        let log = config_log(B256::ZERO, B256::with_last_byte(kind), abi_bytes(32, 32, &word(value)), false);
        assert!(!kona_applies(&log));
        let expected = match kind {
            6 => refute_fault::system_config::ConfigUpdate::MinBaseFee(value),
            _ => refute_fault::system_config::ConfigUpdate::DaFootprintGasScalar(value as u16),
        };
        assert_eq!(ours(&log).unwrap(), expected);
    }
    // K9: a gas limit update whose type word has a high byte set, or a fourth topic.
    let gas = abi_bytes(32, 32, &word(60_000_000));
    let mut high = B256::with_last_byte(2);
    high.0[0] = 1;
    for log in
        [config_log(B256::ZERO, high, gas.clone(), false), config_log(B256::ZERO, B256::with_last_byte(2), gas, true)]
    {
        assert!(kona_applies(&log));
        assert_eq!(ours(&log).unwrap_err().kind(), "unsupported");
    }
    // K10: an unsafe-block-signer update whose data is not an ABI-encoded address.
    let log = config_log(B256::ZERO, B256::with_last_byte(3), vec![1, 2, 3], false);
    assert!(!kona_applies(&log));
    assert_eq!(ours(&log).unwrap(), refute_fault::system_config::ConfigUpdate::UnsafeBlockSigner);
}

//! Statement 3: block `N`'s payload attributes, derived from the L1 data.
//!
//! The steps of op-node's pipeline for one block: batcher data out of the L1
//! blocks read (only transactions to the batch inbox from the system config's
//! batcher), frames → channels → batches with `refute-da`, the first batch for
//! `N`'s timestamp that is valid against the agreed parent and its L1 origin,
//! then the attributes: L1-info deposit, user deposits when the epoch
//! advances, the batch's transactions.

use alloc::{format, string::String, vec::Vec};

use alloy_consensus::{Header, Transaction, TxEnvelope};
use alloy_primitives::{address, Address, Bytes, B256};
use op_alloy_consensus::{decode_holocene_extra_data, decode_jovian_extra_data};
use refute_da::{
    derive::{DeriveConfig, L2Block},
    pipeline::{self, Input, InputKind, PipelineConfig},
};
use refute_forks::OpHardfork;
use refute_stf::op::{payload::params, OpPayload};

use crate::{
    agreed::AgreedBlock,
    batch_queue,
    blob_binding::{self, BlobOpening},
    config::RollupConfig,
    deposits::user_deposits,
    error::{FaultError, FaultResult},
    l1::{verify_receipts, verify_transactions, BlockReceipts, BlockTransactions, L1Chain},
    system_config::SystemConfig,
    window,
};

/// The EIP-2718 type of EIP-7702 (set-code) transactions, which op-node drops
/// batches for before Isthmus.
const EIP7702_TX_TYPE: u8 = 0x04;
/// The OP Stack deposit transaction type, which a batch may not carry.
pub const DEPOSIT_TX_TYPE: u8 = 0x7e;

/// Where L2 fees go (`SequencerFeeVault`): every derived block's fee recipient.
pub const SEQUENCER_FEE_VAULT: Address = address!("4200000000000000000000000000000000000011");

/// The batcher data derivation reads, and the versioned hash of each blob in it.
#[derive(Debug, Clone, Default)]
pub struct BatcherData {
    pub inputs: Vec<Input>,
    /// One per `OpBlob` input, in input order.
    pub blob_hashes: Vec<B256>,
    /// The first L1 block read (whether or not it holds batcher data).
    pub first_l1_block: Option<u64>,
}

impl BatcherData {
    /// The opening of every blob read (statement 2's blob binding), in reading order.
    pub fn open_blobs(&self) -> FaultResult<Vec<BlobOpening>> {
        let blobs = self.inputs.iter().filter(|i| i.kind == InputKind::OpBlob);
        blobs.zip(&self.blob_hashes).map(|(input, hash)| blob_binding::open(*hash, &input.data)).collect()
    }
}

/// What derivation gives for block `N`.
#[derive(Debug, Clone)]
pub struct DerivedBlock {
    pub payload: OpPayload,
    pub openings: Vec<BlobOpening>,
    pub l1_origin: u64,
    /// The L1 block in which the batch's channel completed.
    pub inclusion_block: u64,
    /// Batches for `N`'s timestamp that were dropped before the one used, and why.
    pub dropped: Vec<String>,
    /// Batcher data skipped as op-node skips it (it does not decode), and why.
    pub skipped: Vec<String>,
}

/// Batcher transactions (to the inbox, signed by the system config's batcher
/// for that block, `batchers`: [`crate::system_config::batchers`]) of the L1
/// blocks `l1_blocks`, as pipeline inputs; blob transactions take their blobs
/// from `blobs` in order.
pub fn batcher_data(
    config: &RollupConfig,
    chain: &L1Chain,
    l1_blocks: &[BlockTransactions],
    batchers: &[Address],
    blobs: &[Bytes],
) -> FaultResult<BatcherData> {
    if batchers.len() != l1_blocks.len() {
        return Err(FaultError::L1Data(format!("{} batchers for {} L1 blocks", batchers.len(), l1_blocks.len())));
    }
    let mut data = BatcherData { first_l1_block: l1_blocks.first().map(|b| b.number), ..BatcherData::default() };
    let given = blobs.len();
    let mut blobs = blobs.iter();
    let mut previous: Option<u64> = None;
    for (block, batcher) in l1_blocks.iter().zip(batchers) {
        let batcher = *batcher;
        if let Some(p) = previous {
            if block.number != p + 1 {
                return Err(FaultError::L1Data(format!(
                    "the L1 blocks read must be consecutive: {} follows {p}",
                    block.number
                )));
            }
        }
        previous = Some(block.number);
        for (index, tx) in verify_transactions(chain, block)?.iter().enumerate() {
            if tx.to() != Some(config.batch_inbox) {
                continue;
            }
            let sig = tx.signature();
            let sender =
                refute_stf::sender::recover_address(tx.signature_hash(), sig.r(), sig.s(), sig.v()).map_err(|e| {
                    FaultError::L1Data(format!("L1 block {} transaction {index}: bad signature: {e}", block.number))
                })?;
            if sender != batcher {
                continue;
            }
            match tx {
                TxEnvelope::Eip4844(_) => {
                    for versioned_hash in tx.blob_versioned_hashes().unwrap_or_default() {
                        let blob = blobs.next().ok_or_else(|| {
                            FaultError::BlobBinding(format!(
                                "no blob given for versioned hash {versioned_hash} (L1 block {} transaction {index})",
                                block.number
                            ))
                        })?;
                        data.blob_hashes.push(*versioned_hash);
                        data.inputs.push(Input { l1_block: block.number, kind: InputKind::OpBlob, data: blob.clone() });
                    }
                }
                _ => data.inputs.push(Input {
                    l1_block: block.number,
                    kind: InputKind::BatcherData,
                    data: tx.input().clone(),
                }),
            }
        }
    }
    if blobs.next().is_some() {
        return Err(FaultError::BlobBinding(format!(
            "{} blobs given but the batcher's transactions carry {}",
            given,
            data.blob_hashes.len()
        )));
    }
    Ok(data)
}

/// Why op-node would drop `candidate` as the singular batch for the block
/// after `parent` (`None`: it is valid). A block out of a span batch is judged
/// the same way once its span passed [`crate::span::drop_reason`]; its parent is the
/// agreed block by construction, so only a singular batch's parent hash is
/// checked here.
pub(crate) fn drop_reason(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    candidate: &L2Block,
    from_span: bool,
    inclusion_block: u64,
) -> FaultResult<Option<String>> {
    let parent_origin = parent.l1_info.l1_number;
    let epoch = candidate.l1_origin_number;
    if epoch != parent_origin && epoch != parent_origin + 1 {
        return Ok(Some(format!("L1 origin {epoch} is neither the parent's origin {parent_origin} nor the next")));
    }
    if !from_span && candidate.parent_check.as_slice() != parent.hash.as_slice() {
        return Ok(Some("parent hash is not the agreed block".into()));
    }
    let origin = chain.require(epoch, "the batch's L1 origin")?;
    let origin_hash = chain.hash(epoch).unwrap_or_default();
    let check = &candidate.l1_origin_check;
    if !check.is_empty() && check.as_slice() != &origin_hash[..check.len().min(32)] {
        return Ok(Some(format!("L1 origin check does not match L1 block {epoch}")));
    }
    if epoch + config.seq_window_size < inclusion_block {
        return Ok(Some(format!("included in L1 block {inclusion_block}, past the sequencing window")));
    }
    if let Some(reason) = origin_time_drop_reason(config, chain, candidate, origin, epoch != parent_origin)? {
        return Ok(Some(reason));
    }
    Ok(transaction_drop_reason(config, candidate))
}

/// Why a block is dropped for its time against its L1 origin `origin`: before
/// the origin's time, or past the sequencer drift (Fjord's or the earlier one,
/// by the origin's time) with transactions. An empty block past the drift
/// keeps L2 time at or after L1 time and is valid, unless it stays in its
/// parent's epoch (`advanced` false) although the next L1 block could have
/// been its origin (op-node waits for that block: the input must hold it).
/// Shared by singular batches and, before Holocene, a span's later blocks.
pub(crate) fn origin_time_drop_reason(
    config: &RollupConfig,
    chain: &L1Chain,
    block: &L2Block,
    origin: &Header,
    advanced: bool,
) -> FaultResult<Option<String>> {
    if block.timestamp < origin.timestamp {
        return Ok(Some("timestamp is before its L1 origin's".into()));
    }
    let drift = config.max_sequencer_drift_at_origin(origin.timestamp);
    if block.timestamp <= origin.timestamp.saturating_add(drift) {
        return Ok(None);
    }
    if !block.transactions.is_empty() {
        return Ok(Some("past the sequencer drift with transactions".into()));
    }
    if !advanced {
        let epoch = origin.number;
        let next =
            chain.require(epoch + 1, "the next L1 origin an empty batch past the sequencer drift could adopt")?;
        if block.timestamp >= next.timestamp {
            return Ok(Some(format!(
                "empty batch past the sequencer drift stays in epoch {epoch} although L1 block {} could be its origin",
                epoch + 1
            )));
        }
    }
    Ok(None)
}

/// What a batch may not carry (op-node's last check, transaction by
/// transaction): an empty transaction, a deposit (only derivation makes
/// those), a set-code transaction before Isthmus.
pub(crate) fn transaction_drop_reason(config: &RollupConfig, block: &L2Block) -> Option<String> {
    let isthmus = config.forks.is_active(OpHardfork::Isthmus, block.timestamp);
    for (index, tx) in block.transactions.iter().enumerate() {
        match tx.first() {
            None => return Some(format!("transaction {index} is empty")),
            Some(&DEPOSIT_TX_TYPE) => return Some(format!("transaction {index} is a deposit")),
            Some(&EIP7702_TX_TYPE) if !isthmus => {
                return Some(format!("transaction {index} is an EIP-7702 transaction before Isthmus"))
            }
            _ => {}
        }
    }
    None
}

/// The EIP-1559 parameters and minimum base fee block `N` inherits from the
/// system config, as the parent's `extraData` records them.
pub(crate) fn fee_parameters(
    config: &RollupConfig,
    parent: &Header,
    timestamp: u64,
) -> FaultResult<(Option<alloy_primitives::B64>, Option<u64>)> {
    let bad = |e: String| FaultError::AgreedState(format!("the agreed block's extraData: {e}"));
    if config.forks.is_active(OpHardfork::Jovian, timestamp) {
        let (elasticity, denominator, min) =
            decode_jovian_extra_data(&parent.extra_data).map_err(|e| bad(format!("{e}")))?;
        Ok((Some(params(denominator, elasticity)), Some(min)))
    } else if config.forks.is_active(OpHardfork::Holocene, timestamp) {
        let (elasticity, denominator) =
            decode_holocene_extra_data(&parent.extra_data).map_err(|e| bad(format!("{e}")))?;
        Ok((Some(params(denominator, elasticity)), None))
    } else {
        Ok((None, None))
    }
}

/// Derives block `N` (the child of `parent`) from the batcher `data` read out
/// of the L1 blocks; `openings` are that data's blob openings, `receipts` the
/// receipt lists given for L1 origins.
pub fn derive_block(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    data: &BatcherData,
    openings: Vec<BlobOpening>,
    receipts: &[BlockReceipts],
) -> FaultResult<DerivedBlock> {
    let timestamp = parent.header.timestamp + config.block_time;
    let forks = &config.forks;
    if forks.fork_at(parent.header.timestamp) != forks.fork_at(timestamp) {
        return Err(FaultError::Unsupported(format!(
            "block {} activates {} (upgrade transactions are not derived)",
            parent.header.number + 1,
            forks.fork_at(timestamp)
        )));
    }
    let parent_origin = parent.l1_info.l1_number;
    let parent_origin_hash = chain.hash(parent_origin);
    if parent_origin_hash != Some(parent.l1_info.l1_hash) {
        return Err(FaultError::L1Data(format!(
            "the agreed block's L1 origin {} ({}) is not on the L1 chain given",
            parent_origin, parent.l1_info.l1_hash
        )));
    }
    let derive = DeriveConfig {
        chain_id: config.l2_chain_id,
        l2_genesis_time: config.genesis_l2_time,
        block_time: config.block_time,
    };
    window::check_first_block(data.first_l1_block, parent_origin)?;
    let first_read = data.first_l1_block.unwrap_or_default();
    let full_start = window::full_start(config, parent_origin, timestamp);
    let rules = PipelineConfig::at(derive, forks, timestamp, config.channel_timeout_bedrock).skipping_bad_data();
    let rec = pipeline::run(&data.inputs, &rules)?;
    let batch_queue::Choice { chosen, dropped } = batch_queue::choose(config, chain, parent, &rec, timestamp)?;
    let Some((index, source)) = chosen else {
        window::check_headless(first_read, full_start, &rec.headless, u64::MAX)?;
        return Err(FaultError::Derivation(format!(
            "no valid batch for L2 block {} (timestamp {timestamp}) in the L1 data given; dropped: [{}]",
            parent.header.number + 1,
            dropped.join("; ")
        )));
    };
    let (batch, channel, inclusion_block) =
        (&rec.blocks[index], rec.channels[source.channel_index].id, source.inclusion);
    window::check_headless(first_read, full_start, &rec.headless, inclusion_block)?;
    if rec.headless.iter().any(|h| h.id == channel) {
        return Err(FaultError::Unsupported(format!(
            "the batch for L2 block {} is in channel {}, whose frame 0 came after a later frame",
            parent.header.number + 1,
            pipeline::hex_id(&channel)
        )));
    }
    let epoch = batch.l1_origin_number;
    let origin = chain.require(epoch, "the L1 origin")?;
    let mut system = SystemConfig::of_block(config, &parent.header, &parent.l1_info, timestamp)?;
    let (l1_info, deposits) = if epoch == parent_origin {
        let mut info = parent.l1_info;
        info.sequence_number += 1;
        (info, Vec::new())
    } else {
        let receipts = receipts
            .iter()
            .find(|r| r.number == epoch)
            .ok_or_else(|| FaultError::L1Data(format!("the receipts of new L1 origin {epoch} are not given")))?;
        let receipts = verify_receipts(chain, receipts)?;
        system.update_with_receipts(config, origin, &receipts)?;
        let info = parent.l1_info.with_origin(origin, || config.blob_update_fraction(origin.timestamp))?;
        let hash = chain.hash(epoch).unwrap_or_default();
        (system.l1_info(info)?, user_deposits(&receipts, hash, config.deposit_contract)?)
    };
    let mut transactions = Vec::with_capacity(1 + deposits.len() + batch.transactions.len());
    transactions.push(l1_info.deposit_transaction());
    transactions.extend(deposits);
    transactions.extend(batch.transactions.iter().map(|t| Bytes::copy_from_slice(t)));
    let (eip1559_params, min_base_fee) = system.fee_attributes(config, timestamp);
    let beacon_root: Option<B256> = if forks.is_active(OpHardfork::Ecotone, timestamp) {
        Some(origin.parent_beacon_block_root.ok_or_else(|| {
            FaultError::Unsupported(format!("L1 origin {epoch} has no parent beacon block root (pre-Cancun L1)"))
        })?)
    } else {
        None
    };
    let payload = OpPayload {
        parent_hash: parent.hash,
        timestamp,
        prev_randao: origin.mix_hash,
        fee_recipient: SEQUENCER_FEE_VAULT,
        gas_limit: system.gas_limit,
        transactions,
        parent_beacon_block_root: beacon_root,
        eip1559_params,
        min_base_fee,
    };
    let skipped = rec.skipped.iter().map(|e| format!("{e}")).collect();
    Ok(DerivedBlock { payload, openings, l1_origin: epoch, inclusion_block, dropped, skipped })
}

#[cfg(all(test, feature = "generate"))]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use alloy_primitives::U256;
    use refute_forks::OpForkSchedule;

    use super::*;
    use crate::{
        generate::devnet_config,
        l1_info::{L1Info, L1InfoFormat},
    };

    const ORIGIN_TIME: u64 = 1_000_000;

    /// L1 blocks 100 (the parent's origin), 101 at `next_time` and 102, a config
    /// whose Fjord activates at `fjord` (L2 time), and the parent block at
    /// `parent_time` in epoch 100.
    struct Setup {
        config: RollupConfig,
        chain: L1Chain,
        parent: AgreedBlock,
        /// The headers of `parent.ancestors` (the differential against kona gives some).
        ancestor_headers: Vec<Header>,
    }

    fn setup(fjord: u64, next_time: u64, parent_time: u64, with_next: bool) -> Setup {
        let times: &[u64] = if with_next { &[ORIGIN_TIME, next_time, next_time + 12] } else { &[ORIGIN_TIME] };
        setup_chain(Some(fjord), times, parent_time)
    }

    /// L1 blocks from 100 on at `l1_times` (the first is the parent's origin).
    fn setup_chain(fjord: Option<u64>, l1_times: &[u64], parent_time: u64) -> Setup {
        let mut headers = Vec::new();
        let mut parent_hash = B256::repeat_byte(0x42);
        for (number, timestamp) in (100..).zip(l1_times.iter().copied()) {
            let header = Header { parent_hash, number, timestamp, ..Default::default() };
            parent_hash = header.hash_slow();
            headers.push(header);
        }
        headers.reverse();
        let chain = L1Chain::verify(headers[0].hash_slow(), &headers).unwrap();
        let mut config = devnet_config(OpHardfork::Isthmus, (100, chain.hash(100).unwrap()), B256::ZERO, Address::ZERO);
        // Fjord and the forks after it (a later fork implies the earlier ones).
        config.forks = OpForkSchedule { fjord, granite: fjord, holocene: fjord, isthmus: fjord, ..config.forks };
        let l1_info = L1Info {
            format: L1InfoFormat::Ecotone,
            base_fee_scalar: 0,
            blob_base_fee_scalar: 0,
            sequence_number: 0,
            l1_timestamp: l1_times[0],
            l1_number: 100,
            l1_base_fee: U256::from(1),
            l1_blob_base_fee: U256::from(1),
            l1_hash: chain.hash(100).unwrap(),
            batcher_hash: B256::ZERO,
            operator_fee_scalar: 0,
            operator_fee_constant: 0,
            da_footprint_gas_scalar: 0,
            l1_fee_overhead: U256::ZERO,
            l1_fee_scalar: U256::ZERO,
        };
        let header = Header { number: 7, timestamp: parent_time, ..Default::default() };
        let parent =
            AgreedBlock { hash: header.hash_slow(), header, l1_info, batched: Vec::new(), ancestors: Vec::new() };
        Setup { config, chain, parent, ancestor_headers: Vec::new() }
    }

    fn batch(s: &Setup, epoch: u64, transactions: usize) -> L2Block {
        L2Block { transactions: alloc::vec![alloc::vec![0x02]; transactions], ..batch_for(s, epoch) }
    }

    fn verdict(s: &Setup, candidate: &L2Block) -> FaultResult<Option<String>> {
        drop_reason(&s.config, &s.chain, &s.parent, candidate, false, 101)
    }

    #[test]
    fn the_drift_is_the_one_in_force_at_the_origins_time() {
        // The L2 block is past Fjord, its L1 origin is not: op-node allows the
        // pre-Fjord 600 s, not Fjord's 1800 s.
        let s = setup(ORIGIN_TIME + 500, ORIGIN_TIME + 5000, ORIGIN_TIME + 1000, true);
        let reason = verdict(&s, &batch(&s, 100, 1)).unwrap();
        assert_eq!(reason.as_deref(), Some("past the sequencer drift with transactions"));
        // With Fjord active at the origin's time, the same batch is within the drift.
        let s = setup(ORIGIN_TIME, ORIGIN_TIME + 5000, ORIGIN_TIME + 1000, true);
        assert_eq!(verdict(&s, &batch(&s, 100, 1)).unwrap(), None);
    }

    #[test]
    fn a_set_code_transaction_drops_its_batch_before_isthmus() {
        let mut s = setup(0, ORIGIN_TIME + 12, ORIGIN_TIME, true);
        let mut candidate = batch(&s, 100, 2);
        candidate.transactions[1] = alloc::vec![0x04, 0xc0];
        assert_eq!(verdict(&s, &candidate).unwrap(), None, "Isthmus is active");
        s.config.forks.isthmus = None;
        let reason = verdict(&s, &candidate).unwrap().unwrap();
        assert_eq!(reason, "transaction 1 is an EIP-7702 transaction before Isthmus");
    }

    #[test]
    fn an_empty_or_deposit_transaction_drops_its_batch() {
        let s = setup(0, ORIGIN_TIME + 12, ORIGIN_TIME, true);
        let mut candidate = batch(&s, 100, 3);
        assert_eq!(verdict(&s, &candidate).unwrap(), None);
        candidate.transactions[2] = Vec::new();
        assert_eq!(verdict(&s, &candidate).unwrap().unwrap(), "transaction 2 is empty");
        // A deposit would otherwise reach the executor among the derived deposits, with a sender
        // and mint of the batcher's choosing.
        candidate.transactions[0] = alloc::vec![0x7e, 0xc0];
        assert_eq!(verdict(&s, &candidate).unwrap().unwrap(), "transaction 0 is a deposit");
    }

    #[test]
    fn an_empty_batch_past_the_drift_is_valid_until_the_next_origin_could_be_adopted() {
        // 700 s after its origin (past the 600 s drift), empty, staying in epoch 100.
        let late = ORIGIN_TIME + 700;
        let s = setup(u64::MAX, late + 10, late - 2, true);
        assert_eq!(verdict(&s, &batch(&s, 100, 0)).unwrap(), None, "L1 block 101 is later than the batch");
        let s = setup(u64::MAX, late, late - 2, true);
        let reason = verdict(&s, &batch(&s, 100, 0)).unwrap().unwrap();
        assert!(reason.contains("could be its origin"), "{reason}");
        // Advancing the epoch is always allowed.
        let s = setup(u64::MAX, late - 700 + 1, late - 2, true);
        assert_eq!(verdict(&s, &batch(&s, 101, 0)).unwrap(), None);
        // Without L1 block 101, op-node cannot decide yet: the input is short.
        let s = setup(u64::MAX, late, late - 2, false);
        let e = verdict(&s, &batch(&s, 100, 0)).unwrap_err();
        assert!(matches!(e, FaultError::L1Data(_)), "{e}");
    }

    // ------------------------------------------------------------ against kona

    use kona_genesis::{HardForkConfig, RollupConfig as KonaRollupConfig};
    use kona_protocol::{BatchValidity, BlockInfo, L2BlockInfo, SingleBatch};
    use proptest::prelude::*;

    /// What kona's batch checks are given: the L1 blocks from the parent's
    /// origin to the head (as op-node's batch queue holds them), the agreed
    /// block as the safe head, and the rollup config.
    struct KonaView {
        l1_blocks: Vec<BlockInfo>,
        safe_head: L2BlockInfo,
        config: KonaRollupConfig,
    }

    fn kona_l1_block(s: &Setup, number: u64) -> BlockInfo {
        let h = s.chain.header(number).unwrap();
        BlockInfo::new(h.hash_slow(), number, h.parent_hash, h.timestamp)
    }

    fn kona_view(s: &Setup) -> KonaView {
        let l1_blocks: Vec<BlockInfo> =
            (s.parent.l1_info.l1_number..).map_while(|n| s.chain.header(n).map(|_| kona_l1_block(s, n))).collect();
        let head = &s.parent.header;
        let safe_head = L2BlockInfo::new(
            BlockInfo::new(s.parent.hash, head.number, head.parent_hash, head.timestamp),
            l1_blocks[0].id(),
            s.parent.l1_info.sequence_number,
        );
        let forks = &s.config.forks;
        let hardforks = HardForkConfig {
            delta_time: forks.delta,
            ecotone_time: forks.ecotone,
            fjord_time: forks.fjord,
            granite_time: forks.granite,
            holocene_time: forks.holocene,
            isthmus_time: forks.isthmus,
            ..Default::default()
        };
        let config = KonaRollupConfig {
            block_time: s.config.block_time,
            max_sequencer_drift: s.config.max_sequencer_drift,
            seq_window_size: s.config.seq_window_size,
            hardforks,
            ..Default::default()
        };
        KonaView { l1_blocks, safe_head, config }
    }

    /// kona's verdict on the same singular batch: its `SingleBatch::check_batch`.
    fn kona_verdict(s: &Setup, candidate: &L2Block, inclusion: u64) -> BatchValidity {
        let KonaView { l1_blocks, safe_head, config: cfg } = kona_view(s);
        let batch = SingleBatch {
            parent_hash: B256::from_slice(&candidate.parent_check),
            epoch_num: candidate.l1_origin_number,
            epoch_hash: B256::from_slice(&candidate.l1_origin_check),
            timestamp: candidate.timestamp,
            transactions: candidate.transactions.iter().map(|t| Bytes::copy_from_slice(t)).collect(),
        };
        batch.check_batch(&cfg, &l1_blocks, safe_head, &kona_l1_block(s, inclusion))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

        /// Accept, drop and "cannot decide yet" agree with kona's `check_batch`
        /// on singular batches for the next block: any L1 origin near the
        /// parent's, right or wrong hashes, times around the sequencer drift
        /// and Fjord's activation, empty batches, and empty, deposit and
        /// set-code transactions (the last around Isthmus).
        #[test]
        fn batch_validity_agrees_with_kona(
            gaps in proptest::collection::vec(1u64..900, 0..4),
            parent_offset in 0u64..2500,
            fjord in prop_oneof![Just(None), Just(Some(0)), (0u64..3000).prop_map(|t| Some(ORIGIN_TIME + t))],
            isthmus in any::<bool>(),
            window in 1u64..4,
            epoch in 98u64..104,
            wrong_parent in prop::bool::weighted(0.1),
            wrong_origin_hash in prop::bool::weighted(0.1),
            txs in proptest::collection::vec(
                prop_oneof![Just(alloc::vec![0x02u8, 0xc0]), Just(alloc::vec![0x04, 0xc0]), Just(alloc::vec![0x7e, 0xc0]), Just(Vec::new())],
                0..3,
            ),
            inclusion in any::<prop::sample::Index>(),
        ) {
            let mut times = alloc::vec![ORIGIN_TIME];
            for gap in gaps { times.push(times.last().unwrap() + gap); }
            let mut s = setup_chain(fjord, &times, ORIGIN_TIME + parent_offset);
            s.config.seq_window_size = window;
            if !isthmus { s.config.forks.isthmus = None; }
            let mut candidate = batch_for(&s, epoch);
            if wrong_parent { candidate.parent_check[0] ^= 1; }
            if wrong_origin_hash { candidate.l1_origin_check[0] ^= 1; }
            candidate.transactions = txs;
            let inclusion = 100 + inclusion.index(times.len()) as u64;
            let ours = drop_reason(&s.config, &s.chain, &s.parent, &candidate, false, inclusion);
            let kona = kona_verdict(&s, &candidate, inclusion);
            match (&ours, kona) {
                (Ok(None), BatchValidity::Accept)
                | (Ok(Some(_)), BatchValidity::Drop)
                | (Err(FaultError::L1Data(_)), BatchValidity::Undecided) => {}
                _ => prop_assert!(false, "ours {:?}, kona {:?}", ours, kona),
            }
        }
    }

    /// A singular batch for the next block with origin `epoch` (its hash when the
    /// chain holds it).
    fn batch_for(s: &Setup, epoch: u64) -> L2Block {
        L2Block {
            timestamp: s.parent.header.timestamp + s.config.block_time,
            parent_check: s.parent.hash.to_vec(),
            l1_origin_number: epoch,
            l1_origin_check: s.chain.hash(epoch).unwrap_or(B256::repeat_byte(0xee)).to_vec(),
            transactions: Vec::new(),
        }
    }

    // ------------------------------------------------------------ span batches against kona

    use kona_protocol::{BatchValidationProvider, SpanBatch, SpanBatchElement};

    /// The safe chain as kona's batch checks fetch it: the agreed block and
    /// its ancestors (for the overlap check and a span's parent), by number.
    struct SafeChain {
        blocks: Vec<(L2BlockInfo, op_alloy_consensus_v018::OpBlock)>,
    }

    impl SafeChain {
        fn find(&self, number: u64) -> Result<&(L2BlockInfo, op_alloy_consensus_v018::OpBlock), String> {
            self.blocks.iter().find(|(info, _)| info.block_info.number == number).ok_or(format!("no L2 block {number}"))
        }
    }

    #[async_trait::async_trait]
    impl BatchValidationProvider for SafeChain {
        type Error = String;

        async fn l2_block_info_by_number(&mut self, number: u64) -> Result<L2BlockInfo, String> {
            self.find(number).map(|(info, _)| *info)
        }

        async fn block_by_number(&mut self, number: u64) -> Result<op_alloy_consensus_v018::OpBlock, String> {
            self.find(number).map(|(_, block)| block.clone())
        }
    }

    /// An L2 block as kona fetches it: only its L1-info deposit, naming `l1_info`'s origin.
    fn kona_l2_block(header: &Header, l1_info: &L1Info) -> op_alloy_consensus_v018::OpBlock {
        let deposit = op_alloy_consensus_v018::TxDeposit {
            from: crate::l1_info::L1_INFO_DEPOSITOR,
            input: l1_info.encode().into(),
            ..Default::default()
        };
        op_alloy_consensus_v018::OpBlock {
            header: alloy_consensus_v1::Header {
                number: header.number,
                timestamp: header.timestamp,
                ..Default::default()
            },
            body: alloy_consensus_v1::BlockBody {
                transactions: alloc::vec![op_alloy_consensus_v018::OpTxEnvelope::Deposit(
                    alloy_primitives::Sealed::new(deposit)
                )],
                ommers: Vec::new(),
                withdrawals: None,
            },
        }
    }

    /// Gives the agreed block `count` ancestors linked by parent hash, with no
    /// batched transactions: the first in the agreed block's epoch unless it
    /// opened its epoch, each older one a step back in L1 origin where `steps` says.
    fn add_ancestors(s: &mut Setup, count: usize, steps: &[bool]) {
        let head = s.parent.header.clone();
        let bt = s.config.block_time;
        let origin = s.parent.l1_info.l1_number;
        let mut origins = alloc::vec![if s.parent.l1_info.sequence_number > 0 { origin } else { origin - 1 }];
        for k in 1..count {
            origins.push(origins[k - 1] - u64::from(steps[k % steps.len()]));
        }
        let mut headers: Vec<Header> = (1..=count as u64)
            .map(|k| Header { number: head.number - k, timestamp: head.timestamp - k * bt, ..Default::default() })
            .collect();
        for k in (0..count.saturating_sub(1)).rev() {
            headers[k].parent_hash = headers[k + 1].hash_slow();
        }
        s.parent.ancestors = headers
            .iter()
            .zip(&origins)
            .map(|(h, o)| crate::ancestors::VerifiedAncestor {
                number: h.number,
                hash: h.hash_slow(),
                l1_origin: Some(*o),
                batched: Some(Vec::new()),
            })
            .collect();
        s.ancestor_headers = headers;
        if let Some(first) = s.ancestor_headers.first() {
            s.parent.header.parent_hash = first.hash_slow();
            s.parent.hash = s.parent.header.hash_slow();
        }
    }

    /// Runs a future that never waits (kona's checks over an in-memory chain).
    fn ready<T>(future: impl core::future::Future<Output = T>) -> T {
        let mut future = core::pin::pin!(future);
        let mut context = core::task::Context::from_waker(core::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            core::task::Poll::Ready(value) => value,
            core::task::Poll::Pending => panic!("an in-memory check waited"),
        }
    }

    /// kona's verdict on block `N` out of `span`, as its pipeline reaches it:
    /// `SpanBatch::check_batch` before Holocene (by the inclusion block's
    /// time), `check_batch_prefix` and then the block's `SingleBatch::check_batch` from Holocene on.
    /// `None` where kona's pipeline stops with a critical error (a block after the safe head names
    /// an L1 origin it does not hold), as op-node's does, or may stop there once it decides: no
    /// block is derived there at all.
    fn kona_span_verdict(s: &Setup, span: &[L2Block], inclusion: u64) -> Option<BatchValidity> {
        let KonaView { l1_blocks, safe_head, config: cfg } = kona_view(s);
        // A block after the safe head with an L1 origin before the safe head's: kona (like
        // op-node) either drops the span or accepts it and then halts, finding no such origin
        // among its L1 blocks; it never derives from it. The program drops it.
        let head_time = s.parent.header.timestamp;
        if span.iter().any(|b| b.timestamp > head_time && b.l1_origin_number < s.parent.l1_info.l1_number) {
            return None;
        }
        let head = &s.parent.header;
        let mut blocks = alloc::vec![(safe_head, kona_l2_block(head, &s.parent.l1_info))];
        for (ancestor, header) in s.parent.ancestors.iter().zip(&s.ancestor_headers) {
            let origin = ancestor.l1_origin.unwrap();
            let info = L2BlockInfo::new(
                BlockInfo::new(ancestor.hash, ancestor.number, header.parent_hash, header.timestamp),
                BlockInfo::new(B256::ZERO, origin, B256::ZERO, 0).id(),
                0,
            );
            let l1_info = L1Info { l1_number: origin, ..s.parent.l1_info };
            blocks.push((info, kona_l2_block(header, &l1_info)));
        }
        let mut fetcher = SafeChain { blocks };
        let batch = SpanBatch {
            parent_check: alloy_primitives::FixedBytes::from_slice(&span[0].parent_check),
            l1_origin_check: alloy_primitives::FixedBytes::from_slice(&span[span.len() - 1].l1_origin_check),
            batches: span
                .iter()
                .map(|b| SpanBatchElement {
                    epoch_num: b.l1_origin_number,
                    timestamp: b.timestamp,
                    transactions: b.transactions.iter().map(|t| Bytes::copy_from_slice(t)).collect(),
                })
                .collect(),
            ..Default::default()
        };
        let inclusion = kona_l1_block(s, inclusion);
        if !cfg.is_holocene_active(inclusion.timestamp) {
            return Some(ready(batch.check_batch(&cfg, &l1_blocks, safe_head, &inclusion, &mut fetcher)));
        }
        match ready(batch.check_batch_prefix(&cfg, &l1_blocks, safe_head, &inclusion, &mut fetcher)).0 {
            BatchValidity::Accept => {}
            other => return Some(other),
        }
        let mut next = batch.get_singular_batches(&l1_blocks, safe_head).ok()?.remove(0);
        next.parent_hash = s.parent.hash;
        Some(next.check_batch(&cfg, &l1_blocks, safe_head, &inclusion))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 768, .. ProptestConfig::default() })]

        /// Accept, drop and "cannot decide yet" agree with kona on block `N`
        /// out of a span batch that starts at `N` or up to four blocks before
        /// it (over the agreed block's ancestors), before and after Holocene: right or
        /// wrong parent and L1 origin checks, first L1 origins around the
        /// agreed block's, origins advancing at random, times around the
        /// sequencer drift, misaligned starts, the sequencing window, Delta's
        /// activation, and empty, deposit and set-code transactions in any block.
        #[test]
        fn span_batch_validity_agrees_with_kona(
            gaps in proptest::collection::vec(1u64..900, 0..4),
            parent_offset in 0u64..2500,
            holocene in any::<bool>(),
            delta_late in prop::bool::weighted(0.1),
            window in 1u64..5,
            sequence_number in 0u64..2,
            overlap in 0u64..5,
            ancestor_steps in proptest::collection::vec(prop::bool::weighted(0.3), 1..4),
            misaligned in prop::bool::weighted(0.05),
            start_epoch in 99u64..103,
            advances in proptest::collection::vec(prop::bool::weighted(0.3), 1..5),
            wrong_parent in prop::bool::weighted(0.1),
            wrong_origin_hash in prop::bool::weighted(0.1),
            overlapped_differs in prop::bool::weighted(0.1),
            txs in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        8 => Just(alloc::vec![0x02u8, 0xc0]),
                        1 => Just(alloc::vec![0x04, 0xc0]),
                        1 => Just(alloc::vec![0x7e, 0xc0]),
                        1 => Just(Vec::new()),
                    ],
                    0..3,
                ),
                5,
            ),
            inclusion in any::<prop::sample::Index>(),
        ) {
            let mut times = alloc::vec![ORIGIN_TIME];
            for gap in gaps { times.push(times.last().unwrap() + gap); }
            let mut s = setup_chain(Some(0), &times, ORIGIN_TIME + parent_offset);
            s.config.seq_window_size = window;
            // Delta and the forks after it (a later fork implies the earlier ones).
            let delta = if delta_late { ORIGIN_TIME + 400 } else { 0 };
            let forks = &mut s.config.forks;
            for fork in [&mut forks.delta, &mut forks.ecotone, &mut forks.fjord, &mut forks.granite] { *fork = Some(delta); }
            let holocene = holocene.then_some(delta);
            (forks.holocene, forks.isthmus) = (holocene, holocene);
            s.parent.l1_info.sequence_number = sequence_number;
            add_ancestors(&mut s, 4, &ancestor_steps);
            let bt = s.config.block_time;
            let first_time = s.parent.header.timestamp + bt - overlap * bt + u64::from(misaligned);
            let count = advances.len().max(overlap as usize + 1);
            let mut epoch = start_epoch;
            let mut span = Vec::with_capacity(count);
            for i in 0..count {
                if i > 0 && advances[i % advances.len()] { epoch += 1; }
                let overlapped = (i as u64) < overlap;
                span.push(L2Block {
                    timestamp: first_time + i as u64 * bt,
                    parent_check: Vec::new(),
                    l1_origin_number: epoch,
                    l1_origin_check: Vec::new(),
                    transactions: if overlapped && !overlapped_differs { Vec::new() } else { txs[i].clone() },
                });
            }
            let span_parent = match overlap {
                0 => s.parent.hash,
                k => s.parent.ancestors[k as usize - 1].hash,
            };
            span[0].parent_check = span_parent[..20].to_vec();
            if wrong_parent { span[0].parent_check[0] ^= 1; }
            let end = span[count - 1].l1_origin_number;
            span[count - 1].l1_origin_check = s.chain.hash(end).unwrap_or(B256::repeat_byte(0xee))[..20].to_vec();
            if wrong_origin_hash { span[count - 1].l1_origin_check[0] ^= 1; }
            let inclusion = 100 + inclusion.index(times.len()) as u64;
            // Block N is the one with the next timestamp; a misaligned span has none, and
            // the program never asks about it (it only judges spans holding N's timestamp).
            let next = s.parent.header.timestamp + bt;
            let Some(n) = span.iter().position(|b| b.timestamp == next) else { return Ok(()) };
            let holocene = batch_queue::holocene_batch_rules(&s.config, &s.chain, inclusion).unwrap();
            let ours = crate::span::drop_reason(&s.config, &s.chain, &s.parent, &span, inclusion, holocene).and_then(|r| match r {
                Some(reason) => Ok(Some(reason)),
                None => drop_reason(&s.config, &s.chain, &s.parent, &span[n], true, inclusion),
            });
            let Some(kona) = kona_span_verdict(&s, &span, inclusion) else { return Ok(()) };
            match (&ours, kona) {
                (Ok(None), BatchValidity::Accept)
                | (Ok(Some(_)), BatchValidity::Drop)
                | (Err(FaultError::L1Data(_)), BatchValidity::Undecided) => {}
                _ => prop_assert!(false, "ours {:?}, kona {:?}", ours, kona),
            }
        }
    }
}

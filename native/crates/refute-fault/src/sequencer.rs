//! The devnet's sequencer and batcher: OP Stack blocks built from payload
//! attributes with the shared executor, and their batches encoded for L1.
//!
//! `refute devnet` runs its L2 through these functions, so the chain a watcher
//! disputes is built by exactly the rules the fault program checks: the
//! L1-info deposit and user deposits come from the same encoders derivation
//! uses ([`L1Info`], [`user_deposits`]), the fee parameters from the parent's
//! `extraData` as derivation reads them, and execution is
//! [`refute_stf::op::execute_payload`]. Every function is pure (state in, state
//! out), so the Python devnet keeps the chain and a faulty node is the same
//! call on a corrupted state or configuration.

use alloc::{format, vec::Vec};

use alloy_consensus::{Header, ReceiptEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::{eip2718::Decodable2718, eip7685::EMPTY_REQUESTS_HASH};
use alloy_primitives::{keccak256, Address, Bytes, B256, B64, U256};
use alloy_trie::EMPTY_ROOT_HASH;
use refute_da::{
    batch::{encode_batch, Batch, RawSpanBatch, SingularBatch, SpanBatchTxs, MAX_SPAN_BATCH_ELEMENTS},
    derive::span_txs_from_signed,
    frame::{encode_frames, Frame},
};
use refute_forks::{OpForkSchedule, OpHardfork};
use refute_stf::{
    mpt::NodeStore,
    op::{execute_payload, OpPayload},
    prestate::{apply_changes, FullState},
    Witness,
};

use crate::{
    agreed::message_passer_root,
    config::{BlobFeeStep, RollupConfig, CONFIG_VERSION},
    deposits::user_deposits,
    derivation::SEQUENCER_FEE_VAULT,
    error::{FaultError, FaultResult},
    input::OutputPreimage,
    l1_info::{parse_deposit, L1Info, L1InfoFormat},
    system_config::SystemConfig,
};

/// The most ancestors a block needs (`BLOCKHASH` reaches 256 back).
pub const MAX_ANCESTORS: usize = 256;
/// Blobs one batcher transaction may carry (Ethereum's per-transaction limit since Osaka).
pub const MAX_BLOBS_PER_TRANSACTION: usize = 6;
/// EIP-7691 (Prague) blob base fee update fraction.
const PRAGUE_BLOB_UPDATE_FRACTION: u64 = 5_007_716;

fn seq_err(what: impl core::fmt::Display) -> FaultError {
    FaultError::Sequencer(format!("{what}"))
}

/// What a devnet chain is: its identities, its addresses on L1 and its fees.
#[derive(Debug, Clone)]
pub struct ChainParams {
    /// Every fork through this one is active from genesis.
    pub fork: OpHardfork,
    pub l1_chain_id: u64,
    pub l2_chain_id: u64,
    /// The L1 block the chain starts from (the first block's L1 origin).
    pub l1_genesis: Header,
    /// L2 genesis time; the first block is `block_time` later.
    pub genesis_time: u64,
    pub block_time: u64,
    pub gas_limit: u64,
    pub batcher: Address,
    pub batch_inbox: Address,
    pub deposit_contract: Address,
    pub system_config: Address,
    /// The system config's L1 fee scalars, carried by every L1-info deposit.
    pub base_fee_scalar: u32,
    pub blob_base_fee_scalar: u32,
}

/// The chain's configuration and its genesis block.
#[derive(Debug, Clone)]
pub struct Genesis {
    pub config: RollupConfig,
    pub header: Header,
    pub output: OutputPreimage,
}

/// One block for the sequencer to build on `ancestors` (the last is the parent).
#[derive(Debug, Clone)]
pub struct BlockRequest {
    pub config: RollupConfig,
    /// The parent's post-state.
    pub pre_state: FullState,
    /// Up to [`MAX_ANCESTORS`] consecutive headers ending with the parent.
    pub ancestors: Vec<Header>,
    /// The parent's transactions (its L1-info deposit first; empty for genesis).
    pub parent_transactions: Vec<Bytes>,
    /// The L1 origin: the parent's, or the L1 block after it (a new epoch).
    pub origin: Header,
    /// The origin's receipts (EIP-2718), read for deposits when the epoch is new.
    pub origin_receipts: Vec<Bytes>,
    /// The batched (user) transactions, EIP-2718 encoded.
    pub transactions: Vec<Bytes>,
}

/// A built block, its post-state and what a fault proof of it needs.
#[derive(Debug, Clone)]
pub struct BuiltBlock {
    pub header: Header,
    /// Every transaction: L1-info deposit, user deposits, then the batched ones.
    pub transactions: Vec<Bytes>,
    pub post_state: FullState,
    pub output: OutputPreimage,
    pub output_root: B256,
    pub l1_origin: u64,
    pub sequence_number: u64,
    /// The execution witness of this block (`debug_executionWitness`).
    pub witness: Witness,
    /// The batch derivation must find for this block.
    pub batch: SingularBatch,
}

/// The rollup configuration of a chain with these parameters and this L2 genesis hash.
pub fn rollup_config(params: &ChainParams, genesis_l2_hash: B256) -> RollupConfig {
    RollupConfig {
        version: CONFIG_VERSION,
        l2_chain_id: params.l2_chain_id,
        l1_chain_id: params.l1_chain_id,
        genesis_l1_hash: params.l1_genesis.hash_slow(),
        genesis_l1_number: params.l1_genesis.number,
        genesis_l2_hash,
        genesis_l2_number: 0,
        genesis_l2_time: params.genesis_time,
        block_time: params.block_time,
        max_sequencer_drift: 600,
        seq_window_size: 3600,
        channel_timeout_bedrock: 300,
        batch_inbox: params.batch_inbox,
        batcher: params.batcher,
        deposit_contract: params.deposit_contract,
        system_config: params.system_config,
        forks: OpForkSchedule::active_through(params.fork),
        eip1559_elasticity: 6,
        eip1559_denominator: 50,
        eip1559_denominator_canyon: 250,
        l1_blob_schedule: alloc::vec![BlobFeeStep { time: 0, update_fraction: PRAGUE_BLOB_UPDATE_FRACTION }],
    }
}

/// The genesis block of `alloc` (which must hold the message passer predeploy,
/// so the output root has its storage root).
pub fn genesis(params: &ChainParams, alloc: &FullState) -> FaultResult<Genesis> {
    if params.block_time == 0 {
        return Err(seq_err("block_time must be positive"));
    }
    let (state_root, nodes, _codes) = alloc.build_tries();
    let store = NodeStore::from_nodes(nodes);
    let passer_root = message_passer_root(&store, state_root)?;
    let forks = OpForkSchedule::active_through(params.fork);
    // Holocene's extraData: version 0, denominator (Canyon), elasticity; Jovian adds the minimum base fee.
    let mut extra = Vec::new();
    if forks.is_active(OpHardfork::Jovian, params.genesis_time) {
        extra.push(1u8);
        extra.extend_from_slice(&250u32.to_be_bytes());
        extra.extend_from_slice(&6u32.to_be_bytes());
        extra.extend_from_slice(&0u64.to_be_bytes());
    } else if forks.is_active(OpHardfork::Holocene, params.genesis_time) {
        extra.push(0u8);
        extra.extend_from_slice(&250u32.to_be_bytes());
        extra.extend_from_slice(&6u32.to_be_bytes());
    }
    let isthmus = forks.is_active(OpHardfork::Isthmus, params.genesis_time);
    let header = Header {
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root,
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        number: 0,
        gas_limit: params.gas_limit,
        timestamp: params.genesis_time,
        extra_data: Bytes::from(extra),
        base_fee_per_gas: Some(1_000_000_000),
        withdrawals_root: Some(if isthmus { passer_root } else { EMPTY_ROOT_HASH }),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(0),
        parent_beacon_block_root: Some(B256::ZERO),
        requests_hash: isthmus.then_some(EMPTY_REQUESTS_HASH),
        nonce: B64::ZERO,
        ..Default::default()
    };
    let output =
        OutputPreimage { state_root, message_passer_storage_root: passer_root, block_hash: header.hash_slow() };
    Ok(Genesis { config: rollup_config(params, output.block_hash), header, output })
}

/// The L1-info fields block `N` inherits: from the parent's L1-info deposit, or
/// for the first block from the system config at genesis.
fn parent_l1_info(config: &RollupConfig, request: &BlockRequest, parent: &Header) -> FaultResult<L1Info> {
    let format = L1InfoFormat::for_fork(config.forks.fork_at(parent.timestamp + config.block_time))?;
    if let Some(first) = request.parent_transactions.first() {
        let mut info = parse_deposit(format, first)?;
        info.format = format;
        return Ok(info);
    }
    if parent.number != 0 {
        return Err(seq_err(format!("the transactions of parent block {} are not given", parent.number)));
    }
    Err(seq_err("a genesis parent needs an L1-info template: use `first_block_info`"))
}

/// The L1-info template of the first block: the system config's scalars and batcher, no origin yet.
pub fn first_block_info(params: &ChainParams) -> FaultResult<L1Info> {
    let format = L1InfoFormat::for_fork(params.fork)?;
    Ok(L1Info {
        format,
        base_fee_scalar: params.base_fee_scalar,
        blob_base_fee_scalar: params.blob_base_fee_scalar,
        sequence_number: 0,
        l1_timestamp: 0,
        l1_number: 0,
        l1_base_fee: U256::ZERO,
        l1_blob_base_fee: U256::ZERO,
        l1_hash: B256::ZERO,
        batcher_hash: params.batcher.into_word(),
        operator_fee_scalar: 0,
        operator_fee_constant: 0,
        da_footprint_gas_scalar: if format == L1InfoFormat::Jovian { 400 } else { 0 },
        l1_fee_overhead: U256::ZERO,
        l1_fee_scalar: U256::ZERO,
    })
}

/// Builds the next block. `first_info` is the L1-info template for the first
/// block after genesis ([`first_block_info`]); later blocks read the parent's.
pub fn build_block(request: &BlockRequest, first_info: Option<&L1Info>) -> FaultResult<BuiltBlock> {
    let config = &request.config;
    let parent = request.ancestors.last().ok_or_else(|| seq_err("no parent header"))?;
    if request.ancestors.len() > MAX_ANCESTORS {
        return Err(seq_err(format!("{} ancestors (at most {MAX_ANCESTORS})", request.ancestors.len())));
    }
    let timestamp = parent.timestamp + config.block_time;
    let info = match (request.parent_transactions.is_empty(), first_info) {
        (true, Some(template)) if parent.number == 0 => *template,
        _ => parent_l1_info(config, request, parent)?,
    };
    let origin = &request.origin;
    let origin_hash = origin.hash_slow();
    if origin.timestamp > timestamp {
        return Err(seq_err(format!(
            "L1 origin {} (time {}) is after block {} (time {timestamp})",
            origin.number,
            origin.timestamp,
            parent.number + 1
        )));
    }
    let new_epoch = parent.number == 0 || origin_hash != info.l1_hash;
    let mut system = SystemConfig::of_block(config, parent, &info, timestamp)?;
    let (l1_info, deposits) = if new_epoch {
        if parent.number != 0 && (origin.number != info.l1_number + 1 || origin.parent_hash != info.l1_hash) {
            return Err(seq_err(format!(
                "L1 origin {} is neither the parent's origin {} nor its child",
                origin.number, info.l1_number
            )));
        }
        let receipts: Vec<ReceiptEnvelope> = request
            .origin_receipts
            .iter()
            .enumerate()
            .map(|(i, r)| {
                ReceiptEnvelope::decode_2718(&mut r.as_ref()).map_err(|e| seq_err(format!("receipt {i}: {e}")))
            })
            .collect::<FaultResult<_>>()?;
        system.update_with_receipts(config, origin, &receipts)?;
        let info = info.with_origin(origin, || config.blob_update_fraction(origin.timestamp))?;
        (system.l1_info(info)?, user_deposits(&receipts, origin_hash, config.deposit_contract)?)
    } else {
        let mut info = info;
        info.sequence_number += 1;
        (info, Vec::new())
    };
    let mut transactions = Vec::with_capacity(1 + deposits.len() + request.transactions.len());
    transactions.push(l1_info.deposit_transaction());
    transactions.extend(deposits);
    transactions.extend(request.transactions.iter().cloned());
    let (eip1559_params, min_base_fee) = system.fee_attributes(config, timestamp);
    let payload = OpPayload {
        parent_hash: parent.hash_slow(),
        timestamp,
        prev_randao: origin.mix_hash,
        fee_recipient: SEQUENCER_FEE_VAULT,
        gas_limit: system.gas_limit,
        transactions: transactions.clone(),
        parent_beacon_block_root: origin.parent_beacon_block_root,
        eip1559_params,
        min_base_fee,
    };
    let (state_root, nodes, codes) = request.pre_state.build_tries();
    if state_root != parent.state_root {
        return Err(seq_err(format!("pre-state root {state_root} is not the parent's {}", parent.state_root)));
    }
    let store = NodeStore::from_nodes(nodes);
    let run = execute_payload(&config.chain_spec(), &payload, &request.ancestors, &store, &codes)?;
    let outcome = run.outcome;
    let output = OutputPreimage {
        state_root: outcome.state_root,
        message_passer_storage_root: outcome
            .message_passer_storage_root
            .ok_or_else(|| seq_err("the state has no message passer"))?,
        block_hash: outcome.block_hash,
    };
    let output_root = outcome.output_root.ok_or_else(|| seq_err("no output root"))?;
    let witness = Witness {
        headers: request.ancestors.clone(),
        codes: codes.iter().filter(|c| run.used_codes.contains(&keccak256(c))).cloned().collect(),
        state: store.used_nodes(),
        keys: Vec::new(),
    };
    let batch = SingularBatch {
        parent_hash: payload.parent_hash,
        epoch_num: origin.number,
        epoch_hash: origin_hash,
        timestamp,
        transactions: request.transactions.clone(),
    };
    Ok(BuiltBlock {
        header: outcome.header,
        transactions,
        post_state: apply_changes(&request.pre_state, &run.changes),
        output,
        output_root,
        l1_origin: origin.number,
        sequence_number: l1_info.sequence_number,
        witness,
        batch,
    })
}

/// How the batcher encodes a channel's blocks.
#[derive(Debug, Clone, Copy)]
pub enum BatchEncoding<'a> {
    /// One singular (v0) batch per block, the only form before Delta.
    Singular,
    /// One span batch (Delta) of all the blocks, for the chain of `config`
    /// (see [`span_batch`]); op-batcher posts this form since Delta.
    Span { config: &'a RollupConfig, first_opens_epoch: bool },
}

/// The span batch (Delta, spec "Span batch format") of consecutive blocks,
/// given as the singular batches [`build_block`] returns, as op-batcher builds it.
///
/// `config` gives the L2 genesis time (timestamps are relative to it), the block
/// time (the blocks must be exactly one apart) and the chain id (signatures are
/// stored without it, so every transaction must carry it or, legacy only, none).
/// `first_opens_epoch` is the first block's origin bit: op-batcher sets it when
/// that block's sequence number is 0; derivation ignores it (the first block's
/// origin comes from the last block's and the later bits), so the batch decodes
/// to the same blocks either way.
///
/// The blocks' L1 origins must stay or advance by one L1 block at a time (the
/// origin bits can say nothing else), and every transaction must be a signed
/// legacy, EIP-2930, EIP-1559 or EIP-7702 one: deposits are derived from L1,
/// never batched.
pub fn span_batch(
    batches: &[SingularBatch],
    config: &RollupConfig,
    first_opens_epoch: bool,
) -> FaultResult<RawSpanBatch> {
    let (Some(first), Some(last)) = (batches.first(), batches.last()) else {
        return Err(seq_err("no batches for a span batch"));
    };
    if !config.forks.is_delta_active(first.timestamp) {
        return Err(seq_err(format!("span batches need Delta, which is not active at time {}", first.timestamp)));
    }
    if config.block_time == 0 {
        return Err(seq_err("block_time must be positive"));
    }
    let rel_timestamp = first.timestamp.checked_sub(config.genesis_l2_time).ok_or_else(|| {
        seq_err(format!(
            "the first block's timestamp {} is before L2 genesis ({})",
            first.timestamp, config.genesis_l2_time
        ))
    })?;
    if batches.len() as u64 > MAX_SPAN_BATCH_ELEMENTS {
        return Err(seq_err(format!(
            "{} blocks (a span batch holds at most {MAX_SPAN_BATCH_ELEMENTS})",
            batches.len()
        )));
    }
    let mut origin_bits = Vec::with_capacity(batches.len());
    let mut block_tx_counts = Vec::with_capacity(batches.len());
    let mut txs = SpanBatchTxs::default();
    for (i, batch) in batches.iter().enumerate() {
        if let Some(prev) = i.checked_sub(1).map(|p| &batches[p]) {
            if prev.timestamp.checked_add(config.block_time) != Some(batch.timestamp) {
                return Err(seq_err(format!(
                    "batch {i} (time {}) does not follow batch {} (time {}) by the block time {}",
                    batch.timestamp,
                    i - 1,
                    prev.timestamp,
                    config.block_time
                )));
            }
            let same = batch.epoch_num == prev.epoch_num;
            if same && batch.epoch_hash != prev.epoch_hash {
                return Err(seq_err(format!(
                    "batch {i} has L1 origin {} with another hash than batch {}'s",
                    batch.epoch_num,
                    i - 1
                )));
            }
            if !same && prev.epoch_num.checked_add(1) != Some(batch.epoch_num) {
                return Err(seq_err(format!(
                    "batch {i}'s L1 origin {} is neither batch {}'s origin {} nor the next",
                    batch.epoch_num,
                    i - 1,
                    prev.epoch_num
                )));
            }
            origin_bits.push(!same);
        } else {
            origin_bits.push(first_opens_epoch);
        }
        if let Some((t, _)) = batch.transactions.iter().enumerate().find(|(_, tx)| tx.first() == Some(&0x7e)) {
            return Err(seq_err(format!(
                "batch {i} transaction {t} is a deposit (deposits are derived from L1, never batched)"
            )));
        }
        let raw: Vec<Vec<u8>> = batch.transactions.iter().map(|t| t.to_vec()).collect();
        let columns = span_txs_from_signed(&raw, config.l2_chain_id).map_err(|e| seq_err(format!("batch {i}: {e}")))?;
        append_columns(&mut txs, columns);
        block_tx_counts.push(batch.transactions.len() as u64);
    }
    if txs.datas.len() as u64 > MAX_SPAN_BATCH_ELEMENTS {
        return Err(seq_err(format!(
            "{} transactions (a span batch holds at most {MAX_SPAN_BATCH_ELEMENTS})",
            txs.datas.len()
        )));
    }
    Ok(RawSpanBatch {
        rel_timestamp,
        l1_origin_num: last.epoch_num,
        parent_check: prefix20(&first.parent_hash),
        l1_origin_check: prefix20(&last.epoch_hash),
        origin_bits,
        block_tx_counts,
        txs,
    })
}

fn prefix20(hash: &B256) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash[..20]);
    out
}

/// Appends one block's transaction columns to the span batch's.
fn append_columns(all: &mut SpanBatchTxs, block: SpanBatchTxs) {
    all.contract_creation_bits.extend(block.contract_creation_bits);
    all.y_parity_bits.extend(block.y_parity_bits);
    all.sigs.extend(block.sigs);
    all.tos.extend(block.tos);
    all.datas.extend(block.datas);
    all.data_offsets.extend(block.data_offsets);
    all.tx_types.extend(block.tx_types);
    all.nonces.extend(block.nonces);
    all.gases.extend(block.gases);
    all.protected_bits.extend(block.protected_bits);
}

/// The blobs carrying `batches` (consecutive blocks) as one zlib channel, split
/// into as many frames as it needs, one frame per blob (all for one batcher
/// transaction). The channel holds one singular batch per block or one span
/// batch of them all, as `encoding` says.
pub fn batch_blobs(
    batches: &[SingularBatch],
    channel_id: [u8; 16],
    encoding: BatchEncoding<'_>,
) -> FaultResult<Vec<Vec<u8>>> {
    if batches.is_empty() {
        return Err(seq_err("no batches to post"));
    }
    let channel = match encoding {
        BatchEncoding::Singular => {
            let mut channel = Vec::new();
            for batch in batches {
                channel.extend_from_slice(&encode_batch(&Batch::Singular(batch.clone())));
            }
            channel
        }
        BatchEncoding::Span { config, first_opens_epoch } => {
            encode_batch(&Batch::Span(span_batch(batches, config, first_opens_epoch)?))
        }
    };
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&channel, 9);
    // Each blob holds the derivation version byte and one frame.
    let per_frame = refute_da::blob::MAX_BLOB_DATA_SIZE - 1 - refute_da::frame::FRAME_OVERHEAD;
    let chunks: Vec<&[u8]> = compressed.chunks(per_frame).collect();
    if chunks.len() > MAX_BLOBS_PER_TRANSACTION {
        return Err(seq_err(format!(
            "{} batches need {} blobs; one batcher transaction carries at most {MAX_BLOBS_PER_TRANSACTION}",
            batches.len(),
            chunks.len()
        )));
    }
    let last = chunks.len().saturating_sub(1);
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let number = u16::try_from(i).map_err(seq_err)?;
            let frame = Frame { channel_id, number, data: chunk.to_vec(), is_last: i == last };
            refute_da::blob::encode(&encode_frames(&[frame])).map_err(|e| seq_err(format!("blob encoding: {e}")))
        })
        .collect()
}

/// `(commitment, versioned hash)` of a blob under the Ethereum KZG trusted setup.
pub fn blob_commitment(blob: &[u8]) -> FaultResult<(Vec<u8>, B256)> {
    let settings = c_kzg::ethereum_kzg_settings(0);
    let blob = c_kzg::Blob::from_bytes(blob).map_err(|e| seq_err(format!("blob: {e}")))?;
    let commitment = settings.blob_to_kzg_commitment(&blob).map_err(|e| seq_err(format!("commitment: {e}")))?;
    let bytes = commitment.to_bytes().into_inner().to_vec();
    let mut hash = B256::from(crate::sha256::sha256(&[&bytes]));
    hash[0] = 0x01;
    Ok((bytes, hash))
}

//! Stateless execution of an OP Stack block with op-reth's executor
//! (`alloy-op-evm`'s `OpBlockExecutor` over `op-revm`).
//!
//! One function per phase, in the order the block is built:
//! 1. [`bind_parent`]: the witness headers chain to the payload's parent;
//!    the payload is checked against it;
//! 2. [`recover_senders`]: deposits carry their sender, others are signed;
//! 3. [`evm_env`]: base fee and the fork's spec id from the parent;
//! 4. [`run_transactions`]: pre-block system calls (EIP-4788, EIP-2935, the
//!    Canyon create2 deployer), every transaction (deposits, L1 data fee,
//!    operator fee, Jovian DA footprint — all op-revm's and alloy-op-evm's rules);
//! 5. [`assemble_header`]: the roots and the fork's header fields; block hash
//!    and output root come from this header, never from a claimed one.

use alloc::{format, string::ToString, vec::Vec};

use alloy_consensus::{
    proofs::{calculate_receipt_root, calculate_transaction_root},
    transaction::Recovered,
    Header, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::{eip7685::EMPTY_REQUESTS_HASH, Typed2718};
use alloy_evm::{
    block::{BlockExecutionError, BlockExecutor, BlockExecutorFactory, InternalBlockExecutionError},
    eth::NextEvmEnvAttributes,
    EvmEnv, EvmFactory,
};
use alloy_op_evm::block::OpAlloyReceiptBuilder;
use alloy_op_evm::{evm_env_for_op_next_block, OpBlockExecutionCtx, OpBlockExecutorFactory, OpEvmFactory};
use alloy_op_hardforks::OpHardfork;
use alloy_primitives::{keccak256, Address, Bloom, B256, U256};
use alloy_trie::EMPTY_ROOT_HASH;
use op_alloy_consensus::{OpReceiptEnvelope, OpTxEnvelope};
use op_revm::{OpSpecId, OpTransactionError};
use revm::context_interface::result::EVMError;

use crate::{
    chain::{Fork, MESSAGE_PASSER},
    db::WitnessDb,
    error::StfError,
    execute::{BlockOutcome, CollisionCheck, Execution, TxOutcome},
    mpt::NodeStore,
    op::{header, payload::OpPayload, spec::OpChainSpec},
    sender::recover_address,
    witness::ancestors,
};

/// The L2 fork, and the Ethereum rules it includes (for reports).
pub fn forks_at(spec: &OpChainSpec, timestamp: u64) -> (OpHardfork, Fork) {
    let op = spec.fork_at(timestamp);
    let eth = if spec.is_active(OpHardfork::Isthmus, timestamp) {
        Fork::Prague
    } else if spec.is_active(OpHardfork::Ecotone, timestamp) {
        Fork::Cancun
    } else if spec.is_active(OpHardfork::Canyon, timestamp) {
        Fork::Shanghai
    } else {
        Fork::Paris
    };
    (op, eth)
}

/// Phase 1: the parent header and the ancestor hashes BLOCKHASH may read.
pub fn bind_parent(
    spec: &OpChainSpec,
    payload: &OpPayload,
    headers: &[Header],
) -> Result<(Header, alloc::collections::BTreeMap<u64, B256>), StfError> {
    let (parent, hashes) = ancestors(headers, payload.parent_hash)?;
    header::check_payload(spec, &parent, payload)?;
    Ok((parent, hashes))
}

/// Phase 2: each transaction with its sender (deposits name theirs; the others
/// are recovered with EIP-2's low-s rule).
pub fn recover_senders(txs: Vec<OpTxEnvelope>) -> Result<Vec<Recovered<OpTxEnvelope>>, StfError> {
    txs.into_iter()
        .enumerate()
        .map(|(index, tx)| {
            let bad = |reason: &str| StfError::InvalidTransaction { index, reason: format!("bad signature: {reason}") };
            let sender = match &tx {
                OpTxEnvelope::Deposit(d) => d.from,
                OpTxEnvelope::Legacy(t) => recover(t.signature_hash(), t.signature()).map_err(bad)?,
                OpTxEnvelope::Eip2930(t) => recover(t.signature_hash(), t.signature()).map_err(bad)?,
                OpTxEnvelope::Eip1559(t) => recover(t.signature_hash(), t.signature()).map_err(bad)?,
                OpTxEnvelope::Eip7702(t) => recover(t.signature_hash(), t.signature()).map_err(bad)?,
                OpTxEnvelope::PostExec(_) => {
                    return Err(StfError::InvalidTransaction {
                        index,
                        reason: "post-exec transactions (type 0x7d) are not valid in any fork refute executes".into(),
                    })
                }
            };
            Ok(Recovered::new_unchecked(tx, sender))
        })
        .collect()
}

fn recover(hash: B256, sig: &alloy_primitives::Signature) -> Result<Address, &'static str> {
    recover_address(hash, sig.r(), sig.s(), sig.v())
}

/// Deposits come first, then the rest (OP Stack derivation order), and the
/// first transaction is the L1-info deposit.
fn check_order(txs: &[Recovered<OpTxEnvelope>]) -> Result<(), StfError> {
    match txs.first() {
        Some(first) if first.inner().is_deposit() => {}
        _ => {
            return Err(StfError::InvalidTransaction {
                index: 0,
                reason: "the first transaction must be the L1-info deposit".into(),
            })
        }
    }
    let mut seen_user_tx = false;
    for (index, tx) in txs.iter().enumerate() {
        if tx.inner().is_deposit() {
            if seen_user_tx {
                return Err(StfError::InvalidTransaction {
                    index,
                    reason: "deposit after a non-deposit transaction".into(),
                });
            }
        } else {
            seen_user_tx = true;
        }
    }
    Ok(())
}

/// Phase 3: the EVM environment of the new block.
pub fn evm_env(spec: &OpChainSpec, parent: &Header, payload: &OpPayload) -> Result<EvmEnv<OpSpecId>, StfError> {
    let base_fee = header::next_base_fee(spec, parent, payload.timestamp)?;
    let attributes = NextEvmEnvAttributes {
        timestamp: payload.timestamp,
        suggested_fee_recipient: payload.fee_recipient,
        prev_randao: payload.prev_randao,
        gas_limit: payload.gas_limit,
        slot_number: None,
    };
    Ok(evm_env_for_op_next_block(parent, attributes, base_fee, spec.hardforks(), spec.chain_id))
}

/// What running the transactions yields.
#[derive(Debug)]
pub struct Transactions {
    pub receipts: Vec<OpReceiptEnvelope>,
    pub outcomes: Vec<TxOutcome>,
    pub gas_used: u64,
    /// Jovian's DA footprint (the header's `blobGasUsed`); 0 before Jovian.
    pub da_footprint: u64,
}

/// A database error met inside the executor (a missing witness node, say) is
/// the real cause: it is reported as itself, not as an invalid transaction.
fn block_error(index: Option<usize>, e: BlockExecutionError) -> StfError {
    let inner: Option<&(dyn core::error::Error + 'static)> = match &e {
        BlockExecutionError::Internal(InternalBlockExecutionError::EVM { error, .. }) => Some(error.as_ref()),
        BlockExecutionError::Internal(InternalBlockExecutionError::Other(error)) => Some(error.as_ref()),
        _ => None,
    };
    if let Some(inner) = inner {
        if let Some(EVMError::Database(db)) = inner.downcast_ref::<EVMError<StfError, OpTransactionError>>() {
            return db.clone();
        }
        if let Some(db) = inner.downcast_ref::<StfError>() {
            return db.clone();
        }
    }
    match index {
        Some(index) => StfError::InvalidTransaction { index, reason: e.to_string() },
        None => StfError::InvalidHeader(format!("pre-block system call: {e}")),
    }
}

/// Phase 4: pre-block system calls and every transaction, committed to `db`.
pub fn run_transactions(
    spec: &OpChainSpec,
    env: EvmEnv<OpSpecId>,
    payload: &OpPayload,
    txs: &[Recovered<OpTxEnvelope>],
    db: &mut WitnessDb<'_>,
) -> Result<Transactions, StfError> {
    let factory = OpBlockExecutorFactory::new(
        OpAlloyReceiptBuilder::default(),
        spec.hardforks(),
        OpEvmFactory::<alloy_op_evm::OpTx>::default(),
    );
    let ctx = OpBlockExecutionCtx {
        parent_hash: payload.parent_hash,
        parent_beacon_block_root: payload.parent_beacon_block_root,
        extra_data: Default::default(),
    };
    let evm = factory.evm_factory().create_evm_with_inspector(&mut *db, env, CollisionCheck);
    let mut executor = factory.create_executor(evm, ctx);
    if let Err(e) = executor.apply_pre_execution_changes() {
        alloy_evm::Evm::db_mut(executor.evm_mut()).check()?;
        return Err(block_error(None, e));
    }
    let mut outcomes = Vec::with_capacity(txs.len());
    let mut previous = 0u64;
    for (index, tx) in txs.iter().enumerate() {
        if let Err(e) = execute_transaction(&mut executor, tx) {
            alloy_evm::Evm::db_mut(executor.evm_mut()).check()?;
            return Err(block_error(Some(index), e));
        }
        alloy_evm::Evm::db_mut(executor.evm_mut()).check()?;
        let receipt = executor.receipts().last().expect("one receipt per executed transaction");
        let cumulative = receipt.cumulative_gas_used();
        outcomes.push(TxOutcome {
            hash: tx.inner().tx_hash(),
            tx_type: tx.inner().ty(),
            sender: tx.signer(),
            success: receipt.status(),
            gas_used: cumulative - previous,
            cumulative_gas_used: cumulative,
            logs: receipt.logs().len(),
        });
        previous = cumulative;
    }
    let (mut evm, result) = executor.finish().map_err(|e| block_error(None, e))?;
    alloy_evm::Evm::db_mut(&mut evm).check()?;
    Ok(Transactions {
        receipts: result.receipts,
        outcomes,
        gas_used: result.gas_used,
        da_footprint: result.blob_gas_used,
    })
}

/// Executes and commits one transaction on revm's plain interpreter loop, or
/// again with [`CollisionCheck`] when it read an account a CREATE could collide
/// with by its storage alone.
///
/// Why: the inspector's hooks cost every instruction (about 2% of a real block's
/// cycles), and only EIP-7610's storage rule needs them; an account with
/// storage but no nonce or code is rare, and a CREATE at an address loads that
/// account from the database first, which is where [`WitnessDb`] marks it.
fn execute_transaction<'a, 'w: 'a, E>(executor: &mut E, tx: &Recovered<OpTxEnvelope>) -> Result<(), BlockExecutionError>
where
    E: BlockExecutor<Transaction = OpTxEnvelope>,
    E::Evm: alloy_evm::Evm<DB = &'a mut WitnessDb<'w>>,
{
    alloy_evm::Evm::disable_inspector(executor.evm_mut());
    alloy_evm::Evm::db_mut(executor.evm_mut()).take_create_hazard();
    let mut result = executor.execute_transaction_without_commit(tx);
    if alloy_evm::Evm::db_mut(executor.evm_mut()).take_create_hazard() {
        alloy_evm::Evm::enable_inspector(executor.evm_mut());
        result = executor.execute_transaction_without_commit(tx);
    }
    executor.commit_transaction(result?)?;
    Ok(())
}

/// Phase 5: the header of the built block.
#[allow(clippy::too_many_arguments)]
pub fn assemble_header(
    spec: &OpChainSpec,
    parent: &Header,
    payload: &OpPayload,
    base_fee: u64,
    txs: &[Recovered<OpTxEnvelope>],
    run: &Transactions,
    state_root: B256,
    message_passer_root: B256,
) -> Result<Header, StfError> {
    let t = payload.timestamp;
    let active = |f| spec.is_active(f, t);
    let mut logs_bloom = Bloom::ZERO;
    for r in &run.receipts {
        logs_bloom.accrue_bloom(r.logs_bloom());
    }
    let envelopes: Vec<&OpTxEnvelope> = txs.iter().map(|t| t.inner()).collect();
    Ok(Header {
        parent_hash: payload.parent_hash,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: payload.fee_recipient,
        state_root,
        transactions_root: calculate_transaction_root(&envelopes),
        receipts_root: calculate_receipt_root(&run.receipts),
        logs_bloom,
        difficulty: U256::ZERO,
        number: parent.number + 1,
        gas_limit: payload.gas_limit,
        gas_used: run.gas_used,
        timestamp: t,
        extra_data: header::extra_data(spec, payload)?,
        mix_hash: payload.prev_randao,
        nonce: Default::default(),
        base_fee_per_gas: Some(base_fee),
        withdrawals_root: if active(OpHardfork::Isthmus) {
            Some(message_passer_root)
        } else if active(OpHardfork::Canyon) {
            Some(EMPTY_ROOT_HASH)
        } else {
            None
        },
        blob_gas_used: active(OpHardfork::Ecotone).then_some(if active(OpHardfork::Jovian) {
            run.da_footprint
        } else {
            0
        }),
        excess_blob_gas: active(OpHardfork::Ecotone).then_some(0),
        parent_beacon_block_root: payload.parent_beacon_block_root,
        requests_hash: active(OpHardfork::Isthmus).then_some(EMPTY_REQUESTS_HASH),
        block_access_list_hash: None,
        slot_number: None,
    })
}

/// OP Stack output root v0: `keccak256(version ‖ state root ‖ message passer storage root ‖ block hash)`.
pub fn output_root(state_root: B256, message_passer_root: B256, block_hash: B256) -> B256 {
    let mut preimage = [0u8; 128];
    preimage[32..64].copy_from_slice(state_root.as_slice());
    preimage[64..96].copy_from_slice(message_passer_root.as_slice());
    preimage[96..128].copy_from_slice(block_hash.as_slice());
    keccak256(preimage)
}

/// Builds and executes the block a payload describes, statelessly.
pub fn execute_payload(
    spec: &OpChainSpec,
    payload: &OpPayload,
    headers: &[Header],
    store: &NodeStore,
    codes: &[alloy_primitives::Bytes],
) -> Result<Execution, StfError> {
    spec.validate()?;
    let (parent, block_hashes) = bind_parent(spec, payload, headers)?;
    let txs = recover_senders(payload.decode_transactions()?)?;
    check_order(&txs)?;
    let env = evm_env(spec, &parent, payload)?;
    let base_fee = env.block_env.basefee;
    let mut db = WitnessDb::new(store, codes, parent.state_root, block_hashes);
    let run = run_transactions(spec, env, payload, &txs, &mut db)?;
    let state_root = db.state_root()?;
    // Isthmus puts the message passer's storage root in the header, so the
    // witness must show it; before Isthmus only the output root needs it.
    let message_passer = db.storage_root_of(MESSAGE_PASSER);
    if spec.is_active(OpHardfork::Isthmus, payload.timestamp) {
        message_passer.clone()?;
    }
    let header_root = message_passer.clone().unwrap_or(EMPTY_ROOT_HASH);
    let header = assemble_header(spec, &parent, payload, base_fee, &txs, &run, state_root, header_root)?;
    let block_hash = header.hash_slow();
    let (op_fork, fork) = forks_at(spec, payload.timestamp);
    let outcome = BlockOutcome {
        number: header.number,
        fork,
        op_fork: Some(op_fork),
        parent_hash: header.parent_hash,
        pre_state_root: parent.state_root,
        state_root,
        transactions_root: header.transactions_root,
        receipts_root: header.receipts_root,
        withdrawals_root: header.withdrawals_root,
        requests_hash: header.requests_hash,
        logs_bloom: header.logs_bloom,
        gas_used: header.gas_used,
        blob_gas_used: header.blob_gas_used,
        block_hash,
        message_passer_storage_root: message_passer.as_ref().ok().copied(),
        output_root: message_passer.as_ref().ok().map(|root| output_root(state_root, *root, block_hash)),
        output_root_unavailable: message_passer.as_ref().err().map(|e| e.to_string()),
        mismatches: Vec::new(),
        transactions: run.outcomes,
        witness_nodes: store.len(),
        unused_nodes: 0,
        unused_codes: 0,
        header,
    };
    Ok(Execution::new(outcome, &db))
}

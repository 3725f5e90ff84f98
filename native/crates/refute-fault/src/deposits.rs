//! User deposits: `TransactionDeposited` logs of the deposit contract in the
//! receipts of a new epoch's L1 origin, turned into deposit transactions
//! (`specs/protocol/deposits.md`).

use alloc::{format, vec::Vec};

use alloy_consensus::ReceiptEnvelope;
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{b256, Address, Bytes, Log, TxKind, B256, U256};
use op_alloy_consensus::{OpTxEnvelope, TxDeposit, UserDepositSource};

use crate::error::{FaultError, FaultResult};

/// `keccak256("TransactionDeposited(address,address,uint256,bytes)")`, the
/// deposit contract's event (a test checks the hash).
pub const DEPOSIT_EVENT_TOPIC: B256 = b256!("b3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32");

fn word(data: &[u8], at: usize) -> Option<U256> {
    data.get(at..at + 32).map(U256::from_be_slice)
}

/// One `TransactionDeposited` log as a deposit transaction.
fn deposit_from_log(log: &Log, block_hash: B256, log_index: u64) -> FaultResult<Bytes> {
    let bad = |why: &str| FaultError::Derivation(format!("deposit log {log_index}: {why}"));
    let topics = log.data.topics();
    if topics.len() != 4 {
        return Err(bad("expected 4 topics"));
    }
    if topics[3] != B256::ZERO {
        return Err(bad("unknown deposit version"));
    }
    let from = Address::from_word(topics[1]);
    let to = Address::from_word(topics[2]);
    let data = &log.data.data;
    // ABI `bytes`: offset word, length word, then the opaque data zero-padded to
    // a whole word. op-node refuses anything else: a ragged or short log, an
    // offset other than 32, and a length that is past the data or leaves a
    // whole word of padding.
    let (Some(offset), Some(len)) = (word(data, 0), word(data, 32)) else {
        return Err(bad(&format!("{} data bytes, short of the 64-byte ABI header", data.len())));
    };
    if data.len() % 32 != 0 {
        return Err(bad(&format!("{} data bytes are not a whole number of words", data.len())));
    }
    if offset != U256::from(32) {
        return Err(bad(&format!("ABI offset {offset}, expected 32")));
    }
    let room = data.len() - 64;
    if len > U256::from(room) || len + U256::from(32) <= U256::from(room) {
        return Err(bad(&format!("opaque data length {len} does not fill the {room} bytes after the header")));
    }
    let len = len.to::<usize>();
    let opaque = &data[64..64 + len];
    if opaque.len() < 73 {
        return Err(bad("opaque data shorter than 73 bytes"));
    }
    let mint = U256::from_be_slice(&opaque[0..32]);
    let value = U256::from_be_slice(&opaque[32..64]);
    let mut gas = [0u8; 8];
    gas.copy_from_slice(&opaque[64..72]);
    let is_creation = opaque[72] != 0;
    let tx = TxDeposit {
        source_hash: UserDepositSource::new(block_hash, log_index).source_hash(),
        from,
        to: if is_creation { TxKind::Create } else { TxKind::Call(to) },
        mint: mint.try_into().map_err(|_| bad("mint exceeds 128 bits"))?,
        value,
        gas_limit: u64::from_be_bytes(gas),
        is_system_transaction: false,
        input: Bytes::copy_from_slice(&opaque[73..]),
    };
    Ok(Bytes::from(OpTxEnvelope::Deposit(alloy_primitives::Sealed::new(tx)).encoded_2718()))
}

/// The user deposits of an L1 block, in log order (the log index counts every
/// log of the block, as op-node's does).
pub fn user_deposits(
    receipts: &[ReceiptEnvelope],
    block_hash: B256,
    deposit_contract: Address,
) -> FaultResult<Vec<Bytes>> {
    let mut out = Vec::new();
    let mut log_index = 0u64;
    for receipt in receipts {
        let succeeded = receipt.status();
        for log in receipt.logs() {
            if succeeded && log.address == deposit_contract && log.topics().first() == Some(&DEPOSIT_EVENT_TOPIC) {
                out.push(deposit_from_log(log, block_hash, log_index)?);
            }
            log_index += 1;
        }
    }
    Ok(out)
}

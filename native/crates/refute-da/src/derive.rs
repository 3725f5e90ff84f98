//! Batches -> L2 blocks with fully signed transactions.
//!
//! Singular batches already carry EIP-2718 transactions; they are checked to be
//! well-formed signed transactions of a type L2 blocks may hold. Span batches
//! carry transaction columns; each transaction is rebuilt (alloy-consensus
//! types), its signature completed with the rollup's chain id (EIP-155 `v` for
//! protected legacy transactions, the chain id field of typed ones), and
//! re-encoded. Timestamps and L1 origins of span-batch blocks follow the spec:
//! `timestamp_i = genesis_time + rel_timestamp + i * block_time`; the last
//! block's origin is `l1_origin_num` and origin bits walk it backwards.

use alloc::{format, vec, vec::Vec};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEip7702, TxEnvelope, TxLegacy};
use alloy_eips::{
    eip2718::{Decodable2718, Encodable2718},
    eip2930::AccessList,
    eip7702::SignedAuthorization,
};
use alloy_primitives::{keccak256, Address, Bytes, Signature, TxKind, B256, U256};
use alloy_rlp::{Decodable, Encodable, Header};

use crate::batch::{Batch, RawSpanBatch, SingularBatch, SpanBatchTxs, TX_EIP1559, TX_EIP2930, TX_EIP7702, TX_LEGACY};
use crate::error::{batch_err, tx_err, DaError, DaResult};

/// What the rollup config contributes to block reconstruction.
#[derive(Clone, Copy, Debug)]
pub struct DeriveConfig {
    /// L2 chain id (rebuilds transaction signatures).
    pub chain_id: u64,
    /// L2 genesis timestamp (span batch timestamps are relative to it).
    pub l2_genesis_time: u64,
    /// Seconds between L2 blocks.
    pub block_time: u64,
}

/// One reconstructed L2 block (its batch-derived parts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L2Block {
    pub timestamp: u64,
    /// Full parent hash (32 bytes, singular batch), its 20-byte prefix (first
    /// block of a span batch) or empty (later span-batch blocks).
    pub parent_check: Vec<u8>,
    pub l1_origin_number: u64,
    /// Full L1 origin hash (singular), 20-byte prefix (last span-batch block) or empty.
    pub l1_origin_check: Vec<u8>,
    /// EIP-2718 encoded, signed transactions.
    pub transactions: Vec<Vec<u8>>,
}

impl L2Block {
    /// Keccak-256 hashes of the transactions.
    pub fn tx_hashes(&self) -> Vec<B256> {
        self.transactions.iter().map(keccak256).collect()
    }

    /// `rlp([timestamp, parent_check, l1_origin_number, l1_origin_check, [tx, ...]])`.
    pub fn rlp_encode(&self, out: &mut Vec<u8>) {
        let txs_len: usize = self.transactions.iter().map(|t| t.as_slice().length()).sum();
        let txs_head = Header { list: true, payload_length: txs_len };
        let payload = self.timestamp.length()
            + self.parent_check.as_slice().length()
            + self.l1_origin_number.length()
            + self.l1_origin_check.as_slice().length()
            + txs_head.length()
            + txs_len;
        Header { list: true, payload_length: payload }.encode(out);
        self.timestamp.encode(out);
        self.parent_check.as_slice().encode(out);
        self.l1_origin_number.encode(out);
        self.l1_origin_check.as_slice().encode(out);
        txs_head.encode(out);
        for t in &self.transactions {
            t.as_slice().encode(out);
        }
    }
}

/// RLP list of blocks: the canonical byte form of a reconstruction (what the
/// guest commits and `refute reconstruct --rlp` writes).
pub fn blocks_rlp(blocks: &[L2Block]) -> Vec<u8> {
    let mut body = Vec::new();
    for b in blocks {
        b.rlp_encode(&mut body);
    }
    let mut out = Vec::with_capacity(body.len() + 9);
    Header { list: true, payload_length: body.len() }.encode(&mut out);
    out.extend_from_slice(&body);
    out
}

/// Blocks of one batch; `batch_offset` locates errors.
pub fn batch_blocks(batch: &Batch, batch_offset: usize, cfg: &DeriveConfig) -> DaResult<Vec<L2Block>> {
    match batch {
        Batch::Singular(b) => Ok(vec![singular_block(b, batch_offset)?]),
        Batch::Span(b) => span_blocks(b, cfg),
    }
}

fn singular_block(b: &SingularBatch, batch_offset: usize) -> DaResult<L2Block> {
    for (i, tx) in b.transactions.iter().enumerate() {
        check_signed_tx(tx, batch_offset, i)?;
    }
    Ok(L2Block {
        timestamp: b.timestamp,
        parent_check: b.parent_hash.to_vec(),
        l1_origin_number: b.epoch_num,
        l1_origin_check: b.epoch_hash.to_vec(),
        transactions: b.transactions.iter().map(|t| t.to_vec()).collect(),
    })
}

/// A batched transaction must be a complete signed legacy, 2930, 1559 or 7702 transaction.
pub fn check_signed_tx(tx: &[u8], offset: usize, index: usize) -> DaResult<()> {
    match tx.first() {
        None => return Err(tx_err(offset, format!("transaction {index} is empty"))),
        Some(&0x7e) => {
            return Err(tx_err(offset, format!("transaction {index}: deposit transactions cannot be batched")))
        }
        Some(&t) if t < 0x7f && ![TX_EIP2930, TX_EIP1559, TX_EIP7702].contains(&t) => {
            return Err(tx_err(offset, format!("transaction {index}: type {t} is not allowed in L2 batches")))
        }
        _ => {}
    }
    let mut buf = tx;
    TxEnvelope::decode_2718(&mut buf).map_err(|e| tx_err(offset, format!("transaction {index}: {e}")))?;
    if !buf.is_empty() {
        return Err(tx_err(offset, format!("transaction {index}: {} trailing bytes", buf.len())));
    }
    Ok(())
}

/// L1 origin number of every block of a span batch.
pub fn span_origins(b: &RawSpanBatch) -> DaResult<Vec<u64>> {
    let n = b.block_count();
    let mut origins = vec![0u64; n];
    let mut last = b.l1_origin_num;
    for i in (0..n).rev() {
        origins[i] = last;
        if b.origin_bits[i] && i > 0 {
            last =
                last.checked_sub(1).ok_or_else(|| batch_err(0, "origin bits walk the L1 origin number below zero"))?;
        }
    }
    Ok(origins)
}

fn span_blocks(b: &RawSpanBatch, cfg: &DeriveConfig) -> DaResult<Vec<L2Block>> {
    let origins = span_origins(b)?;
    let txs = span_transactions(b, cfg.chain_id)?;
    let mut txs = txs.into_iter();
    let n = b.block_count();
    let mut blocks = Vec::with_capacity(n);
    for (i, &l1_origin_number) in origins.iter().enumerate() {
        let offset = (i as u64).checked_mul(cfg.block_time);
        let timestamp = offset
            .and_then(|o| cfg.l2_genesis_time.checked_add(b.rel_timestamp)?.checked_add(o))
            .ok_or_else(|| batch_err(0, format!("block {i}: timestamp overflows u64")))?;
        let count = b.block_tx_counts[i] as usize;
        blocks.push(L2Block {
            timestamp,
            parent_check: if i == 0 { b.parent_check.to_vec() } else { Vec::new() },
            l1_origin_number,
            l1_origin_check: if i == n - 1 { b.l1_origin_check.to_vec() } else { Vec::new() },
            transactions: txs.by_ref().take(count).collect(),
        });
    }
    Ok(blocks)
}

/// Rebuilds every transaction of a span batch as EIP-2718 bytes.
pub fn span_transactions(b: &RawSpanBatch, chain_id: u64) -> DaResult<Vec<Vec<u8>>> {
    let t = &b.txs;
    let mut tos = t.tos.iter();
    let mut legacy_index = 0usize;
    let mut out = Vec::with_capacity(t.datas.len());
    for i in 0..t.datas.len() {
        let to = if t.contract_creation_bits[i] {
            TxKind::Create
        } else {
            TxKind::Call(Address::from(*tos.next().expect("one `to` per non-creation tx")))
        };
        let (r, s) = &t.sigs[i];
        let sig = Signature::new(U256::from_be_bytes(*r), U256::from_be_bytes(*s), t.y_parity_bits[i]);
        let ty = t.tx_types[i];
        let body = if ty == TX_LEGACY { &t.datas[i][..] } else { &t.datas[i][1..] };
        let f = Fields::open(body, t.data_offsets[i], i)?;
        let columns = Columns { txs: t, index: i, to, sig };
        let env = match ty {
            TX_LEGACY => {
                let protected = t.protected_bits[legacy_index];
                legacy_index += 1;
                legacy_tx(f, &columns, protected.then_some(chain_id))?
            }
            TX_EIP2930 => eip2930_tx(f, &columns, chain_id)?,
            TX_EIP1559 => eip1559_tx(f, &columns, chain_id)?,
            TX_EIP7702 => eip7702_tx(f, &columns, chain_id)?,
            other => return Err(f.err(format!("unsupported transaction type {other}"))),
        };
        out.push(env.encoded_2718());
    }
    Ok(out)
}

/// The parts of one span-batch transaction kept in columns outside its tx data.
struct Columns<'a> {
    txs: &'a SpanBatchTxs,
    index: usize,
    to: TxKind,
    sig: Signature,
}

impl Columns<'_> {
    fn nonce(&self) -> u64 {
        self.txs.nonces[self.index]
    }

    fn gas_limit(&self) -> u64 {
        self.txs.gases[self.index]
    }
}

/// A legacy transaction; its tx data is `[value, gas_price, data]`.
fn legacy_tx(mut f: Fields<'_>, c: &Columns<'_>, chain_id: Option<u64>) -> DaResult<TxEnvelope> {
    let value = f.value()?;
    let gas_price = f.u128("gas_price")?;
    let input = f.next::<Bytes>("data")?;
    let tx = TxLegacy { chain_id, nonce: c.nonce(), gas_price, gas_limit: c.gas_limit(), to: c.to, value, input };
    f.close()?;
    Ok(tx.into_signed(c.sig).into())
}

/// An EIP-2930 transaction; its tx data is `[value, gas_price, data, access_list]`.
fn eip2930_tx(mut f: Fields<'_>, c: &Columns<'_>, chain_id: u64) -> DaResult<TxEnvelope> {
    let value = f.value()?;
    let gas_price = f.u128("gas_price")?;
    let input = f.next::<Bytes>("data")?;
    let access_list = f.next::<AccessList>("access_list")?;
    f.close()?;
    let tx = TxEip2930 {
        chain_id,
        nonce: c.nonce(),
        gas_price,
        gas_limit: c.gas_limit(),
        to: c.to,
        value,
        access_list,
        input,
    };
    Ok(tx.into_signed(c.sig).into())
}

/// An EIP-1559 transaction; its tx data is
/// `[value, max_priority_fee_per_gas, max_fee_per_gas, data, access_list]`.
fn eip1559_tx(mut f: Fields<'_>, c: &Columns<'_>, chain_id: u64) -> DaResult<TxEnvelope> {
    let value = f.value()?;
    let max_priority_fee_per_gas = f.u128("max_priority_fee_per_gas")?;
    let max_fee_per_gas = f.u128("max_fee_per_gas")?;
    let input = f.next::<Bytes>("data")?;
    let access_list = f.next::<AccessList>("access_list")?;
    f.close()?;
    let tx = TxEip1559 {
        chain_id,
        nonce: c.nonce(),
        gas_limit: c.gas_limit(),
        max_fee_per_gas,
        max_priority_fee_per_gas,
        to: c.to,
        value,
        access_list,
        input,
    };
    Ok(tx.into_signed(c.sig).into())
}

/// An EIP-7702 transaction (never a contract creation); its tx data is the
/// EIP-1559 fields followed by `authorization_list`.
fn eip7702_tx(mut f: Fields<'_>, c: &Columns<'_>, chain_id: u64) -> DaResult<TxEnvelope> {
    let TxKind::Call(to) = c.to else {
        return Err(f.err("EIP-7702 transactions cannot create contracts"));
    };
    let value = f.value()?;
    let max_priority_fee_per_gas = f.u128("max_priority_fee_per_gas")?;
    let max_fee_per_gas = f.u128("max_fee_per_gas")?;
    let input = f.next::<Bytes>("data")?;
    let access_list = f.next::<AccessList>("access_list")?;
    let authorization_list = f.next::<Vec<SignedAuthorization>>("authorization_list")?;
    f.close()?;
    let tx = TxEip7702 {
        chain_id,
        nonce: c.nonce(),
        gas_limit: c.gas_limit(),
        max_fee_per_gas,
        max_priority_fee_per_gas,
        to,
        value,
        access_list,
        authorization_list,
        input,
    };
    Ok(tx.into_signed(c.sig).into())
}

/// Reads the fields of one span-batch tx data list, exactly and in order.
struct Fields<'a> {
    buf: &'a [u8],
    at: usize,
    index: usize,
}

impl<'a> Fields<'a> {
    fn open(body: &'a [u8], at: usize, index: usize) -> DaResult<Self> {
        let mut buf = body;
        let h = Header::decode(&mut buf).map_err(|e| tx_err(at, format!("tx {index}: tx data header: {e}")))?;
        if !h.list || h.payload_length != buf.len() {
            return Err(tx_err(at, format!("tx {index}: tx data must be exactly one RLP list")));
        }
        Ok(Fields { buf, at, index })
    }

    fn next<T: Decodable>(&mut self, what: &str) -> DaResult<T> {
        T::decode(&mut self.buf).map_err(|e| tx_err(self.at, format!("tx {}: {what}: {e}", self.index)))
    }

    fn value(&mut self) -> DaResult<U256> {
        self.next::<U256>("value")
    }

    fn u128(&mut self, what: &str) -> DaResult<u128> {
        let v = self.next::<U256>(what)?;
        u128::try_from(v)
            .map_err(|_| tx_err(self.at, format!("tx {}: {what} {v} does not fit in 128 bits", self.index)))
    }

    /// An error about this transaction.
    fn err(&self, msg: impl core::fmt::Display) -> DaError {
        tx_err(self.at, format!("tx {}: {msg}", self.index))
    }

    fn close(self) -> DaResult<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(tx_err(self.at, format!("tx {}: {} unexpected trailing bytes in tx data", self.index, self.buf.len())))
        }
    }
}

/// The inverse of [`span_transactions`]: splits signed EIP-2718 transactions
/// into span-batch columns (what a batcher does). Legacy transactions must be
/// unprotected or protected for `chain_id`; typed ones must carry `chain_id`.
pub fn span_txs_from_signed(txs: &[Vec<u8>], chain_id: u64) -> DaResult<SpanBatchTxs> {
    let mut out = SpanBatchTxs::default();
    for (i, raw) in txs.iter().enumerate() {
        let tx = split_signed_tx(raw, i, chain_id)?;
        if let Some(protected) = tx.protected {
            out.protected_bits.push(protected);
        }
        match tx.to {
            TxKind::Create => out.contract_creation_bits.push(true),
            TxKind::Call(a) => {
                out.contract_creation_bits.push(false);
                out.tos.push(a.into_array());
            }
        }
        out.y_parity_bits.push(tx.sig.v());
        out.sigs.push((tx.sig.r().to_be_bytes::<32>(), tx.sig.s().to_be_bytes::<32>()));
        out.datas.push(tx.data);
        out.data_offsets.push(0);
        out.tx_types.push(tx.ty);
        out.nonces.push(tx.nonce);
        out.gases.push(tx.gas);
    }
    Ok(out)
}

/// One signed transaction split into its span-batch columns.
struct SplitTx {
    ty: u8,
    to: TxKind,
    nonce: u64,
    gas: u64,
    sig: Signature,
    /// `type ++ rlp([...])` (no type byte for legacy).
    data: Vec<u8>,
    /// Legacy only: EIP-155 replay-protected.
    protected: Option<bool>,
}

/// Decodes transaction `i` and splits it into columns; its chain id must be `chain_id`.
fn split_signed_tx(raw: &[u8], i: usize, chain_id: u64) -> DaResult<SplitTx> {
    let env = TxEnvelope::decode_2718(&mut &raw[..]).map_err(|e| tx_err(0, format!("transaction {i}: {e}")))?;
    let check_chain = |c: u64| {
        if c == chain_id {
            Ok(())
        } else {
            Err(tx_err(0, format!("transaction {i}: chain id {c} is not the rollup's {chain_id}")))
        }
    };
    let (ty, to, nonce, gas, sig, fields, protected) = match &env {
        TxEnvelope::Legacy(s) => {
            let t = s.tx();
            if let Some(c) = t.chain_id {
                check_chain(c)?;
            }
            let fields = rlp_fields(&[&t.value, &t.gas_price, &t.input]);
            (TX_LEGACY, t.to, t.nonce, t.gas_limit, *s.signature(), fields, Some(t.chain_id.is_some()))
        }
        TxEnvelope::Eip2930(s) => {
            let t = s.tx();
            check_chain(t.chain_id)?;
            let fields = rlp_fields(&[&t.value, &t.gas_price, &t.input, &t.access_list]);
            (TX_EIP2930, t.to, t.nonce, t.gas_limit, *s.signature(), fields, None)
        }
        TxEnvelope::Eip1559(s) => {
            let t = s.tx();
            check_chain(t.chain_id)?;
            let fields =
                rlp_fields(&[&t.value, &t.max_priority_fee_per_gas, &t.max_fee_per_gas, &t.input, &t.access_list]);
            (TX_EIP1559, t.to, t.nonce, t.gas_limit, *s.signature(), fields, None)
        }
        TxEnvelope::Eip7702(s) => {
            let t = s.tx();
            check_chain(t.chain_id)?;
            let fields = rlp_fields(&[
                &t.value,
                &t.max_priority_fee_per_gas,
                &t.max_fee_per_gas,
                &t.input,
                &t.access_list,
                &t.authorization_list,
            ]);
            (TX_EIP7702, TxKind::Call(t.to), t.nonce, t.gas_limit, *s.signature(), fields, None)
        }
        _ => {
            return Err(tx_err(
                0,
                format!("transaction {i}: type {} cannot go into a span batch", raw.first().copied().unwrap_or(0)),
            ))
        }
    };
    let mut data = Vec::with_capacity(fields.len() + 6);
    if ty != TX_LEGACY {
        data.push(ty);
    }
    Header { list: true, payload_length: fields.len() }.encode(&mut data);
    data.extend_from_slice(&fields);
    Ok(SplitTx { ty, to, nonce, gas, sig, data, protected })
}

/// The concatenated RLP of `fields` (the payload of a list).
fn rlp_fields(fields: &[&dyn Encodable]) -> Vec<u8> {
    let mut out = Vec::new();
    for field in fields {
        field.encode(&mut out);
    }
    out
}

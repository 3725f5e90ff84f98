//! Data availability: C-ABI shells over the `refute-da` crate (the same
//! decoders the zkVM guest runs) and the native EigenDA BN254 commitment check.
//!
//! Decoding errors cross the boundary as error objects of kind `da` with the
//! fields `layer` and `offset` (see [`crate::errors`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use refute_da::batch::{encode_batch, read_batches, Batch, RawSpanBatch};
use refute_da::bn254::{self, G1_COMPRESSED};
use refute_da::pipeline::{hex_id, Reconstruction};
use refute_da::{blob, compress, eigenda, frame, wire};
use serde::Serialize;
use serde_json::{json, Value};

use crate::ffi::{self, FfiError, FfiResult, RefuteResult};

fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

/// OP blob v0: payload -> 131072-byte blob.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_blob_encode(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| blob::encode(ffi::input(data, len, "payload")?).map_err(FfiError::from)) }
}

/// OP blob v0: blob -> payload (strict).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_blob_decode(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| blob::decode(ffi::input(data, len, "blob")?).map_err(FfiError::from)) }
}

/// EigenDA: payload -> power-of-two blob.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_eigenda_encode(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| eigenda::encode(ffi::input(data, len, "payload")?).map_err(FfiError::from)) }
}

/// EigenDA: blob -> payload (strict).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_eigenda_decode(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| eigenda::decode(ffi::input(data, len, "blob")?).map_err(FfiError::from)) }
}

fn frames_json(frames: &[frame::Frame]) -> Value {
    Value::Array(
        frames
            .iter()
            .map(|f| json!({"channel_id": hex_id(&f.channel_id), "number": f.number, "is_last": f.is_last, "data": hex0x(&f.data)}))
            .collect(),
    )
}

/// Batcher data -> JSON list of frames.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_parse_frames(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let frames = frame::parse_frames(ffi::input(data, len, "batcher data")?).map_err(FfiError::from)?;
            ffi::json(&frames_json(&frames))
        })
    }
}

/// Compressed channel -> JSON {algorithm, status, data}.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_decompress(
    data: *const u8,
    len: usize,
    max_output: u64,
    fjord: bool,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let d = compress::decompress(ffi::input(data, len, "channel")?, max_output as usize, fjord)
                .map_err(FfiError::from)?;
            ffi::json(&json!({"algorithm": d.algorithm.name(), "status": d.status, "data": hex0x(&d.data)}))
        })
    }
}

fn span_json(b: &RawSpanBatch) -> Value {
    let bits = |v: &[bool]| v.iter().map(|&x| x as u8).collect::<Vec<u8>>();
    json!({
        "rel_timestamp": b.rel_timestamp,
        "l1_origin_num": b.l1_origin_num,
        "parent_check": hex0x(&b.parent_check),
        "l1_origin_check": hex0x(&b.l1_origin_check),
        "block_count": b.block_count(),
        "origin_bits": bits(&b.origin_bits),
        "block_tx_counts": b.block_tx_counts,
        "tx_count": b.txs.datas.len(),
        "tx_types": b.txs.tx_types,
        "nonces": b.txs.nonces,
        "gases": b.txs.gases,
        "contract_creation_bits": bits(&b.txs.contract_creation_bits),
        "y_parity_bits": bits(&b.txs.y_parity_bits),
        "protected_bits": bits(&b.txs.protected_bits),
    })
}

/// Decompressed channel data -> JSON list of batches.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_read_batches(
    data: *const u8,
    len: usize,
    complete: bool,
    delta: bool,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let (batches, tail) =
                read_batches(ffi::input(data, len, "channel data")?, complete, delta).map_err(FfiError::from)?;
            let list: Vec<Value> = batches
                .iter()
                .map(|(offset, b)| match b {
                    Batch::Singular(s) => json!({
                        "offset": offset, "type": "singular",
                        "parent_hash": hex0x(s.parent_hash.as_slice()), "epoch_num": s.epoch_num,
                        "epoch_hash": hex0x(s.epoch_hash.as_slice()), "timestamp": s.timestamp,
                        "transactions": s.transactions.iter().map(|t| hex0x(t)).collect::<Vec<_>>(),
                    }),
                    Batch::Span(s) => {
                        let mut v = span_json(s);
                        v["offset"] = json!(offset);
                        v["type"] = json!("span");
                        v
                    }
                })
                .collect();
            ffi::json(&json!({"batches": list, "tail": tail.map(|e| e.to_string())}))
        })
    }
}

/// Span batch content (after the type byte) -> JSON of its fields.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_decode_span_batch(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let b = RawSpanBatch::decode(ffi::input(data, len, "span batch")?, 0).map_err(FfiError::from)?;
            ffi::json(&span_json(&b))
        })
    }
}

/// Span batch content -> decode -> encode: the bytes the encoder produces.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_span_batch_reencode(data: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| Ok(RawSpanBatch::decode(ffi::input(data, len, "span batch")?, 0).map_err(FfiError::from)?.encode()))
    }
}

/// A channel's batch stream re-encoded from the decoded batches.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_batches_reencode(data: *const u8, len: usize, delta: bool) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let (batches, _) =
                read_batches(ffi::input(data, len, "channel data")?, true, delta).map_err(FfiError::from)?;
            Ok(batches.iter().flat_map(|(_, b)| encode_batch(b)).collect())
        })
    }
}

#[derive(Serialize)]
struct BlockOut {
    timestamp: u64,
    parent_check: String,
    l1_origin_number: u64,
    l1_origin_check: String,
    transactions: Vec<String>,
    tx_hashes: Vec<String>,
}

fn reconstruction_json(rec: &Reconstruction) -> Value {
    let channels: Vec<Value> = rec
        .channels
        .iter()
        .map(|c| {
            json!({
                "id": hex_id(&c.id), "open_block": c.open_block, "ready_block": c.ready_block,
                "frames": c.frame_count, "compressed_len": c.compressed_len, "algorithm": c.algorithm.name(),
                "decompressed_len": c.decompressed_len, "stream_status": c.stream_status,
                "batches": c.batches.iter().map(|(o, t, n)| json!({"offset": o, "type": if *t == 0 {"singular"} else {"span"}, "blocks": n})).collect::<Vec<_>>(),
                "tail": c.tail.as_ref().map(|e| e.to_string()),
            })
        })
        .collect();
    let blocks: Vec<BlockOut> = rec
        .blocks
        .iter()
        .map(|b| BlockOut {
            timestamp: b.timestamp,
            parent_check: hex0x(&b.parent_check),
            l1_origin_number: b.l1_origin_number,
            l1_origin_check: hex0x(&b.l1_origin_check),
            transactions: b.transactions.iter().map(|t| hex0x(t)).collect(),
            tx_hashes: b.tx_hashes().iter().map(|h| hex0x(h.as_slice())).collect(),
        })
        .collect();
    let notes: Vec<Value> = rec
        .notes
        .iter()
        .map(|n| json!({"l1_block": n.l1_block, "channel_id": hex_id(&n.channel_id), "frame": n.frame_number, "message": n.message}))
        .collect();
    let pending: Vec<Value> = rec
        .pending
        .iter()
        .map(|(id, frames, closed)| json!({"channel_id": hex_id(id), "frames": frames, "closed": closed}))
        .collect();
    let headless: Vec<Value> = rec
        .headless
        .iter()
        .map(|h| json!({"channel_id": hex_id(&h.id), "l1_block": h.l1_block, "frame": h.frame_number}))
        .collect();
    json!({
        "channels": channels, "blocks": blocks, "notes": notes, "pending": pending, "headless": headless,
        "frames_per_input": rec.frames_per_input, "canonical": hex0x(&rec.canonical()),
    })
}

/// Runs the whole pipeline on a `refute_da::wire` request -> JSON report.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_reconstruct(request: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let (cfg, inputs) = wire::decode_request(ffi::input(request, len, "request")?).map_err(FfiError::from)?;
            let rec = refute_da::pipeline::run(&inputs, &cfg).map_err(FfiError::from)?;
            ffi::json(&reconstruction_json(&rec))
        })
    }
}

/// Same request -> the canonical bytes the guest commits.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_reconstruct_canonical(request: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe { ffi::run(|| wire::run_request(ffi::input(request, len, "request")?).map_err(FfiError::from)) }
}

type SrsCache = Mutex<HashMap<(String, usize), Arc<Vec<bn254::G1Affine>>>>;

/// Decompressed SRS prefixes, keyed by (path, points): decompression costs a
/// square root per point, so it is done once per process.
fn srs(path: &str, n: usize) -> FfiResult<Arc<Vec<bn254::G1Affine>>> {
    static CACHE: OnceLock<SrsCache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (path.to_string(), n);
    if let Some(p) = cache.lock().map_err(|_| FfiError::internal("SRS cache poisoned"))?.get(&key) {
        return Ok(p.clone());
    }
    let mut file = std::fs::File::open(path).map_err(|e| FfiError::invalid(format!("SRS file {path}: {e}")))?;
    let mut bytes = vec![0u8; n * G1_COMPRESSED];
    use std::io::Read;
    file.read_exact(&mut bytes)
        .map_err(|e| FfiError::invalid(format!("SRS file {path}: cannot read {n} points: {e}")))?;
    let points = Arc::new(bn254::load_g1(&bytes, n).map_err(FfiError::from)?);
    cache.lock().map_err(|_| FfiError::internal("SRS cache poisoned"))?.insert(key, points.clone());
    Ok(points)
}

/// EigenDA blob -> JSON {commitment (x||y), compressed, symbols}.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_eigenda_commit(
    blob_ptr: *const u8,
    blob_len: usize,
    srs_path: *const u8,
    srs_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let blob = ffi::input(blob_ptr, blob_len, "blob")?;
            let path = ffi::input_str(srs_path, srs_len, "SRS path")?;
            let points = srs(path, blob.len().div_ceil(32))?;
            let c = bn254::commit(blob, &points).map_err(FfiError::from)?;
            ffi::json(
                &json!({"commitment": hex0x(&bn254::g1_to_bytes(&c)), "compressed": hex0x(&bn254::g1_compress(&c)), "symbols": blob.len() / 32}),
            )
        })
    }
}

/// EigenDA blob + commitment (64-byte x||y or 32-byte compressed) -> JSON {valid, computed}.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_eigenda_verify(
    blob_ptr: *const u8,
    blob_len: usize,
    commitment: *const u8,
    commitment_len: usize,
    srs_path: *const u8,
    srs_len: usize,
) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let blob = ffi::input(blob_ptr, blob_len, "blob")?;
            let expected = bn254::parse_commitment(ffi::input(commitment, commitment_len, "commitment")?)
                .map_err(FfiError::from)?;
            let path = ffi::input_str(srs_path, srs_len, "SRS path")?;
            let points = srs(path, blob.len().div_ceil(32))?;
            let c = bn254::commit(blob, &points).map_err(FfiError::from)?;
            ffi::json(&json!({"valid": c == expected, "computed": hex0x(&bn254::g1_to_bytes(&c))}))
        })
    }
}

/// The first `n` SRS points as decimal [x, y] strings (conformance checks).
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_eigenda_srs_points(srs_path: *const u8, srs_len: usize, n: u64) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let path = ffi::input_str(srs_path, srs_len, "SRS path")?;
            let points = srs(path, n as usize)?;
            let list: Vec<(String, String)> = points.iter().map(bn254::g1_decimal).collect();
            ffi::json(&list)
        })
    }
}

/// The derivation rules a `refute_da::wire` request selects (its fork schedule at
/// its rules time) -> JSON.
///
/// # Safety
/// Pointers must satisfy [`ffi::input`]'s contract.
#[no_mangle]
pub unsafe extern "C" fn refute_da_request_rules(request: *const u8, len: usize) -> RefuteResult {
    // SAFETY: the caller upholds `ffi::input`'s contract for every pointer argument.
    unsafe {
        ffi::run(|| {
            let (cfg, _) = wire::decode_request(ffi::input(request, len, "request")?).map_err(FfiError::from)?;
            ffi::json(&json!({
                "chain_id": cfg.derive.chain_id,
                "l2_genesis_time": cfg.derive.l2_genesis_time,
                "block_time": cfg.derive.block_time,
                "canyon": cfg.channel.canyon,
                "delta": cfg.delta,
                "fjord": cfg.fjord,
                "holocene": cfg.channel.holocene,
                "channel_timeout": cfg.channel.channel_timeout,
                "max_rlp_bytes": cfg.max_rlp_bytes,
            }))
        })
    }
}

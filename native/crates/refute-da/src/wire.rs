//! The binary request format shared by the FFI and the zkVM guest.
//!
//! Why not JSON or serde: the guest must parse it without std, and both sides
//! must read the very same bytes the same way. Layout (integers big-endian):
//!
//! ```text
//! "RDA1" chain_id u64 l2_genesis_time u64 block_time u64 channel_timeout u64
//! max_rlp_bytes u64 flags u8 (1 canyon, 2 holocene, 4 fjord, 8 delta)
//! count u32, then per input: l1_block u64, kind u8, len u32, data[len]
//! ```

use alloc::{format, vec::Vec};

use crate::channel::ChannelRules;
use crate::derive::DeriveConfig;
use crate::error::{DaError, DaResult, Layer};
use crate::pipeline::{Input, InputKind, PipelineConfig};
use crate::reader::Reader;

pub const MAGIC: &[u8; 4] = b"RDA1";
/// Largest number of inputs in one request (a generous bound on blobs per window).
pub const MAX_INPUTS: u32 = 65_536;

fn be_u64(r: &mut Reader<'_>, what: &str) -> DaResult<u64> {
    Ok(u64::from_be_bytes(r.array::<8>(what)?))
}

/// Parses a request.
pub fn decode_request(data: &[u8]) -> DaResult<(PipelineConfig, Vec<Input>)> {
    let mut r = Reader::new(data, 0, Layer::Frame);
    let err = |r: &Reader<'_>, m: &str| DaError::new(Layer::Frame, r.offset(), format!("request: {m}"));
    if r.bytes(4, "magic")? != MAGIC {
        return Err(DaError::new(Layer::Frame, 0, "request: bad magic (expected RDA1)"));
    }
    let chain_id = be_u64(&mut r, "chain_id")?;
    let l2_genesis_time = be_u64(&mut r, "l2_genesis_time")?;
    let block_time = be_u64(&mut r, "block_time")?;
    let channel_timeout = be_u64(&mut r, "channel_timeout")?;
    let max_rlp = be_u64(&mut r, "max_rlp_bytes")?;
    let flags = r.array::<1>("flags")?[0];
    if flags & 0xF0 != 0 {
        return Err(err(&r, "unknown flag bits"));
    }
    let count = u32::from_be_bytes(r.array::<4>("count")?);
    if count > MAX_INPUTS {
        return Err(err(&r, &format!("{count} inputs; the maximum is {MAX_INPUTS}")));
    }
    let mut inputs = Vec::new();
    for _ in 0..count {
        let l1_block = be_u64(&mut r, "l1_block")?;
        let kind = match r.array::<1>("kind")?[0] {
            0 => InputKind::BatcherData,
            1 => InputKind::OpBlob,
            k => return Err(err(&r, &format!("unknown input kind {k}"))),
        };
        let len = u32::from_be_bytes(r.array::<4>("len")?) as usize;
        let data = r.bytes(len, "input data")?.to_vec();
        inputs.push(Input { l1_block, kind, data });
    }
    if r.remaining() != 0 {
        return Err(err(&r, "trailing bytes"));
    }
    let cfg = PipelineConfig {
        derive: DeriveConfig { chain_id, l2_genesis_time, block_time },
        channel: ChannelRules {
            channel_timeout,
            canyon: flags & 1 != 0,
            holocene: flags & 2 != 0,
            ..ChannelRules::default()
        },
        max_rlp_bytes: usize::try_from(max_rlp).unwrap_or(usize::MAX),
        fjord: flags & 4 != 0,
        delta: flags & 8 != 0,
    };
    Ok((cfg, inputs))
}

/// Builds a request (tests, tools).
pub fn encode_request(cfg: &PipelineConfig, inputs: &[Input]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    for v in [cfg.derive.chain_id, cfg.derive.l2_genesis_time, cfg.derive.block_time, cfg.channel.channel_timeout, cfg.max_rlp_bytes as u64] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let flags = (cfg.channel.canyon as u8) | (cfg.channel.holocene as u8) << 1 | (cfg.fjord as u8) << 2 | (cfg.delta as u8) << 3;
    out.push(flags);
    out.extend_from_slice(&(inputs.len() as u32).to_be_bytes());
    for i in inputs {
        out.extend_from_slice(&i.l1_block.to_be_bytes());
        out.push(i.kind as u8);
        out.extend_from_slice(&(i.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&i.data);
    }
    out
}

/// Request in, canonical reconstruction bytes out: the guest's whole job.
pub fn run_request(data: &[u8]) -> DaResult<Vec<u8>> {
    let (cfg, inputs) = decode_request(data)?;
    Ok(crate::pipeline::run(&inputs, &cfg)?.canonical())
}

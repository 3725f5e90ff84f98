//! The whole path from published data to L2 blocks:
//! blob (optional) -> batcher data -> frames -> channels -> decompressed
//! channel -> batches -> blocks. This is the function the zkVM guest and the
//! native core both run, so they cannot disagree.

use alloc::{format, vec::Vec};

use alloy_primitives::Bytes;
use alloy_rlp::{Encodable, Header};
use refute_forks::{OpForkSchedule, OpHardfork};

use crate::batch::{read_channel_batches, Batch};
use crate::channel::{Assembler, ChannelRules, HeadlessChannel, Note};
use crate::compress::{decompress, Algorithm};
use crate::derive::{batch_blocks, DeriveConfig, L2Block};
use crate::error::{DaError, DaResult};
use crate::frame::{parse_frames, ChannelId};

/// Rollup parameters the pipeline needs.
#[derive(Clone, Copy, Debug)]
pub struct PipelineConfig {
    pub derive: DeriveConfig,
    pub channel: ChannelRules,
    /// Cap on decompressed channel size (`max_rlp_bytes_per_channel`).
    pub max_rlp_bytes: usize,
    /// Brotli channels allowed.
    pub fjord: bool,
    /// Span batches allowed.
    pub delta: bool,
    /// What to do with data op-node skips.
    pub bad_data: BadData,
}

/// What the pipeline does with published data that op-node skips: a blob that
/// does not decode, batcher data whose frames do not parse, a channel whose
/// compression is unknown, a batch that does not decode (the rest of its
/// channel goes with it), a span batch before Delta.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadData {
    /// Stop with the error: for inspecting where published data stops making
    /// sense (`refute reconstruct`, the `da` guest).
    Fail,
    /// Skip it as op-node does and record why ([`Reconstruction::skipped`]): the
    /// fault program, which must derive what op-node derives.
    Skip,
}

/// op-node `MaxRLPBytesPerChannel` before Fjord.
pub const MAX_RLP_BYTES_BEDROCK: usize = 10_000_000;
/// op-node `MaxRLPBytesPerChannelFjord`.
pub const MAX_RLP_BYTES_FJORD: usize = 100_000_000;

impl PipelineConfig {
    /// The derivation rules of `forks` at `timestamp` (see [`ChannelRules::at`] for
    /// `channel_timeout_bedrock`).
    pub fn at(derive: DeriveConfig, forks: &OpForkSchedule, timestamp: u64, channel_timeout_bedrock: u64) -> Self {
        let fjord = forks.is_active(OpHardfork::Fjord, timestamp);
        PipelineConfig {
            derive,
            channel: ChannelRules::at(forks, timestamp, channel_timeout_bedrock),
            max_rlp_bytes: if fjord { MAX_RLP_BYTES_FJORD } else { MAX_RLP_BYTES_BEDROCK },
            fjord,
            delta: forks.is_delta_active(timestamp),
            bad_data: BadData::Fail,
        }
    }

    /// The same rules, skipping what op-node skips.
    pub fn skipping_bad_data(self) -> Self {
        PipelineConfig { bad_data: BadData::Skip, ..self }
    }
}

/// What one input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Batcher data (version byte + frames): calldata, or an already-decoded blob.
    BatcherData = 0,
    /// A 131072-byte blob in the OP v0 encoding.
    OpBlob = 1,
}

/// One piece of published data and the L1 block it was included in.
#[derive(Clone, Debug)]
pub struct Input {
    pub l1_block: u64,
    pub kind: InputKind,
    /// Shared, not owned: a caller holding the blobs and calldata already (the
    /// fault program's input) hands them over without copying 128 KiB per blob.
    pub data: Bytes,
}

/// A decoded channel and what came out of it.
#[derive(Clone, Debug)]
pub struct ChannelReport {
    pub id: ChannelId,
    pub open_block: u64,
    pub ready_block: u64,
    pub frame_count: usize,
    pub compressed_len: usize,
    pub algorithm: Algorithm,
    pub decompressed_len: usize,
    /// How the decompressed stream ended ("complete", truncated, ...).
    pub stream_status: alloc::string::String,
    /// Per batch: (offset in decompressed data, 0 = singular / 1 = span, blocks).
    pub batches: Vec<(usize, u8, usize)>,
    /// Set when the data ended inside a batch (op-node drops that tail).
    pub tail: Option<DaError>,
}

/// The result of [`run`].
#[derive(Clone, Debug, Default)]
pub struct Reconstruction {
    pub channels: Vec<ChannelReport>,
    pub blocks: Vec<L2Block>,
    pub notes: Vec<Note>,
    /// Channels still incomplete after the last input: (id, frames held, closed).
    pub pending: Vec<(ChannelId, usize, bool)>,
    /// Channels whose first frame read is not frame 0 (they may have opened
    /// before the first input), in the order seen.
    pub headless: Vec<HeadlessChannel>,
    /// Frame count per input (0 for an input skipped whole).
    pub frames_per_input: Vec<usize>,
    /// What was skipped as op-node skips it, in reading order (only under
    /// [`BadData::Skip`]).
    pub skipped: Vec<DaError>,
}

impl Reconstruction {
    /// Records `error` as skipped data, or returns it when the rules say [`BadData::Fail`].
    fn skip(&mut self, cfg: &PipelineConfig, error: DaError) -> DaResult<()> {
        match cfg.bad_data {
            BadData::Fail => Err(error),
            BadData::Skip => {
                self.skipped.push(error);
                Ok(())
            }
        }
    }

    /// Canonical bytes: `rlp([[channel_id, frames, compressed_len, decompressed_len, batches]..., [block...]])`.
    pub fn canonical(&self) -> Vec<u8> {
        let mut chans = Vec::new();
        for c in &self.channels {
            let mut body = Vec::new();
            c.id.as_slice().encode(&mut body);
            (c.frame_count as u64).encode(&mut body);
            (c.compressed_len as u64).encode(&mut body);
            (c.decompressed_len as u64).encode(&mut body);
            (c.batches.len() as u64).encode(&mut body);
            Header { list: true, payload_length: body.len() }.encode(&mut chans);
            chans.extend_from_slice(&body);
        }
        let blocks = crate::derive::blocks_rlp(&self.blocks);
        let mut payload = Vec::new();
        Header { list: true, payload_length: chans.len() }.encode(&mut payload);
        payload.extend_from_slice(&chans);
        payload.extend_from_slice(&blocks);
        let mut out = Vec::with_capacity(payload.len() + 9);
        Header { list: true, payload_length: payload.len() }.encode(&mut out);
        out.extend_from_slice(&payload);
        out
    }
}

fn in_input(e: DaError, i: usize) -> DaError {
    DaError { message: format!("input {i}: {}", e.message), ..e }
}

/// Runs the pipeline over inputs in L1 order.
pub fn run(inputs: &[Input], cfg: &PipelineConfig) -> DaResult<Reconstruction> {
    let mut asm = Assembler::new(cfg.channel);
    let mut rec = Reconstruction::default();
    for (i, input) in inputs.iter().enumerate() {
        let frames = match input_frames(input) {
            Ok(frames) => frames,
            Err(e) => {
                rec.skip(cfg, in_input(e, i))?;
                rec.frames_per_input.push(0);
                continue;
            }
        };
        rec.frames_per_input.push(frames.len());
        for f in frames {
            asm.ingest(input.l1_block, f);
        }
        for ch in asm.take_ready() {
            if let Some(report) = process_channel(ch, cfg, &mut rec)? {
                rec.channels.push(report);
            }
        }
    }
    rec.notes = asm.take_notes();
    rec.pending = asm.pending();
    rec.headless = asm.headless().to_vec();
    Ok(rec)
}

/// The frames of one input; an error means op-node ignores the whole input (a
/// blob that does not decode, or data whose frames do not all parse).
fn input_frames(input: &Input) -> DaResult<Vec<crate::frame::Frame>> {
    match input.kind {
        InputKind::BatcherData => parse_frames(&input.data),
        InputKind::OpBlob => parse_frames(&crate::blob::decode(&input.data)?),
    }
}

/// Decompresses a complete channel and reads its batches into `rec.blocks`;
/// `None` when op-node would skip the whole channel.
fn process_channel(
    ch: crate::channel::ReadyChannel,
    cfg: &PipelineConfig,
    rec: &mut Reconstruction,
) -> DaResult<Option<ChannelReport>> {
    let id_hex = hex_id(&ch.id);
    let ctx = |e: DaError| DaError { message: format!("channel {id_hex}: {}", e.message), ..e };
    let dec = match decompress(&ch.data, cfg.max_rlp_bytes, cfg.fjord) {
        Ok(dec) => dec,
        Err(e) => {
            rec.skip(cfg, ctx(e))?;
            return Ok(None);
        }
    };
    let read = read_channel_batches(&dec.data, dec.complete(), cfg.delta);
    for e in read.skipped.into_iter().chain(read.malformed) {
        rec.skip(cfg, ctx(e))?;
    }
    let mut summary = Vec::with_capacity(read.batches.len());
    for (offset, batch) in &read.batches {
        let bl = batch_blocks(batch, *offset, &cfg.derive).map_err(ctx)?;
        let ty = match batch {
            Batch::Singular(_) => 0,
            Batch::Span(_) => 1,
        };
        summary.push((*offset, ty, bl.len()));
        rec.blocks.extend(bl);
    }
    Ok(Some(ChannelReport {
        id: ch.id,
        open_block: ch.open_block,
        ready_block: ch.ready_block,
        frame_count: ch.frame_count,
        compressed_len: ch.data.len(),
        algorithm: dec.algorithm,
        decompressed_len: dec.data.len(),
        stream_status: dec.status,
        batches: summary,
        tail: read.cut_off,
    }))
}

/// Lower-case hex of a channel id.
pub fn hex_id(id: &ChannelId) -> alloc::string::String {
    let mut s = alloc::string::String::with_capacity(32);
    for b in id {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

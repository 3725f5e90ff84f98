//! Channel decompression with a hard output cap.
//!
//! The first byte of a channel says how it is compressed (spec "Channel
//! format"): a zlib header (low nibble 8 or 15) or, from Fjord on, `0x01`
//! followed by a brotli stream. Output stops at `max_output` bytes (the
//! rollup's `max_rlp_bytes_per_channel`), so hostile input cannot make the
//! decoder allocate more than that. As in op-node, a stream that is cut off or
//! corrupt mid-way still yields the bytes decoded before the damage: the batch
//! reader takes the complete batches among them and the rest of the channel is
//! dropped; [`Decompressed::status`] says which case happened.

use alloc::{boxed::Box, format, string::String, vec, vec::Vec};

use crate::error::{channel_err, DaResult};

/// op-node `MaxRLPBytesPerChannel` before Fjord.
pub const MAX_RLP_BYTES_PER_CHANNEL_BEDROCK: usize = 10_000_000;
/// op-node `MaxRLPBytesPerChannel` from Fjord on.
pub const MAX_RLP_BYTES_PER_CHANNEL_FJORD: usize = 100_000_000;
/// Channel version byte for brotli (Fjord).
pub const CHANNEL_VERSION_BROTLI: u8 = 0x01;

/// Which algorithm a channel used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Zlib,
    Brotli,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Zlib => "zlib",
            Algorithm::Brotli => "brotli",
        }
    }
}

/// Decompressed channel data and how the stream ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decompressed {
    pub algorithm: Algorithm,
    pub data: Vec<u8>,
    /// "complete", or why decoding stopped early (truncated, corrupt, cap reached).
    pub status: String,
}

impl Decompressed {
    pub fn complete(&self) -> bool {
        self.status == "complete"
    }
}

/// Decompresses a channel. `fjord` enables brotli.
pub fn decompress(channel: &[u8], max_output: usize, fjord: bool) -> DaResult<Decompressed> {
    let Some(&first) = channel.first() else {
        return Err(channel_err(0, "channel data is empty"));
    };
    if first & 0x0F == 0x08 || first & 0x0F == 0x0F {
        return Ok(zlib(channel, max_output));
    }
    if first == CHANNEL_VERSION_BROTLI {
        if !fjord {
            return Err(channel_err(0, "brotli channel (version byte 0x01) before Fjord"));
        }
        return Ok(brotli(&channel[1..], max_output));
    }
    Err(channel_err(0, format!("unknown channel compression (first byte 0x{first:02x})")))
}

fn zlib(channel: &[u8], max_output: usize) -> Decompressed {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut out: Vec<u8> = vec![0; channel.len().saturating_mul(4).clamp(1, max_output.max(1))];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut input, mut pos) = (channel, 0usize);
    let status = loop {
        let (st, consumed, produced) = decompress(&mut state, input, &mut out, pos, flags);
        pos += produced;
        input = &input[consumed.min(input.len())..];
        match st {
            TINFLStatus::Done => break String::from("complete"),
            TINFLStatus::HasMoreOutput => {
                if out.len() >= max_output {
                    break format!("output cap of {max_output} bytes reached");
                }
                let grown = out.len().saturating_mul(2).min(max_output);
                out.resize(grown, 0);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                break String::from("zlib stream truncated (no end marker)")
            }
            TINFLStatus::Adler32Mismatch => break String::from("zlib Adler-32 checksum mismatch"),
            _ => break String::from("zlib stream corrupt"),
        }
    };
    out.truncate(pos.min(max_output));
    Decompressed { algorithm: Algorithm::Zlib, data: out, status }
}

/// `alloc-no-stdlib` allocator over `Vec`, so brotli runs without std.
#[derive(Default)]
struct VecAlloc;

#[derive(Default)]
struct VecMem<T>(Box<[T]>);

impl<T> brotli_decompressor::SliceWrapper<T> for VecMem<T> {
    fn slice(&self) -> &[T] {
        &self.0
    }
}
impl<T> brotli_decompressor::SliceWrapperMut<T> for VecMem<T> {
    fn slice_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}
impl<T: Clone + Default> brotli_decompressor::Allocator<T> for VecAlloc {
    type AllocatedMemory = VecMem<T>;
    fn alloc_cell(&mut self, len: usize) -> VecMem<T> {
        VecMem(vec![T::default(); len].into_boxed_slice())
    }
    fn free_cell(&mut self, _data: VecMem<T>) {}
}

fn brotli(input: &[u8], max_output: usize) -> Decompressed {
    use brotli_decompressor::{BrotliDecompressStream, BrotliResult, BrotliState, HuffmanCode};
    let mut state: BrotliState<VecAlloc, VecAlloc, VecAlloc> = BrotliState::new(VecAlloc, VecAlloc, VecAlloc);
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut avail_in, mut in_off) = (input.len(), 0usize);
    let mut total = 0usize;
    let _ = core::marker::PhantomData::<HuffmanCode>;
    let status = loop {
        let mut avail_out = chunk.len();
        let mut out_off = 0usize;
        let r = BrotliDecompressStream(
            &mut avail_in,
            &mut in_off,
            input,
            &mut avail_out,
            &mut out_off,
            &mut chunk,
            &mut total,
            &mut state,
        );
        let room = max_output - out.len();
        if out_off > room {
            out.extend_from_slice(&chunk[..room]);
            break format!("output cap of {max_output} bytes reached");
        }
        out.extend_from_slice(&chunk[..out_off]);
        match r {
            BrotliResult::ResultSuccess => break String::from("complete"),
            BrotliResult::NeedsMoreOutput => continue,
            // The input is used up. The decoder holds what it decoded in its ring buffer
            // and hands it out one output chunk per call; drain it, as op-node's reader
            // (Go's brotli `Reader.Read`) does before it reports the unexpected end.
            BrotliResult::NeedsMoreInput if out_off > 0 => continue,
            BrotliResult::NeedsMoreInput => break String::from("brotli stream truncated (no end marker)"),
            BrotliResult::ResultFailure => break String::from("brotli stream corrupt"),
        }
    };
    Decompressed { algorithm: Algorithm::Brotli, data: out, status }
}

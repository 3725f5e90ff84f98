//! Batcher transaction payloads and frames (OP Stack derivation spec, "Frame format").
//!
//! `batcher data = derivation_version(0) ++ frame ++ frame ++ ...`, and
//! `frame = channel_id[16] ++ frame_number u16 ++ frame_data_length u32 ++ frame_data ++ is_last u8`
//! (integers big-endian). As in op-node, any malformed frame invalidates the whole payload.

use alloc::{format, vec::Vec};

use crate::error::{frame_err, DaResult};

/// Derivation version byte of frame payloads.
pub const DERIVATION_VERSION_0: u8 = 0;
/// Largest `frame_data_length` accepted (op-node `MaxFrameLen`).
pub const MAX_FRAME_LEN: usize = 1_000_000;
/// Fixed bytes of a frame besides its data.
pub const FRAME_OVERHEAD: usize = 16 + 2 + 4 + 1;

/// A channel id.
pub type ChannelId = [u8; 16];

/// One frame of a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub channel_id: ChannelId,
    pub number: u16,
    pub data: Vec<u8>,
    pub is_last: bool,
}

impl Frame {
    /// Serialises the frame (without the version byte).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.channel_id);
        out.extend_from_slice(&self.number.to_be_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.data);
        out.push(self.is_last as u8);
    }

    /// Parses one frame at `data[at..]`; returns it and the offset after it.
    pub fn decode(data: &[u8], at: usize) -> DaResult<(Frame, usize)> {
        let need = |n: usize, what: &str| -> DaResult<()> {
            if data.len() < at + n {
                Err(frame_err(data.len(), format!("truncated frame starting at {at}: {what} needs {n} bytes")))
            } else {
                Ok(())
            }
        };
        need(22, "header")?;
        let mut channel_id = [0u8; 16];
        channel_id.copy_from_slice(&data[at..at + 16]);
        let number = u16::from_be_bytes([data[at + 16], data[at + 17]]);
        let len = u32::from_be_bytes([data[at + 18], data[at + 19], data[at + 20], data[at + 21]]) as usize;
        if len > MAX_FRAME_LEN {
            return Err(frame_err(at + 18, format!("frame_data_length {len} exceeds the maximum {MAX_FRAME_LEN}")));
        }
        need(22 + len + 1, "header, data and is_last")?;
        let body = at + 22;
        let is_last = match data[body + len] {
            0 => false,
            1 => true,
            b => return Err(frame_err(body + len, format!("is_last must be 0 or 1, got {b}"))),
        };
        Ok((Frame { channel_id, number, data: data[body..body + len].to_vec(), is_last }, body + len + 1))
    }
}

/// Parses a batcher transaction's payload (calldata or decoded blob) into frames.
pub fn parse_frames(data: &[u8]) -> DaResult<Vec<Frame>> {
    match data.first() {
        None => return Err(frame_err(0, "batcher data is empty")),
        Some(&DERIVATION_VERSION_0) => {}
        Some(&v) => return Err(frame_err(0, format!("unknown derivation version byte {v} (only 0 is defined)"))),
    }
    let mut frames = Vec::new();
    let mut at = 1;
    while at < data.len() {
        let (frame, next) = Frame::decode(data, at)?;
        frames.push(frame);
        at = next;
    }
    if frames.is_empty() {
        return Err(frame_err(1, "batcher data holds no frames"));
    }
    Ok(frames)
}

/// Serialises frames into batcher data (version byte 0 first).
pub fn encode_frames(frames: &[Frame]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + frames.iter().map(|f| f.data.len() + FRAME_OVERHEAD).sum::<usize>());
    out.push(DERIVATION_VERSION_0);
    for f in frames {
        f.encode(&mut out);
    }
    out
}

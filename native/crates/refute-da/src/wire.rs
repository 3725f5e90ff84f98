//! The binary request format shared by the FFI and the zkVM guest.
//!
//! Why not JSON or serde: the guest must parse it without std, and both sides
//! must read the very same bytes the same way. Layout (integers big-endian):
//!
//! ```text
//! "RDA2" chain_id u64 l2_genesis_time u64 block_time u64 channel_timeout u64
//! rules_time u64 forks_len u32 forks[forks_len]
//! count u32, then per input: l1_block u64, kind u8, len u32, data[len]
//! ```
//!
//! `forks` is the rollup's fork schedule ([`OpForkSchedule`] RLP: one item per
//! fork, the activation time or `0xc0` for never). The derivation rules (Canyon,
//! Delta, Fjord, Granite, Holocene) are those of that schedule at `rules_time`,
//! so the request states when its data was published rather than which rules to
//! apply. `channel_timeout` is the chain's timeout before Granite (Granite fixes
//! it at 50); the channel size cap follows Fjord.

use alloc::{format, vec::Vec};

use alloy_rlp::Decodable;
pub use refute_forks::OpForkSchedule;

use crate::derive::DeriveConfig;
use crate::error::{DaError, DaResult, Layer};
use crate::pipeline::{Input, InputKind, PipelineConfig};
use crate::reader::Reader;

pub const MAGIC: &[u8; 4] = b"RDA2";
/// Largest number of inputs in one request (a generous bound on blobs per window).
pub const MAX_INPUTS: u32 = 65_536;
/// Largest fork schedule encoding accepted (a schedule is well under 100 bytes).
const MAX_FORKS_LEN: u32 = 1024;

/// What a request says about the rollup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestConfig {
    pub chain_id: u64,
    pub l2_genesis_time: u64,
    pub block_time: u64,
    /// Channel timeout before Granite (L1 blocks).
    pub channel_timeout: u64,
    /// The time the derivation rules are evaluated at (unix seconds).
    pub rules_time: u64,
    pub forks: OpForkSchedule,
}

impl RequestConfig {
    /// The pipeline rules this request selects.
    pub fn pipeline(&self) -> PipelineConfig {
        let derive = DeriveConfig {
            chain_id: self.chain_id,
            l2_genesis_time: self.l2_genesis_time,
            block_time: self.block_time,
        };
        PipelineConfig::at(derive, &self.forks, self.rules_time, self.channel_timeout)
    }
}

fn be_u64(r: &mut Reader<'_>, what: &str) -> DaResult<u64> {
    Ok(u64::from_be_bytes(r.array::<8>(what)?))
}

fn be_u32(r: &mut Reader<'_>, what: &str) -> DaResult<u32> {
    Ok(u32::from_be_bytes(r.array::<4>(what)?))
}

/// Parses a request into its rollup parameters and inputs.
pub fn decode_request_config(data: &[u8]) -> DaResult<(RequestConfig, Vec<Input>)> {
    let mut r = Reader::new(data, 0, Layer::Frame);
    let err = |r: &Reader<'_>, m: &str| DaError::new(Layer::Frame, r.offset(), format!("request: {m}"));
    if r.bytes(4, "magic")? != MAGIC {
        return Err(DaError::new(Layer::Frame, 0, "request: bad magic (expected RDA2)"));
    }
    let chain_id = be_u64(&mut r, "chain_id")?;
    let l2_genesis_time = be_u64(&mut r, "l2_genesis_time")?;
    let block_time = be_u64(&mut r, "block_time")?;
    let channel_timeout = be_u64(&mut r, "channel_timeout")?;
    let rules_time = be_u64(&mut r, "rules_time")?;
    let forks_len = be_u32(&mut r, "forks_len")?;
    if forks_len > MAX_FORKS_LEN {
        return Err(err(&r, &format!("fork schedule of {forks_len} bytes; the maximum is {MAX_FORKS_LEN}")));
    }
    let mut forks_rlp = r.bytes(forks_len as usize, "fork schedule")?;
    let forks = OpForkSchedule::decode(&mut forks_rlp).map_err(|e| err(&r, &format!("fork schedule: {e}")))?;
    if !forks_rlp.is_empty() {
        return Err(err(&r, "fork schedule: trailing bytes"));
    }
    let count = be_u32(&mut r, "count")?;
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
        let len = be_u32(&mut r, "len")? as usize;
        let data = r.bytes(len, "input data")?.to_vec();
        inputs.push(Input { l1_block, kind, data: data.into() });
    }
    if r.remaining() != 0 {
        return Err(err(&r, "trailing bytes"));
    }
    let cfg = RequestConfig { chain_id, l2_genesis_time, block_time, channel_timeout, rules_time, forks };
    Ok((cfg, inputs))
}

/// Parses a request into the pipeline rules it selects and its inputs.
pub fn decode_request(data: &[u8]) -> DaResult<(PipelineConfig, Vec<Input>)> {
    let (cfg, inputs) = decode_request_config(data)?;
    Ok((cfg.pipeline(), inputs))
}

/// Builds a request (tests, tools).
pub fn encode_request(cfg: &RequestConfig, inputs: &[Input]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    for v in [cfg.chain_id, cfg.l2_genesis_time, cfg.block_time, cfg.channel_timeout, cfg.rules_time] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let forks = alloy_rlp::encode(cfg.forks);
    out.extend_from_slice(&(forks.len() as u32).to_be_bytes());
    out.extend_from_slice(&forks);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use alloc::string::ToString;
    use refute_forks::OpHardfork;

    fn config(rules_time: u64) -> RequestConfig {
        let forks = OpForkSchedule {
            regolith: Some(0),
            canyon: Some(100),
            delta: Some(200),
            ecotone: Some(200),
            fjord: Some(300),
            granite: Some(400),
            holocene: Some(500),
            ..OpForkSchedule::default()
        };
        RequestConfig { chain_id: 10, l2_genesis_time: 7, block_time: 2, channel_timeout: 300, rules_time, forks }
    }

    #[test]
    fn round_trip() {
        let inputs = [
            Input { l1_block: 5, kind: InputKind::OpBlob, data: alloc::vec![1, 2, 3].into() },
            Input { l1_block: 6, kind: InputKind::BatcherData, data: Default::default() },
        ];
        for cfg in [config(0), config(450), RequestConfig { forks: OpForkSchedule::default(), ..config(9) }] {
            let bytes = encode_request(&cfg, &inputs);
            assert_eq!(&bytes[..4], b"RDA2");
            let (back, got) = decode_request_config(&bytes).unwrap();
            assert_eq!(back, cfg);
            assert_eq!(got.len(), 2);
            assert_eq!((got[0].l1_block, got[0].kind, &got[0].data[..]), (5, InputKind::OpBlob, &[1u8, 2, 3][..]));
            assert_eq!((got[1].l1_block, got[1].kind), (6, InputKind::BatcherData));
        }
    }

    #[test]
    fn rules_follow_the_schedule_at_the_rules_time() {
        let rules = |t| decode_request(&encode_request(&config(t), &[])).unwrap().0;
        let bedrock = rules(99);
        assert!(!bedrock.channel.canyon && !bedrock.delta && !bedrock.fjord && !bedrock.channel.holocene);
        assert_eq!((bedrock.channel.channel_timeout, bedrock.max_rlp_bytes), (300, 10_000_000));
        let canyon = rules(100);
        assert!(canyon.channel.canyon && !canyon.delta);
        assert!(rules(200).delta);
        let fjord = rules(300);
        assert!(fjord.fjord && fjord.max_rlp_bytes == 100_000_000 && fjord.channel.channel_timeout == 300);
        assert_eq!(rules(400).channel.channel_timeout, 50);
        let holocene = rules(500);
        assert!(holocene.channel.holocene && holocene.channel.canyon && holocene.delta && holocene.fjord);
        assert!(config(500).forks.is_active(OpHardfork::Holocene, 500));
    }

    #[test]
    fn malformed_requests_are_rejected() {
        let good = encode_request(&config(0), &[]);
        let mut bad_magic = good.clone();
        bad_magic[3] = b'1';
        assert!(decode_request(&bad_magic).unwrap_err().to_string().contains("bad magic"));
        assert!(decode_request(&good[..good.len() - 1]).is_err());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode_request(&trailing).unwrap_err().to_string().contains("trailing bytes"));
        // A schedule with an extra fork item.
        let forks_at = 4 + 5 * 8;
        let len = u32::from_be_bytes(good[forks_at..forks_at + 4].try_into().unwrap()) as usize;
        let mut extra = good[..forks_at].to_vec();
        extra.extend_from_slice(&((len + 1) as u32).to_be_bytes());
        extra.push(good[forks_at + 4] + 1);
        extra.extend_from_slice(&good[forks_at + 5..forks_at + 4 + len]);
        extra.push(0xc0);
        extra.extend_from_slice(&good[forks_at + 4 + len..]);
        assert!(decode_request(&extra).unwrap_err().to_string().contains("fork schedule"));
    }
}

//! The system config (part of statement 3): whose transactions are batcher
//! data, and the fee and gas parameters block `N` is derived with.
//!
//! op-node's L1 traversal updates the system config with each L1 block's own
//! receipts (`ConfigUpdate` logs of the `SystemConfig` contract, successful
//! receipts only) before it reads that block's batcher data, so a batcher
//! rotated inside the data read changes whose transactions count from that
//! block on ([`batchers`]). Block `N`'s attributes use its parent's config
//! (the agreed block's L1-info deposit, gas limit and `extraData`), updated
//! with the new L1 origin's receipts when `N` opens an epoch
//! ([`SystemConfig`]).
//!
//! A block's logs bloom settles most blocks cheaply: without both the
//! contract's address and the event's topic in it, the block has no such log.
//! For a block whose bloom admits one, its whole receipt list must be given
//! (checked against its receipts root). An update op-node cannot decode halts
//! op-node (a critical error); the program refuses it as unsupported.

use alloc::{format, vec::Vec};

use alloy_consensus::{Header, ReceiptEnvelope};
use alloy_primitives::{b256, Address, BloomInput, Log, B256, B64, U256};
use refute_forks::OpHardfork;

use crate::{
    agreed::AgreedBlock,
    config::RollupConfig,
    derivation::fee_parameters,
    error::{FaultError, FaultResult},
    l1::{verify_receipts, BlockReceipts, BlockTransactions, L1Chain},
    l1_info::{L1Info, L1InfoFormat},
};

/// `keccak256("ConfigUpdate(uint256,uint8,bytes)")`, the `SystemConfig`
/// contract's event (a test checks the hash).
pub const CONFIG_UPDATE_TOPIC: B256 = b256!("1d2b0bda21d56b8bd12d4f94ebacffdfb35f5e226f84b461103bb8beab6353be");

/// Whether `log`, of a receipt that `succeeded`, updates the config of
/// `system_config` (op-node reads only successful receipts' logs).
pub fn is_config_update(succeeded: bool, log: &Log, system_config: Address) -> bool {
    succeeded && log.address == system_config && log.topics().first() == Some(&CONFIG_UPDATE_TOPIC)
}

/// Whether `header`'s logs bloom admits a `ConfigUpdate` log of
/// `system_config` (the address and the event topic both possibly present).
pub fn may_update(header: &Header, system_config: Address) -> bool {
    let bloom = &header.logs_bloom;
    bloom.contains_input(BloomInput::Raw(system_config.as_slice()))
        && bloom.contains_input(BloomInput::Raw(CONFIG_UPDATE_TOPIC.as_slice()))
}

/// The blocks of `window` whose receipts must be given: those whose bloom
/// admits a config update.
pub fn receipts_needed(chain: &L1Chain, window: &[BlockTransactions], system_config: Address) -> Vec<u64> {
    window
        .iter()
        .filter(|block| chain.header(block.number).is_some_and(|h| may_update(h, system_config)))
        .map(|block| block.number)
        .collect()
}

/// One `ConfigUpdate` (version 0), decoded as op-node decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigUpdate {
    /// Type 0.
    Batcher(Address),
    /// Type 1: the overhead and scalar words. From Ecotone on (by the L1
    /// block's time) the overhead is zeroed, and a scalar word of an unknown
    /// version or with non-zero padding is ignored (`None`).
    FeeScalars(Option<(U256, B256)>),
    /// Type 2.
    GasLimit(u64),
    /// Type 3: not read by derivation.
    UnsafeBlockSigner,
    /// Type 4 (Holocene): the EIP-1559 denominator and elasticity, packed as
    /// the payload attributes carry them.
    Eip1559Params(B64),
    /// Type 5 (Isthmus).
    OperatorFee { scalar: u32, constant: u64 },
    /// Type 6 (Jovian).
    MinBaseFee(u64),
    /// Type 7 (Jovian).
    DaFootprintGasScalar(u16),
}

fn halt(what: impl core::fmt::Display) -> FaultError {
    FaultError::Unsupported(format!("a system config update op-node cannot decode (it halts there): {what}"))
}

/// The ABI `bytes` payload of an update's data: pointer 32, then its length
/// (`len`, a multiple of 32 here), then exactly that many bytes.
fn payload(data: &[u8], len: usize) -> FaultResult<&[u8]> {
    let word_u64 = |at: usize| data.get(at..at + 32).and_then(|w| small_word(w, 8));
    if word_u64(0) != Some(32) {
        return Err(halt("the data's pointer is not 32"));
    }
    if word_u64(32) != Some(len as u64) {
        return Err(halt(format!("the data's length is not {len}")));
    }
    if data.len() != 64 + len {
        return Err(halt(format!("{} data bytes, not {}", data.len(), 64 + len)));
    }
    Ok(&data[64..])
}

/// A 32-byte word holding an unsigned integer of `bytes` bytes: the padding must be zero.
fn small_word(word: &[u8], bytes: usize) -> Option<u64> {
    let (padding, value) = word.split_at(32 - bytes);
    padding.iter().all(|b| *b == 0).then(|| value.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// Whether a scalar word is one Ecotone's rules keep: version 0 with 27 zero
/// bytes after the version, or version 1 with 23.
pub fn is_valid_ecotone_scalar(scalar: &B256) -> bool {
    match scalar[0] {
        0 => scalar[1..28].iter().all(|b| *b == 0),
        1 => scalar[1..24].iter().all(|b| *b == 0),
        _ => false,
    }
}

impl ConfigUpdate {
    /// Decodes a `ConfigUpdate` log of the `SystemConfig` contract, emitted in
    /// an L1 block at whose time Ecotone is active or not (`l1_ecotone`).
    pub fn decode(log: &Log, l1_ecotone: bool) -> FaultResult<Self> {
        let topics = log.topics();
        if topics.len() != 3 || topics[0] != CONFIG_UPDATE_TOPIC {
            return Err(halt(format!("{} topics", topics.len())));
        }
        if topics[1] != B256::ZERO {
            return Err(halt(format!("event version {}", topics[1])));
        }
        let kind = small_word(topics[2].as_slice(), 8).ok_or_else(|| halt(format!("update type {}", topics[2])))?;
        let data = log.data.data.as_ref();
        let word = |bytes: usize, what: &str| {
            payload(data, 32).and_then(|p| small_word(p, bytes).ok_or_else(|| halt(format!("{what} is not padded"))))
        };
        Ok(match kind {
            0 => {
                let p = payload(data, 32)?;
                if p[..12].iter().any(|b| *b != 0) {
                    return Err(halt("batcher address is not padded"));
                }
                ConfigUpdate::Batcher(Address::from_slice(&p[12..]))
            }
            1 => {
                let p = payload(data, 64)?;
                let (overhead, scalar) = (U256::from_be_slice(&p[..32]), B256::from_slice(&p[32..]));
                ConfigUpdate::FeeScalars(match l1_ecotone {
                    true => is_valid_ecotone_scalar(&scalar).then_some((U256::ZERO, scalar)),
                    false => Some((overhead, scalar)),
                })
            }
            2 => ConfigUpdate::GasLimit(word(8, "gas limit")?),
            // op-node ignores this update without reading its data.
            3 => ConfigUpdate::UnsafeBlockSigner,
            4 => ConfigUpdate::Eip1559Params(B64::from(word(8, "EIP-1559 parameters")?.to_be_bytes())),
            5 => {
                let p = payload(data, 32)?;
                let scalar = u32::from_be_bytes(p[20..24].try_into().map_err(|_| halt("operator fee"))?);
                let constant = u64::from_be_bytes(p[24..32].try_into().map_err(|_| halt("operator fee"))?);
                ConfigUpdate::OperatorFee { scalar, constant }
            }
            6 => ConfigUpdate::MinBaseFee(word(8, "minimum base fee")?),
            7 => ConfigUpdate::DaFootprintGasScalar(word(2, "DA footprint gas scalar")? as u16),
            other => return Err(halt(format!("unknown update type {other}"))),
        })
    }
}

/// Every `ConfigUpdate` of `system_config` in `receipts` (an L1 block at whose
/// time Ecotone is active or not), in log order.
pub fn updates(
    receipts: &[ReceiptEnvelope],
    system_config: Address,
    l1_ecotone: bool,
) -> FaultResult<Vec<ConfigUpdate>> {
    let mut out = Vec::new();
    for receipt in receipts {
        for log in receipt.logs() {
            if is_config_update(receipt.status(), log, system_config) {
                out.push(ConfigUpdate::decode(log, l1_ecotone)?);
            }
        }
    }
    Ok(out)
}

/// The system config fields derivation reads (op-node's `eth.SystemConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemConfig {
    pub batcher: Address,
    pub overhead: U256,
    pub scalar: B256,
    pub gas_limit: u64,
    pub eip1559_params: B64,
    pub operator_fee_scalar: u32,
    pub operator_fee_constant: u64,
    pub min_base_fee: u64,
    pub da_footprint_gas_scalar: u16,
}

impl SystemConfig {
    /// The config the block with `header` and L1-info deposit `info` was
    /// built with (op-node's `PayloadToSystemConfig`): the deposit's fields,
    /// its gas limit, and the EIP-1559 parameters and minimum base fee in its
    /// `extraData`; the packed scalars as a version-1 word. `timestamp` is its
    /// child's.
    pub fn of_block(config: &RollupConfig, header: &Header, info: &L1Info, timestamp: u64) -> FaultResult<Self> {
        let (overhead, scalar) = if info.format == L1InfoFormat::Bedrock {
            (info.l1_fee_overhead, B256::from(info.l1_fee_scalar))
        } else {
            let mut word = [0u8; 32];
            word[0] = 1;
            word[24..28].copy_from_slice(&info.blob_base_fee_scalar.to_be_bytes());
            word[28..32].copy_from_slice(&info.base_fee_scalar.to_be_bytes());
            (U256::ZERO, B256::from(word))
        };
        let (eip1559_params, min_base_fee) = fee_parameters(config, header, timestamp)?;
        Ok(SystemConfig {
            batcher: info.batcher()?,
            overhead,
            scalar,
            gas_limit: header.gas_limit,
            eip1559_params: eip1559_params.unwrap_or_default(),
            operator_fee_scalar: info.operator_fee_scalar,
            operator_fee_constant: info.operator_fee_constant,
            min_base_fee: min_base_fee.unwrap_or_default(),
            da_footprint_gas_scalar: info.da_footprint_gas_scalar,
        })
    }

    pub fn apply(&mut self, update: ConfigUpdate) {
        match update {
            ConfigUpdate::Batcher(batcher) => self.batcher = batcher,
            ConfigUpdate::FeeScalars(Some((overhead, scalar))) => (self.overhead, self.scalar) = (overhead, scalar),
            ConfigUpdate::FeeScalars(None) | ConfigUpdate::UnsafeBlockSigner => {}
            ConfigUpdate::GasLimit(gas_limit) => self.gas_limit = gas_limit,
            ConfigUpdate::Eip1559Params(params) => self.eip1559_params = params,
            ConfigUpdate::OperatorFee { scalar, constant } => {
                (self.operator_fee_scalar, self.operator_fee_constant) = (scalar, constant)
            }
            ConfigUpdate::MinBaseFee(min) => self.min_base_fee = min,
            ConfigUpdate::DaFootprintGasScalar(scalar) => self.da_footprint_gas_scalar = scalar,
        }
    }

    /// Applies the updates of a new L1 origin's `receipts` (`origin`: its header).
    pub fn update_with_receipts(
        &mut self,
        config: &RollupConfig,
        origin: &Header,
        receipts: &[ReceiptEnvelope],
    ) -> FaultResult<()> {
        let ecotone = config.forks.is_active(OpHardfork::Ecotone, origin.timestamp);
        for update in updates(receipts, config.system_config, ecotone)? {
            self.apply(update);
        }
        Ok(())
    }

    /// The EIP-1559 parameters and minimum base fee of the payload attributes
    /// of the block at `timestamp` (from Holocene and Jovian on).
    pub fn fee_attributes(&self, config: &RollupConfig, timestamp: u64) -> (Option<B64>, Option<u64>) {
        let forks = &config.forks;
        (
            forks.is_active(OpHardfork::Holocene, timestamp).then_some(self.eip1559_params),
            forks.is_active(OpHardfork::Jovian, timestamp).then_some(self.min_base_fee),
        )
    }

    /// `info` (its L1 fields kept) with the fields this config sets: the
    /// batcher, the fee scalars (decoded from the scalar word for the packed
    /// formats, as op-node's `DecodeScalar`), the operator fee and the DA
    /// footprint gas scalar.
    pub fn l1_info(&self, info: L1Info) -> FaultResult<L1Info> {
        let mut out = L1Info {
            batcher_hash: self.batcher.into_word(),
            operator_fee_scalar: self.operator_fee_scalar,
            operator_fee_constant: self.operator_fee_constant,
            da_footprint_gas_scalar: self.da_footprint_gas_scalar,
            ..info
        };
        let word = self.scalar;
        let u32_at = |at: usize| u32::from_be_bytes([word[at], word[at + 1], word[at + 2], word[at + 3]]);
        match (info.format, word[0]) {
            (L1InfoFormat::Bedrock, _) => {
                (out.l1_fee_overhead, out.l1_fee_scalar) = (self.overhead, U256::from_be_bytes(word.0));
            }
            (_, 0) => (out.blob_base_fee_scalar, out.base_fee_scalar) = (0, u32_at(28)),
            (_, 1) => (out.blob_base_fee_scalar, out.base_fee_scalar) = (u32_at(24), u32_at(28)),
            (_, version) => return Err(halt(format!("a fee scalar word of version {version}"))),
        }
        Ok(out)
    }
}

/// The batcher whose transactions count in each block of `window`, in order:
/// the agreed block's, updated by the `ConfigUpdate`s of every block after its
/// L1 origin up to and including that block. A batcher update in a window
/// block at or before that origin is refused: the agreed block's config
/// already includes it, and the batcher before it is not known.
pub fn batchers(
    config: &RollupConfig,
    chain: &L1Chain,
    parent: &AgreedBlock,
    window: &[BlockTransactions],
    receipts: &[BlockReceipts],
) -> FaultResult<Vec<Address>> {
    let origin = parent.l1_info.l1_number;
    let mut batcher = parent.l1_info.batcher()?;
    let mut out = Vec::with_capacity(window.len());
    for block in window {
        let header = chain.require(block.number, "an L1 block whose batcher data is read")?;
        if may_update(header, config.system_config) {
            let given = receipts.iter().find(|r| r.number == block.number).ok_or_else(|| {
                FaultError::L1Data(format!(
                    "the receipts of L1 block {} are needed: its logs bloom may hold a system config update",
                    block.number
                ))
            })?;
            let ecotone = config.forks.is_active(OpHardfork::Ecotone, header.timestamp);
            let in_block = |e: FaultError| match e {
                FaultError::Unsupported(m) => FaultError::Unsupported(format!("L1 block {}: {m}", block.number)),
                other => other,
            };
            for update in updates(&verify_receipts(chain, given)?, config.system_config, ecotone).map_err(in_block)? {
                if let ConfigUpdate::Batcher(next) = update {
                    if block.number <= origin {
                        return Err(FaultError::Unsupported(format!(
                            "L1 block {}, at or before the agreed block's L1 origin {origin}, rotates the batcher; \
                             the batcher before it is not known",
                            block.number
                        )));
                    }
                    batcher = next;
                }
            }
        }
        out.push(batcher);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;

    use super::CONFIG_UPDATE_TOPIC;
    use crate::deposits::DEPOSIT_EVENT_TOPIC;

    #[test]
    fn the_event_topics_are_the_hashes_of_their_signatures() {
        assert_eq!(CONFIG_UPDATE_TOPIC, keccak256("ConfigUpdate(uint256,uint8,bytes)"));
        assert_eq!(DEPOSIT_EVENT_TOPIC, keccak256("TransactionDeposited(address,address,uint256,bytes)"));
    }
}

//! The L1-info deposit: the first transaction of every L2 block.
//!
//! Bedrock (ABI-encoded `setL1BlockValues`, `specs/protocol/deposits.md`), and
//! the packed Ecotone, Isthmus and Jovian formats
//! (`specs/protocol/{ecotone,isthmus,jovian}/l1-attributes.md`). The program reads
//! the parent block's L1-info deposit for the system config in force (fee
//! scalars, batcher) and the parent's L1 origin and sequence number, then writes
//! block `N`'s with the L1 fields of `N`'s origin.

use alloc::{format, vec::Vec};

use alloy_consensus::Header;
use alloy_eips::{eip2718::Encodable2718, eip4844::fake_exponential};
use alloy_primitives::{address, keccak256, Address, Bytes, TxKind, B256, U256};
use op_alloy_consensus::{L1InfoDepositSource, OpTxEnvelope, TxDeposit};
use refute_forks::OpHardfork;

use crate::error::{FaultError, FaultResult};

/// The L1-info deposit's sender (`L1_INFO_DEPOSITER_ADDRESS`).
pub const L1_INFO_DEPOSITOR: Address = address!("deaddeaddeaddeaddeaddeaddeaddeaddead0001");
/// The `L1Block` predeploy the deposit calls.
pub const L1_BLOCK_PREDEPLOY: Address = address!("4200000000000000000000000000000000000015");
/// Gas of the L1-info deposit from Regolith on.
pub const L1_INFO_GAS: u64 = 1_000_000;
/// EIP-4844 `MIN_BASE_FEE_PER_BLOB_GAS`.
const MIN_BLOB_BASE_FEE: u128 = 1;

/// Which `setL1BlockValues*` method a block's L1-info deposit calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L1InfoFormat {
    /// `setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)`, ABI-encoded.
    Bedrock,
    Ecotone,
    Isthmus,
    Jovian,
}

impl L1InfoFormat {
    /// The format of a block at a fork (outside activation blocks, which the
    /// program refuses).
    pub fn for_fork(fork: OpHardfork) -> FaultResult<Self> {
        Ok(match fork {
            OpHardfork::Bedrock | OpHardfork::Regolith | OpHardfork::Canyon => L1InfoFormat::Bedrock,
            OpHardfork::Jovian | OpHardfork::Karst => L1InfoFormat::Jovian,
            OpHardfork::Isthmus => L1InfoFormat::Isthmus,
            OpHardfork::Ecotone | OpHardfork::Fjord | OpHardfork::Granite | OpHardfork::Holocene => {
                L1InfoFormat::Ecotone
            }
            _ => L1InfoFormat::Bedrock,
        })
    }

    fn signature(self) -> &'static str {
        match self {
            L1InfoFormat::Bedrock => "setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)",
            L1InfoFormat::Ecotone => "setL1BlockValuesEcotone()",
            L1InfoFormat::Isthmus => "setL1BlockValuesIsthmus()",
            L1InfoFormat::Jovian => "setL1BlockValuesJovian()",
        }
    }

    /// `keccak256(signature)[..4]`.
    pub fn selector(self) -> [u8; 4] {
        let mut out = [0u8; 4];
        out.copy_from_slice(&keccak256(self.signature().as_bytes())[..4]);
        out
    }

    /// Calldata length including the selector.
    pub fn calldata_len(self) -> usize {
        match self {
            L1InfoFormat::Bedrock => 4 + 8 * 32,
            L1InfoFormat::Ecotone => 164,
            L1InfoFormat::Isthmus => 176,
            L1InfoFormat::Jovian => 178,
        }
    }
}

/// The fields of an L1-info deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L1Info {
    pub format: L1InfoFormat,
    pub base_fee_scalar: u32,
    pub blob_base_fee_scalar: u32,
    pub sequence_number: u64,
    pub l1_timestamp: u64,
    pub l1_number: u64,
    pub l1_base_fee: U256,
    pub l1_blob_base_fee: U256,
    pub l1_hash: B256,
    pub batcher_hash: B256,
    pub operator_fee_scalar: u32,
    pub operator_fee_constant: u64,
    pub da_footprint_gas_scalar: u16,
    /// Bedrock's fee parameters (the packed formats replace them by the scalars above).
    pub l1_fee_overhead: U256,
    pub l1_fee_scalar: U256,
}

fn take<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&data[at..at + N]);
    out
}

impl L1Info {
    /// Reads the calldata of an L1-info deposit in `format`.
    pub fn decode(format: L1InfoFormat, data: &[u8]) -> FaultResult<Self> {
        if data.len() != format.calldata_len() || data[..4] != format.selector() {
            return Err(FaultError::AgreedState(format!(
                "the parent block's first transaction is not a {format:?} L1-info deposit ({} calldata bytes)",
                data.len()
            )));
        }
        if format == L1InfoFormat::Bedrock {
            return Self::decode_bedrock(data);
        }
        let extended = format != L1InfoFormat::Ecotone;
        Ok(L1Info {
            format,
            base_fee_scalar: u32::from_be_bytes(take(data, 4)),
            blob_base_fee_scalar: u32::from_be_bytes(take(data, 8)),
            sequence_number: u64::from_be_bytes(take(data, 12)),
            l1_timestamp: u64::from_be_bytes(take(data, 20)),
            l1_number: u64::from_be_bytes(take(data, 28)),
            l1_base_fee: U256::from_be_bytes(take::<32>(data, 36)),
            l1_blob_base_fee: U256::from_be_bytes(take::<32>(data, 68)),
            l1_hash: B256::from(take::<32>(data, 100)),
            batcher_hash: B256::from(take::<32>(data, 132)),
            operator_fee_scalar: if extended { u32::from_be_bytes(take(data, 164)) } else { 0 },
            operator_fee_constant: if extended { u64::from_be_bytes(take(data, 168)) } else { 0 },
            da_footprint_gas_scalar: if format == L1InfoFormat::Jovian {
                u16::from_be_bytes(take(data, 176))
            } else {
                0
            },
            l1_fee_overhead: U256::ZERO,
            l1_fee_scalar: U256::ZERO,
        })
    }

    /// The ABI words of the Bedrock format; the uint64 ones must fit.
    fn decode_bedrock(data: &[u8]) -> FaultResult<Self> {
        let word = |i: usize| U256::from_be_bytes(take::<32>(data, 4 + 32 * i));
        let small = |i: usize| {
            u64::try_from(word(i)).map_err(|_| {
                FaultError::AgreedState(format!("the parent's Bedrock L1-info argument {i} does not fit a uint64"))
            })
        };
        Ok(L1Info {
            format: L1InfoFormat::Bedrock,
            base_fee_scalar: 0,
            blob_base_fee_scalar: 0,
            l1_number: small(0)?,
            l1_timestamp: small(1)?,
            l1_base_fee: word(2),
            l1_hash: B256::from(take::<32>(data, 4 + 32 * 3)),
            sequence_number: small(4)?,
            batcher_hash: B256::from(take::<32>(data, 4 + 32 * 5)),
            l1_fee_overhead: word(6),
            l1_fee_scalar: word(7),
            l1_blob_base_fee: U256::ZERO,
            operator_fee_scalar: 0,
            operator_fee_constant: 0,
            da_footprint_gas_scalar: 0,
        })
    }

    /// The calldata bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.format.calldata_len());
        out.extend_from_slice(&self.format.selector());
        if self.format == L1InfoFormat::Bedrock {
            for word in [
                U256::from(self.l1_number),
                U256::from(self.l1_timestamp),
                self.l1_base_fee,
                U256::from_be_bytes(self.l1_hash.0),
                U256::from(self.sequence_number),
                U256::from_be_bytes(self.batcher_hash.0),
                self.l1_fee_overhead,
                self.l1_fee_scalar,
            ] {
                out.extend_from_slice(&word.to_be_bytes::<32>());
            }
            return out;
        }
        out.extend_from_slice(&self.base_fee_scalar.to_be_bytes());
        out.extend_from_slice(&self.blob_base_fee_scalar.to_be_bytes());
        out.extend_from_slice(&self.sequence_number.to_be_bytes());
        out.extend_from_slice(&self.l1_timestamp.to_be_bytes());
        out.extend_from_slice(&self.l1_number.to_be_bytes());
        out.extend_from_slice(&self.l1_base_fee.to_be_bytes::<32>());
        out.extend_from_slice(&self.l1_blob_base_fee.to_be_bytes::<32>());
        out.extend_from_slice(self.l1_hash.as_slice());
        out.extend_from_slice(self.batcher_hash.as_slice());
        if self.format != L1InfoFormat::Ecotone {
            out.extend_from_slice(&self.operator_fee_scalar.to_be_bytes());
            out.extend_from_slice(&self.operator_fee_constant.to_be_bytes());
        }
        if self.format == L1InfoFormat::Jovian {
            out.extend_from_slice(&self.da_footprint_gas_scalar.to_be_bytes());
        }
        out
    }

    /// The batcher address the system config names (`batcherHash` is it, left-padded).
    pub fn batcher(&self) -> FaultResult<Address> {
        if self.batcher_hash[..12].iter().any(|b| *b != 0) {
            return Err(FaultError::Unsupported(format!("batcher hash {} is not a padded address", self.batcher_hash)));
        }
        Ok(Address::from_slice(&self.batcher_hash[12..]))
    }

    /// The same system config, with the L1 fields of `origin` (a new epoch: sequence 0).
    /// `blob_update_fraction` is read only by the formats that carry a blob base fee.
    pub fn with_origin(
        &self,
        origin: &Header,
        blob_update_fraction: impl Fn() -> FaultResult<u64>,
    ) -> FaultResult<Self> {
        let blob_base_fee = if self.format == L1InfoFormat::Bedrock {
            0
        } else {
            let excess = origin.excess_blob_gas.ok_or_else(|| {
                FaultError::Unsupported(format!("L1 origin {} has no excess_blob_gas (pre-Cancun L1)", origin.number))
            })?;
            fake_exponential(MIN_BLOB_BASE_FEE, excess as u128, blob_update_fraction()? as u128)
        };
        let base_fee = origin
            .base_fee_per_gas
            .ok_or_else(|| FaultError::L1Data(format!("L1 origin {} has no base fee", origin.number)))?;
        Ok(L1Info {
            sequence_number: 0,
            l1_timestamp: origin.timestamp,
            l1_number: origin.number,
            l1_base_fee: U256::from(base_fee),
            l1_blob_base_fee: U256::from(blob_base_fee),
            l1_hash: origin.hash_slow(),
            ..*self
        })
    }

    /// The deposit transaction carrying this calldata (EIP-2718 bytes).
    pub fn deposit_transaction(&self) -> Bytes {
        let source = L1InfoDepositSource::new(self.l1_hash, self.sequence_number);
        let tx = TxDeposit {
            source_hash: source.source_hash(),
            from: L1_INFO_DEPOSITOR,
            to: TxKind::Call(L1_BLOCK_PREDEPLOY),
            mint: 0,
            value: U256::ZERO,
            gas_limit: L1_INFO_GAS,
            is_system_transaction: false,
            input: Bytes::from(self.encode()),
        };
        Bytes::from(OpTxEnvelope::Deposit(alloy_primitives::Sealed::new(tx)).encoded_2718())
    }
}

/// Reads the L1-info calldata out of a block's first transaction.
pub fn parse_deposit(format: L1InfoFormat, raw: &[u8]) -> FaultResult<L1Info> {
    let mut buf = raw;
    let tx = <OpTxEnvelope as alloy_eips::Decodable2718>::decode_2718(&mut buf)
        .map_err(|e| FaultError::AgreedState(format!("the parent's first transaction does not decode: {e}")))?;
    let OpTxEnvelope::Deposit(deposit) = tx else {
        return Err(FaultError::AgreedState("the parent's first transaction is not a deposit".into()));
    };
    if deposit.from != L1_INFO_DEPOSITOR || deposit.to != TxKind::Call(L1_BLOCK_PREDEPLOY) {
        return Err(FaultError::AgreedState("the parent's first deposit is not the L1-info deposit".into()));
    }
    L1Info::decode(format, &deposit.input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_the_specs() {
        assert_eq!(L1InfoFormat::Bedrock.selector(), [0x01, 0x5d, 0x8e, 0xb9]);
        assert_eq!(L1InfoFormat::Ecotone.selector(), [0x44, 0x0a, 0x5e, 0x20]);
        assert_eq!(L1InfoFormat::Isthmus.selector(), [0x09, 0x89, 0x99, 0xbe]);
        assert_eq!(L1InfoFormat::Jovian.selector(), [0x3d, 0xb6, 0xbe, 0x2b]);
    }

    #[test]
    fn round_trip_each_format() {
        for format in [L1InfoFormat::Bedrock, L1InfoFormat::Ecotone, L1InfoFormat::Isthmus, L1InfoFormat::Jovian] {
            let bedrock = format == L1InfoFormat::Bedrock;
            let info = L1Info {
                format,
                base_fee_scalar: if bedrock { 0 } else { 1 },
                blob_base_fee_scalar: if bedrock { 0 } else { 2 },
                sequence_number: 3,
                l1_timestamp: 4,
                l1_number: 5,
                l1_base_fee: U256::from(6),
                l1_blob_base_fee: U256::from(if bedrock { 0 } else { 7 }),
                l1_hash: B256::repeat_byte(8),
                batcher_hash: B256::left_padding_from(&[9; 20]),
                operator_fee_scalar: if bedrock || format == L1InfoFormat::Ecotone { 0 } else { 10 },
                operator_fee_constant: if bedrock || format == L1InfoFormat::Ecotone { 0 } else { 11 },
                da_footprint_gas_scalar: if format == L1InfoFormat::Jovian { 12 } else { 0 },
                l1_fee_overhead: U256::from(if bedrock { 188 } else { 0 }),
                l1_fee_scalar: U256::from(if bedrock { 684_000 } else { 0 }),
            };
            let data = info.encode();
            assert_eq!(data.len(), format.calldata_len());
            assert_eq!(L1Info::decode(format, &data).expect("decodes"), info);
            let raw = info.deposit_transaction();
            assert_eq!(parse_deposit(format, &raw).expect("parses"), info);
        }
    }
}

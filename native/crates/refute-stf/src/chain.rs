//! Chain configuration: chain ID, fork activation times, blob schedule.
//!
//! Why timestamps and not a single fork name: blocks around an upgrade
//! (e.g. the blockchain tests' `CancunToPragueAtTime15k`) switch rules mid-chain,
//! and L2s schedule forks by time too. A single fork is the special case of all
//! times being zero.

use alloy_primitives::{address, Address};
use alloy_rlp::{RlpDecodable, RlpEncodable};
pub use refute_forks::{EthForkSchedule, EthereumHardfork};
use revm::primitives::hardfork::SpecId;

use crate::error::StfError;

/// The OP Stack L2ToL1MessagePasser predeploy, whose storage root enters output roots.
pub const MESSAGE_PASSER: Address = address!("4200000000000000000000000000000000000016");
/// Mainnet's beacon deposit contract (EIP-6110), also used by the blockchain tests.
pub const MAINNET_DEPOSIT_CONTRACT: Address = address!("00000000219ab540356cbb839cbe05303d7705fa");

/// The fork rules a block runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fork {
    Paris,
    Shanghai,
    Cancun,
    Prague,
}

impl Fork {
    pub fn spec_id(self) -> SpecId {
        match self {
            Fork::Paris => SpecId::MERGE,
            Fork::Shanghai => SpecId::SHANGHAI,
            Fork::Cancun => SpecId::CANCUN,
            Fork::Prague => SpecId::PRAGUE,
        }
    }

    /// The same fork as `alloy-hardforks` names it.
    pub fn hardfork(self) -> EthereumHardfork {
        match self {
            Fork::Paris => EthereumHardfork::Paris,
            Fork::Shanghai => EthereumHardfork::Shanghai,
            Fork::Cancun => EthereumHardfork::Cancun,
            Fork::Prague => EthereumHardfork::Prague,
        }
    }
}

/// EIP-4844/7691 blob parameters of one fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq, RlpEncodable, RlpDecodable)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct BlobParams {
    pub target: u64,
    pub max: u64,
    pub update_fraction: u64,
}

impl BlobParams {
    pub const CANCUN: BlobParams = BlobParams { target: 3, max: 6, update_fraction: 3_338_477 };
    pub const PRAGUE: BlobParams = BlobParams { target: 6, max: 9, update_fraction: 5_007_716 };
}

/// Everything about a chain that changes how a block executes.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct ChainConfig {
    pub chain_id: u64,
    /// Shanghai, Cancun and Prague activation times (Paris from genesis).
    pub forks: EthForkSchedule,
    pub cancun_blobs: BlobParams,
    pub prague_blobs: BlobParams,
    pub deposit_contract: Address,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig::with_fork(1, Fork::Prague)
    }
}

impl ChainConfig {
    /// A chain on which `fork` (and everything before it) is active from genesis.
    pub fn with_fork(chain_id: u64, fork: Fork) -> Self {
        ChainConfig {
            chain_id,
            forks: EthForkSchedule::active_through(fork.hardfork()),
            cancun_blobs: BlobParams::CANCUN,
            prague_blobs: BlobParams::PRAGUE,
            deposit_contract: MAINNET_DEPOSIT_CONTRACT,
        }
    }

    /// The configuration of an Ethereum blockchain test `network`.
    pub fn from_network(chain_id: u64, network: &str) -> Result<Self, StfError> {
        let single = |f| Ok(ChainConfig::with_fork(chain_id, f));
        match network {
            "Paris" | "Merge" => single(Fork::Paris),
            "Shanghai" => single(Fork::Shanghai),
            "Cancun" => single(Fork::Cancun),
            "Prague" => single(Fork::Prague),
            "ShanghaiToCancunAtTime15k" => {
                let mut c = ChainConfig::with_fork(chain_id, Fork::Shanghai);
                c.forks.cancun = Some(15_000);
                Ok(c)
            }
            "CancunToPragueAtTime15k" => {
                let mut c = ChainConfig::with_fork(chain_id, Fork::Cancun);
                c.forks.prague = Some(15_000);
                Ok(c)
            }
            other => Err(StfError::Config(alloc::format!(
                "network {other:?} is not supported (stateless execution covers Paris, Shanghai, Cancun and Prague)"
            ))),
        }
    }

    /// The fork active at `timestamp`.
    pub fn fork_at(&self, timestamp: u64) -> Fork {
        match self.forks.fork_at(timestamp) {
            EthereumHardfork::Prague => Fork::Prague,
            EthereumHardfork::Cancun => Fork::Cancun,
            EthereumHardfork::Shanghai => Fork::Shanghai,
            _ => Fork::Paris,
        }
    }

    /// Blob parameters at `fork` (None before Cancun).
    pub fn blob_params(&self, fork: Fork) -> Option<BlobParams> {
        match fork {
            Fork::Paris | Fork::Shanghai => None,
            Fork::Cancun => Some(self.cancun_blobs),
            Fork::Prague => Some(self.prague_blobs),
        }
    }
}

#[cfg(feature = "std")]
mod json {
    //! JSON form: `{"chain_id": 1, "fork": "Prague"}` or explicit times
    //! (`shanghai_time`, `cancun_time`, `prague_time`, null = never), or a
    //! blockchain-test `network` name.
    use super::*;
    use alloc::string::String;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ChainConfigJson {
        #[serde(default = "one", alias = "chainId", alias = "chainid")]
        chain_id: u64,
        #[serde(default)]
        fork: Option<String>,
        #[serde(default)]
        network: Option<String>,
        #[serde(default, alias = "shanghaiTime")]
        shanghai_time: Option<u64>,
        #[serde(default, alias = "cancunTime")]
        cancun_time: Option<u64>,
        #[serde(default, alias = "pragueTime")]
        prague_time: Option<u64>,
        #[serde(default)]
        cancun_blobs: Option<BlobParams>,
        #[serde(default)]
        prague_blobs: Option<BlobParams>,
        #[serde(default)]
        deposit_contract: Option<Address>,
    }

    fn one() -> u64 {
        1
    }

    impl ChainConfig {
        /// Parses the JSON form (see the module docs).
        pub fn from_json(text: &[u8]) -> Result<Self, StfError> {
            let j: ChainConfigJson =
                serde_json::from_slice(text).map_err(|e| StfError::Config(alloc::format!("bad JSON: {e}")))?;
            let mut c = match (&j.fork, &j.network) {
                (Some(f), None) | (None, Some(f)) => ChainConfig::from_network(j.chain_id, f)?,
                (None, None) => {
                    let mut c = ChainConfig::with_fork(j.chain_id, Fork::Paris);
                    if j.shanghai_time.is_none() && j.cancun_time.is_none() && j.prague_time.is_none() {
                        c = ChainConfig::with_fork(j.chain_id, Fork::Prague);
                    }
                    c
                }
                (Some(_), Some(_)) => return Err(StfError::Config("give `fork` or `network`, not both".into())),
            };
            if let Some(t) = j.shanghai_time {
                c.forks.shanghai = Some(t);
            }
            if let Some(t) = j.cancun_time {
                c.forks.cancun = Some(t);
            }
            if let Some(t) = j.prague_time {
                c.forks.prague = Some(t);
            }
            if let Some(b) = j.cancun_blobs {
                c.cancun_blobs = b;
            }
            if let Some(b) = j.prague_blobs {
                c.prague_blobs = b;
            }
            if let Some(a) = j.deposit_contract {
                c.deposit_contract = a;
            }
            if c.forks.validate().is_err() {
                return Err(StfError::Config("fork times must be ordered shanghai <= cancun <= prague".into()));
            }
            Ok(c)
        }
    }
}

//! OP Stack execution rules: chain specs, payloads, header fields and the
//! block executor (op-reth's, from `alloy-op-evm`).

pub mod block;
pub mod execute;
pub mod header;
pub mod payload;
pub mod spec;

pub use execute::execute_payload;
pub use payload::{OpBlock, OpPayload};
pub use spec::OpChainSpec;

//! The crates' typed errors as C-ABI error objects: one kind per variant, with
//! the variant's values as fields.
//!
//! The kinds are part of the ABI (Python's `refute.prover.native` maps each to
//! an exception type); add kinds, never repurpose one.
//!
//! | kind | status | fields |
//! |---|---|---|
//! | `invalid_input` | INVALID | — |
//! | `da` | INVALID | `layer` (blob, frame, channel, batch, tx), `offset` |
//! | `malformed_block` | INVALID | — |
//! | `invalid_header` | INVALID | — |
//! | `invalid_transaction` | INVALID | `index` |
//! | `header_mismatch` | INVALID | `field`, `expected`, `computed` |
//! | `system_call` | INVALID | `contract` |
//! | `malformed_witness` | INVALID | — |
//! | `witness` | INVALID | — |
//! | `missing_node` | INVALID | `what`, `hash`, `path` (nibbles, hex) |
//! | `invalid_node` | INVALID | `what`, `hash` |
//! | `invalid_config` | INVALID | — |
//! | `agreed_state` | INVALID | — |
//! | `l1_data` | INVALID | — |
//! | `blob_binding` | INVALID | — |
//! | `derivation` | INVALID | — |
//! | `window_start` | INVALID | — |
//! | `l2_ancestors` | INVALID | `oldest`, `transactions_through` (L2 block numbers) |
//! | `unsupported` | INVALID | — |
//! | `invalid_program` | INVALID | — |
//! | `guest_failed` | INVALID | `exit_code` when the guest halted |
//! | `verification_failed` | INVALID | — |
//! | `unavailable` | UNAVAILABLE | — |
//! | `bad_argument` | BAD_ARGUMENT | — |
//! | `internal`, `panic` | INTERNAL | — |

use refute_da::DaError;
use refute_fault::FaultError;
use refute_stf::mpt::MptError;
use refute_stf::StfError;

use crate::ffi::FfiError;

impl From<DaError> for FfiError {
    fn from(e: DaError) -> Self {
        FfiError::invalid_kind("da", e.to_string()).with("layer", e.layer.name()).with("offset", e.offset)
    }
}

fn nibbles_hex(path: &[u8]) -> String {
    path.iter().map(|n| format!("{n:x}")).collect()
}

impl From<StfError> for FfiError {
    fn from(e: StfError) -> Self {
        let message = e.to_string();
        match e {
            StfError::MalformedBlock(_) => FfiError::invalid_kind("malformed_block", message),
            StfError::InvalidHeader(_) => FfiError::invalid_kind("invalid_header", message),
            StfError::InvalidTransaction { index, .. } => {
                FfiError::invalid_kind("invalid_transaction", message).with("index", index)
            }
            StfError::HeaderMismatch { field, expected, computed } => {
                FfiError::invalid_kind("header_mismatch", message)
                    .with("field", field)
                    .with("expected", expected)
                    .with("computed", computed)
            }
            StfError::SystemCall { contract, .. } => {
                FfiError::invalid_kind("system_call", message).with("contract", contract.to_string())
            }
            StfError::MalformedWitness(_) => FfiError::invalid_kind("malformed_witness", message),
            StfError::Witness(_) => FfiError::invalid_kind("witness", message),
            StfError::Trie { what, source: MptError::MissingNode { hash, path } } => {
                FfiError::invalid_kind("missing_node", message)
                    .with("what", what)
                    .with("hash", hash.to_string())
                    .with("path", nibbles_hex(&path))
            }
            StfError::Trie { what, source: MptError::InvalidNode { hash, .. } } => {
                FfiError::invalid_kind("invalid_node", message).with("what", what).with("hash", hash.to_string())
            }
            StfError::Config(_) => FfiError::invalid_kind("invalid_config", message),
        }
    }
}

impl From<FaultError> for FfiError {
    fn from(e: FaultError) -> Self {
        match e {
            FaultError::Da(e) => e.into(),
            FaultError::Execution(e) => e.into(),
            FaultError::MalformedInput(_) => FfiError::invalid_kind("invalid_input", e.to_string()),
            FaultError::Generate(_) => FfiError::internal(e.to_string()),
            FaultError::Sequencer(_) => FfiError::invalid_kind("invalid_input", e.to_string()),
            FaultError::AgreedState(_)
            | FaultError::L1Data(_)
            | FaultError::BlobBinding(_)
            | FaultError::Derivation(_)
            | FaultError::WindowStart(_)
            | FaultError::Unsupported(_) => FfiError::invalid_kind(e.kind(), e.to_string()),
            FaultError::L2Ancestors { oldest, transactions_through, .. } => {
                FfiError::invalid_kind(e.kind(), e.to_string())
                    .with("oldest", oldest)
                    .with("transactions_through", transactions_through)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloy_primitives::B256;
    use refute_da::error::Layer;
    use serde_json::Value;

    fn object(e: FfiError) -> Value {
        serde_json::from_slice(&e.to_json_bytes()).unwrap()
    }

    #[test]
    fn da_errors_keep_layer_and_offset() {
        let v = object(DaError::new(Layer::Frame, 17, "bad frame").into());
        assert_eq!(v["version"], 1);
        assert_eq!(v["kind"], "da");
        assert_eq!(v["fields"]["layer"], "frame");
        assert_eq!(v["fields"]["offset"], 17);
        assert_eq!(v["message"], "frame layer, offset 17: bad frame");
    }

    #[test]
    fn missing_nodes_keep_hash_and_path() {
        let hash = B256::repeat_byte(0xab);
        let e =
            StfError::Trie { what: "account 0x01".into(), source: MptError::MissingNode { hash, path: vec![1, 0xa] } };
        let v = object(e.into());
        assert_eq!(v["kind"], "missing_node");
        assert_eq!(v["fields"]["hash"], hash.to_string());
        assert_eq!(v["fields"]["path"], "1a");
        assert_eq!(v["fields"]["what"], "account 0x01");
    }

    #[test]
    fn header_mismatches_keep_both_values() {
        let e = StfError::HeaderMismatch { field: "state_root", expected: "0x01".into(), computed: "0x02".into() };
        let v = object(e.into());
        assert_eq!(v["kind"], "header_mismatch");
        assert_eq!(v["fields"]["field"], "state_root");
        assert_eq!(v["fields"]["expected"], "0x01");
        assert_eq!(v["fields"]["computed"], "0x02");
    }
}

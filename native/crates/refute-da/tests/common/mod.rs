//! Shared helpers for the integration tests: the third-party fixtures.

// The fixture location and missing-fixture policy are shared with refute-stf's tests.
#[path = "../../../refute-stf/tests/common/fixtures.rs"]
mod fixtures;

pub use fixtures::*;

/// The folder of the Unichain mainnet blobs, under the fixtures folder.
pub const UNICHAIN_DIR: &str = "op-derivation/unichain-mainnet-blobs";
/// The Unichain blobs of batcher tx 0x713d467f…131e, in their order within it (#0, #1, #2).
pub const UNICHAIN_BLOBS: [&str; 3] = [
    "blob_13380190_0x010d628a3a0dfa67dcef83700e3112944385031479b9ee30b767448f23eec5b4.bin",
    "blob_13380190_0x01cdba5028140db2b9c051371c8101b449177da4b3e4b06e0e44d1fb8843b156.bin",
    "blob_13380190_0x01066ce0dde5a705b8a856c9c4c4df7ec371149dc54e5c9151a4959b0bc0de9d.bin",
];

/// The bytes of Unichain blob `index` (see [`UNICHAIN_BLOBS`]), or None when absent.
#[allow(dead_code)]
pub fn unichain_blob(index: usize) -> Option<Vec<u8>> {
    read(&format!("{UNICHAIN_DIR}/{}", UNICHAIN_BLOBS[index]))
}

/// All three Unichain blobs in order, or None when any is absent.
#[allow(dead_code)]
pub fn unichain_blobs() -> Option<Vec<Vec<u8>>> {
    (0..UNICHAIN_BLOBS.len()).map(unichain_blob).collect()
}

/// The Unichain brotli channel: the one frame of each blob, in order, or None
/// when any blob is absent.
#[allow(dead_code)]
pub fn unichain_channel() -> Option<Vec<u8>> {
    let blobs = unichain_blobs()?;
    let frames = |b: &Vec<u8>| refute_da::frame::parse_frames(&refute_da::blob::decode(b).unwrap()).unwrap();
    Some(blobs.iter().flat_map(|b| frames(b).remove(0).data).collect())
}

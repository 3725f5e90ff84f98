//! Locating the shared third-party fixtures ($REFUTE_FIXTURES, default <repo>/../shared).

use std::path::PathBuf;

pub fn fixtures() -> Option<PathBuf> {
    let base = std::env::var_os("REFUTE_FIXTURES").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared")
    });
    for candidate in [base.join("fixtures"), base.clone()] {
        if candidate.join("SOURCES.md").exists() {
            return Some(candidate);
        }
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: shared fixtures are required");
    eprintln!("SKIP: shared fixtures not found under {} (set REFUTE_FIXTURES)", base.display());
    None
}

#[allow(dead_code)]
pub fn read(rel: &str) -> Option<Vec<u8>> {
    let dir = fixtures()?;
    Some(std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("reading fixture {rel}: {e}")))
}

#[allow(dead_code)]
pub fn unichain_blobs() -> Option<Vec<Vec<u8>>> {
    let dir = fixtures()?.join("op-derivation/unichain-mainnet-blobs");
    // Blob order within the batcher tx: #0, #1, #2.
    let names = [
        "blob_13380190_0x010d628a3a0dfa67dcef83700e3112944385031479b9ee30b767448f23eec5b4.bin",
        "blob_13380190_0x01cdba5028140db2b9c051371c8101b449177da4b3e4b06e0e44d1fb8843b156.bin",
        "blob_13380190_0x01066ce0dde5a705b8a856c9c4c4df7ec371149dc54e5c9151a4959b0bc0de9d.bin",
    ];
    Some(names.iter().map(|n| std::fs::read(dir.join(n)).expect("unichain blob")).collect())
}

//! Shared helpers for the integration tests: where the third-party fixtures are.
use std::path::PathBuf;

/// `$REFUTE_FIXTURES/fixtures` or `<repo>/../shared/fixtures`; None if absent.
pub fn fixtures() -> Option<PathBuf> {
    let base = std::env::var_os("REFUTE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared"));
    let dir = if base.join("fixtures").is_dir() { base.join("fixtures") } else { base };
    if dir.join("eth-blockchain-tests").is_dir() {
        Some(dir)
    } else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: shared fixtures are required");
        eprintln!("SKIP: shared fixtures not found (set REFUTE_FIXTURES to the folder holding fixtures/)");
        None
    }
}

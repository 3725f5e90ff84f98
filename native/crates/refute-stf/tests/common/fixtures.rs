//! Where the shared third-party fixtures are, and what a test does when one is
//! absent: under `CI=true` it fails; otherwise it prints `skipping: <path> missing`
//! and returns early (the Rust test harness has no skipped state).
//!
//! Used by the integration tests of refute-stf and refute-da (the latter includes
//! this file by path), so both crates apply the same policy as the Python tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

const HINT: &str = "set REFUTE_FIXTURES to the shared/ directory";

/// The `fixtures/` folder of `$REFUTE_FIXTURES` (default `<repo>/../shared`), or
/// `$REFUTE_FIXTURES` itself when it has no such folder.
pub fn fixtures_dir() -> PathBuf {
    let base = std::env::var_os("REFUTE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared"));
    let nested = base.join("fixtures");
    if nested.is_dir() {
        nested
    } else {
        base
    }
}

/// Applies the policy to an absent fixture: panics under `CI=true`, otherwise
/// reports the skip on stderr.
pub fn missing(path: &Path) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true: fixture {} is missing ({HINT})", path.display());
    eprintln!("skipping: {} missing ({HINT})", path.display());
}

/// The fixture file or folder at `rel` (under [`fixtures_dir`]), or None once
/// [`missing`] has been applied.
pub fn fixture(rel: &str) -> Option<PathBuf> {
    let path = fixtures_dir().join(rel);
    if path.exists() {
        Some(path)
    } else {
        missing(&path);
        None
    }
}

/// The bytes of the fixture file at `rel`, or None once [`missing`] has been applied.
pub fn read(rel: &str) -> Option<Vec<u8>> {
    let path = fixture(rel)?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display())))
}

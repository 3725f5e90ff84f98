//! Conformance: the Ethereum blockchain tests of the shared fixtures, run statelessly.
//!
//! One test per fixture group (a fork folder of the execution-spec-tests, a
//! suite folder of ethereum/tests). A group holds up to ~125 cases, so instead
//! of one test per case, a group test runs all of its cases and, when it fails,
//! names every wrong case and their count. `groups_cover_every_fixture_file`
//! fails when a fixture file lies outside the listed groups, so no file is
//! silently left out.
//!
//! Expected failures are read from `tests/known_failures.json` at the repository
//! root, shared with the Python runner (`tests/execution/test_conformance.py`).
//! A case is wrong when it fails without being listed, when it is listed and
//! passes or fails with another error, and an entry is wrong when it names no
//! case on disk.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SUITE: &str = "eth-blockchain-tests";
const KNOWN_FAILURES_FILE: &str = "tests/known_failures.json";
const KNOWN_FAILURES: &str = include_str!("../../../../tests/known_failures.json");

/// One entry of the known-failure list.
struct KnownFailure {
    file: String,
    case: String,
    error: String,
    reason: String,
}

fn known_failures() -> Vec<KnownFailure> {
    let all: serde_json::Value =
        serde_json::from_str(KNOWN_FAILURES).unwrap_or_else(|e| panic!("{KNOWN_FAILURES_FILE}: {e}"));
    let entries = all[SUITE].as_array().unwrap_or_else(|| panic!("{KNOWN_FAILURES_FILE}: no {SUITE:?} list"));
    entries
        .iter()
        .map(|e| {
            let field = |k: &str| {
                e[k].as_str().unwrap_or_else(|| panic!("{KNOWN_FAILURES_FILE}: entry without {k:?}: {e}")).to_string()
            };
            KnownFailure { file: field("file"), case: field("case"), error: field("error"), reason: field("reason") }
        })
        .collect()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// `path` relative to the suite folder, with `/` separators (as in the known-failure list).
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or_else(|_| panic!("{} is outside {}", path.display(), root.display()));
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Runs every case under `<suite>/<group>` and panics listing each wrong one.
fn run_group(group: &str) {
    let Some(root) = common::fixture(SUITE) else { return };
    let Some(dir) = common::fixture(&format!("{SUITE}/{group}")) else { return };
    let known = known_failures();
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(!files.is_empty(), "no blockchain test files under {}", dir.display());
    let (mut cases, mut passed, mut expected) = (0, 0, 0);
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for path in &files {
        let rel = relative(&root, path);
        let text = std::fs::read(path).unwrap();
        let results =
            refute_stf::blockchain_test::run_file(&text, None).unwrap_or_else(|e| panic!("{rel}: cannot run: {e}"));
        for r in results {
            cases += 1;
            let entry = known.iter().find(|k| k.file == rel && k.case == r.name);
            if entry.is_some() {
                seen.insert((rel.clone(), r.name.clone()));
            }
            match (entry, r.passed) {
                (None, true) => passed += 1,
                (None, false) => wrong.push(format!("FAIL {} ({rel}): {}", r.name, r.reason)),
                (Some(k), true) => wrong.push(format!(
                    "PASS {} ({rel}), listed in {KNOWN_FAILURES_FILE} as failing ({}): remove the entry",
                    r.name, k.reason
                )),
                (Some(k), false) if !r.reason.contains(&k.error) => wrong.push(format!(
                    "FAIL {} ({rel}): {}; {KNOWN_FAILURES_FILE} expects an error with {:?}",
                    r.name, r.reason, k.error
                )),
                (Some(_), false) => expected += 1,
            }
        }
    }
    let prefix = format!("{group}/");
    for k in known.iter().filter(|k| k.file.starts_with(&prefix)) {
        if !seen.contains(&(k.file.clone(), k.case.clone())) {
            wrong.push(format!("{KNOWN_FAILURES_FILE} lists {} ({}), which is not on disk", k.case, k.file));
        }
    }
    println!("{group}: {cases} cases, {passed} passed, {expected} known failures, {} wrong", wrong.len());
    assert!(cases > 0, "{group}: no blockchain test case found");
    assert!(wrong.is_empty(), "{group}: {} of {cases} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}

/// One test per group folder; `GROUPS` lists them for the coverage check.
macro_rules! groups {
    ($($test:ident => $dir:literal,)*) => {
        const GROUPS: &[&str] = &[$($dir),*];
        $(
            #[test]
            fn $test() {
                run_group($dir);
            }
        )*
    };
}

groups! {
    eest_berlin => "eest-v4.5.0/berlin",
    eest_cancun => "eest-v4.5.0/cancun",
    eest_frontier => "eest-v4.5.0/frontier",
    eest_prague => "eest-v4.5.0/prague",
    eest_shanghai => "eest-v4.5.0/shanghai",
    ethereum_tests_general_state => "ethereum-tests/GeneralStateTests",
    ethereum_tests_invalid_blocks => "ethereum-tests/InvalidBlocks",
    ethereum_tests_valid_blocks => "ethereum-tests/ValidBlocks",
}

#[test]
fn groups_cover_every_fixture_file() {
    let Some(root) = common::fixture(SUITE) else { return };
    let mut files = Vec::new();
    json_files(&root, &mut files);
    assert!(!files.is_empty(), "no blockchain test files under {}", root.display());
    let outside: Vec<String> = files
        .iter()
        .map(|p| relative(&root, p))
        .filter(|rel| !GROUPS.iter().any(|g| rel.starts_with(&format!("{g}/"))))
        .collect();
    assert!(
        outside.is_empty(),
        "{} fixture files in no group (add their folder to groups!):\n{}",
        outside.len(),
        outside.join("\n")
    );
    let absent: Vec<&&str> = GROUPS.iter().filter(|g| !root.join(g).is_dir()).collect();
    assert!(absent.is_empty(), "groups with no folder on disk: {absent:?}");
}

#[test]
fn known_failures_name_cases_on_disk() {
    let Some(root) = common::fixture(SUITE) else { return };
    let mut stale = Vec::new();
    for k in known_failures() {
        let path = root.join(&k.file);
        let names: BTreeSet<String> = match std::fs::read(&path) {
            Ok(text) => serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
            Err(_) => BTreeSet::new(),
        };
        if !names.contains(&k.case) {
            stale.push(format!("{} ({})", k.case, k.file));
        }
    }
    assert!(stale.is_empty(), "{KNOWN_FAILURES_FILE} names cases not on disk:\n{}", stale.join("\n"));
}

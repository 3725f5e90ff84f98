"""Conformance: the shared Ethereum blockchain tests, run statelessly through the core.

One item per test case. For every block: witness extracted from the full
pre-state, stateless run with a strict witness check, state root and block hash
compared; invalid blocks must be rejected; the final tracked state must equal
the test's postState. Expected failures are listed, with their reason, in
``tests/known_failures.json`` (shared with the Rust runner
``native/crates/refute-stf/tests/blockchain_tests.rs``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixture_rules import KNOWN_FAILURES_FILE, fixture_cases, fixtures_path, known_failures, missing_fixture, require

pytestmark = pytest.mark.conformance

SUITE = "eth-blockchain-tests"
ROOT = fixtures_path(SUITE)
KNOWN_FAILURES = known_failures(SUITE)


def _case_id(rel: str, name: str) -> str:
    # EEST names repeat the source path ("tests/<fork>/...py::test_x[params]"); keep the part after "::".
    return f"{rel.removesuffix('.json')}:{name.rsplit('::', 1)[-1]}"


def _collect() -> list[tuple[str, tuple[str, str]]]:
    """(id, (file relative to the suite, test name)) for every case on disk."""
    if not ROOT.is_dir():
        return []
    cases = []
    for path in sorted(ROOT.rglob("*.json")):
        rel = path.relative_to(ROOT).as_posix()
        cases += [(_case_id(rel, name), (rel, name)) for name in json.loads(path.read_text())]
    return cases


CASES = _collect()


@pytest.mark.parametrize("case", fixture_cases(CASES, ROOT))
def test_blockchain_test(native_core: None, case: tuple[str, str]) -> None:
    from refute.prover.execute import run_blockchain_tests

    rel, name = case
    (result,) = run_blockchain_tests(ROOT / rel, name)
    assert result.name == name
    known = KNOWN_FAILURES.get(case)
    if known is None:
        assert result.passed, result.reason
        return
    assert not result.passed, (
        f"listed in tests/{KNOWN_FAILURES_FILE.name} ({known['reason']}) but passes: remove the entry"
    )
    assert known["error"] in result.reason, f"expected a failure with {known['error']!r}, got: {result.reason}"
    pytest.xfail(known["reason"])


def test_known_failures_name_cases_on_disk() -> None:
    """An entry whose case was renamed or removed would otherwise be silently stale."""
    if not CASES:
        missing_fixture(f"Ethereum blockchain tests not found at {ROOT}")
    on_disk = {case for _, case in CASES}
    stale = [f"{rel}: {name}" for rel, name in KNOWN_FAILURES if (rel, name) not in on_disk]
    assert not stale, f"entries of {KNOWN_FAILURES_FILE} name no case on disk:\n" + "\n".join(stale)


def test_all_cases_are_collected() -> None:
    if not CASES:
        missing_fixture(f"Ethereum blockchain tests not found at {ROOT}")
    assert len(CASES) >= 300, f"expected the ~309 shared blockchain tests under {ROOT}, found {len(CASES)}"


def test_invalid_blocks_are_rejected_for_their_reason(native_core: None, blockchain_tests_dir: Path) -> None:
    """An invalid block: the error names the rule (not a generic failure)."""
    from refute.prover.execute import run_blockchain_tests

    path = require(
        blockchain_tests_dir / "eest-v4.5.0/cancun/eip4844_blobs/blob_txs/invalid_blob_tx_contract_creation.json"
    )
    results = run_blockchain_tests(path)
    assert results and all(r.passed and r.rejected_blocks >= 1 for r in results), results


def test_single_test_by_name(native_core: None, blockchain_tests_dir: Path) -> None:
    from refute.prover.execute import InvalidChainConfigError, run_blockchain_tests

    path = require(blockchain_tests_dir / "ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json")
    results = run_blockchain_tests(path, "SimpleTx_Cancun")
    assert [r.name for r in results] == ["SimpleTx_Cancun"] and results[0].passed
    with pytest.raises(InvalidChainConfigError, match="no test named"):
        run_blockchain_tests(path, "NoSuchTest")

"""Conformance: the shared Ethereum blockchain tests, run statelessly through the core.

For every block: witness extracted from the full pre-state, stateless run with a
strict witness check, state root and block hash compared; invalid blocks must be
rejected; the final tracked state must equal the test's postState.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.conformance

# Known failures, each with the reason (docs/execution.md lists them too).
KNOWN_FAILURES = {
    "tests/berlin/eip2930_access_list/test_acl.py::test_access_list[fork_Berlin-blockchain_test_from_state_test]":
        "pre-merge fork (Berlin) is out of scope",
    "tests/berlin/eip2930_access_list/test_acl.py::test_access_list[fork_London-blockchain_test_from_state_test]":
        "pre-merge fork (London) is out of scope",
}


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json"))


def test_all_blockchain_tests_statelessly(native_core: None, blockchain_tests_dir: Path) -> None:
    """Runs all of them, prints the pass count, and fails on any unexpected result."""
    from prover.execute import run_blockchain_tests

    passed, failed, unexpected = 0, [], []
    for path in _files(blockchain_tests_dir):
        for r in run_blockchain_tests(path):
            if r.passed:
                passed += 1
                if r.name in KNOWN_FAILURES:
                    unexpected.append(f"{r.name}: listed as a known failure but passed (update KNOWN_FAILURES)")
            else:
                failed.append(f"{r.name}: {r.reason}")
                if r.name not in KNOWN_FAILURES:
                    unexpected.append(f"{r.name} ({path.relative_to(blockchain_tests_dir)}): {r.reason}")
    total = passed + len(failed)
    print(f"\nblockchain tests (stateless): {passed}/{total} passed, {len(failed)} failed")
    for f in failed:
        print(f"  FAIL {f}")
    assert total >= 300, f"expected the ~309 shared blockchain tests, found {total}"
    assert not unexpected, "\n".join(unexpected)


def test_invalid_blocks_are_rejected_for_their_reason(native_core: None, blockchain_tests_dir: Path) -> None:
    """A sample of invalid blocks: the error names the rule (not a generic failure)."""
    from prover.execute import run_blockchain_tests

    cases = {
        "cancun/eip4844_blobs/blob_txs/invalid_blob_tx_contract_creation.json": 1,
    }
    for rel, _ in cases.items():
        path = blockchain_tests_dir / "eest-v4.5.0" / rel
        if not path.exists():
            pytest.skip(f"{path} missing")
        results = run_blockchain_tests(path)
        assert results and all(r.passed and r.rejected_blocks >= 1 for r in results), results


def test_single_test_by_name(native_core: None, blockchain_tests_dir: Path) -> None:
    from prover.execute import InvalidChainConfigError, run_blockchain_tests

    path = blockchain_tests_dir / "ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json"
    results = run_blockchain_tests(path, "SimpleTx_Cancun")
    assert [r.name for r in results] == ["SimpleTx_Cancun"] and results[0].passed
    with pytest.raises(InvalidChainConfigError, match="no test named"):
        run_blockchain_tests(path, "NoSuchTest")

"""Fixtures for the stateless-execution tests.

Blocks and witnesses come from the shared Ethereum blockchain tests: the
witness of a block is extracted from the test's full pre-state by the core
(:func:`refute.prover.witness.witness_from_state`), so every test here executes
real blocks against real tries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fixture_rules import fixtures_path, missing_fixture, require

BLOCKCHAIN_TESTS = "eth-blockchain-tests"


def _native_or_skip() -> None:
    try:
        import refute._native  # noqa: F401
    except ImportError:
        pytest.skip("the native core is not built (run `make install`)")


@pytest.fixture(scope="session")
def native_core() -> None:
    _native_or_skip()


@pytest.fixture(scope="session")
def blockchain_tests_dir() -> Path:
    path = fixtures_path(BLOCKCHAIN_TESTS)
    if not path.is_dir():
        missing_fixture(f"Ethereum blockchain tests not found at {path} (set REFUTE_FIXTURES)")
    return path


@dataclass
class Case:
    """One block of a blockchain test with the witness extracted from its pre-state."""

    chain: dict[str, Any]
    block: bytes
    witness: dict[str, Any]
    expected: dict[str, Any]  # the test's blockHeader
    test: dict[str, Any]


def first_rlp_item(data: bytes) -> bytes:
    from refute.prover.witness.rpc import _first_rlp_item

    return _first_rlp_item(data)


def load_case(path: Path, block_index: int = 0, name: str | None = None) -> Case:
    """The ``block_index``-th block of a (valid-block) blockchain test, with its witness."""
    from refute.prover.witness import witness_from_state

    tests = json.loads(path.read_text())
    test = tests[name] if name else next(iter(tests.values()))
    chain = {"network": test["network"], "chain_id": int((test.get("config") or {}).get("chainid", "0x1"), 16)}
    genesis = bytes.fromhex(test["genesisRLP"][2:])
    state = test["pre"]
    ancestors = [first_rlp_item(genesis)]
    for i, b in enumerate(test["blocks"]):
        rlp = bytes.fromhex(b["rlp"][2:])
        if i != block_index and "expectException" in b:
            continue
        pw = witness_from_state(state, rlp, ancestors, chain)
        if i == block_index:
            return Case(chain=chain, block=rlp, witness=pw.witness, expected=b.get("blockHeader", {}), test=test)
        assert pw.post_state is not None, pw.error
        state = pw.post_state
        ancestors.append(first_rlp_item(rlp))
    raise IndexError(block_index)


@pytest.fixture(scope="session")
def simple_case(native_core: None, blockchain_tests_dir: Path) -> Case:
    """A Cancun block with one value transfer (ethereum/tests SimpleTx)."""
    return load_case(require(blockchain_tests_dir / "ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json"))


@pytest.fixture(scope="session")
def prague_case(native_core: None, blockchain_tests_dir: Path) -> Case:
    """A Prague block with system contracts and requests (EEST)."""
    candidates = sorted((blockchain_tests_dir / "eest-v4.5.0/prague").rglob("*.json"))
    for path in candidates:
        tests = json.loads(path.read_text())
        for name, t in tests.items():
            if (
                t["network"] == "Prague"
                and all("expectException" not in b for b in t["blocks"])
                and any(b.get("transactions") for b in t["blocks"])
            ):
                return load_case(path, 0, name)
    missing_fixture("no valid Prague block with transactions in the fixtures")

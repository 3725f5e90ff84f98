"""`refute execute`: the interface other tools rely on (keys, exit codes, lines)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fixture_rules import require

from execution.conftest import Case

INTERFACE_KEYS = {"state_root", "receipts_root", "transactions_root", "block_hash", "gas_used", "output_root"}


def _run(*args: str):
    from refute.cli import main

    return CliRunner().invoke(main, ["execute", *args])


def _files(tmp_path: Path, case: Case, witness: dict | None = None) -> tuple[Path, Path, Path]:
    block = tmp_path / "block.rlp"
    block.write_bytes(case.block)
    wit = tmp_path / "witness.json"
    wit.write_text(json.dumps(witness if witness is not None else case.witness))
    chain = tmp_path / "chain.json"
    chain.write_text(json.dumps(case.chain))
    return block, wit, chain


def test_execute_json(tmp_path: Path, simple_case: Case) -> None:
    block, wit, chain = _files(tmp_path, simple_case)
    res = _run("--block", str(block), "--witness", str(wit), "--chain", str(chain), "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out.keys() >= INTERFACE_KEYS
    assert isinstance(out["gas_used"], int)
    for key in INTERFACE_KEYS - {"gas_used"}:
        assert out[key].startswith("0x") and len(out[key]) == 66
    assert out["state_root"] == simple_case.expected["stateRoot"]
    assert out["block_hash"] == simple_case.expected["hash"]


def test_execute_text_and_hex_block(tmp_path: Path, simple_case: Case) -> None:
    block, wit, chain = _files(tmp_path, simple_case)
    block.write_text("0x" + simple_case.block.hex() + "\n")
    res = _run("--block", str(block), "--witness", str(wit), "--chain", str(chain))
    assert res.exit_code == 0, res.output
    assert f"state_root: {simple_case.expected['stateRoot']}" in res.output
    assert "tx 0 0x" in res.output and ": success gas " in res.output


def test_invalid_witness_exit_1(tmp_path: Path, simple_case: Case) -> None:
    block, wit, chain = _files(tmp_path, simple_case, dict(simple_case.witness, state=[]))
    res = _run("--block", str(block), "--witness", str(wit), "--chain", str(chain), "--json")
    assert res.exit_code == 1
    assert "witness" in res.output and "is not in the witness" in res.output
    assert json.loads(res.stdout.splitlines()[0])["ok"] is False


def test_usage_errors_exit_2(tmp_path: Path, simple_case: Case) -> None:
    block, _, _ = _files(tmp_path, simple_case)
    assert _run("--block", str(block)).exit_code == 2
    assert _run().exit_code == 2
    assert _run("--rpc", "http://127.0.0.1:9").exit_code == 2


def test_blockchain_test_lines(blockchain_tests_dir: Path, native_core: None) -> None:
    path = require(blockchain_tests_dir / "ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json")
    res = _run("--blockchain-test", str(path))
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == ["PASS SimpleTx_Cancun", "1 passed, 0 failed"]
    res = _run("--blockchain-test", str(path), "--name", "SimpleTx_Cancun")
    assert res.exit_code == 0 and res.output.splitlines()[-1] == "1 passed, 0 failed"


def test_blockchain_test_failure_exit_1(blockchain_tests_dir: Path, native_core: None) -> None:
    path = require(blockchain_tests_dir / "eest-v4.5.0/berlin/eip2930_access_list/acl/access_list.json")
    res = _run("--blockchain-test", str(path))
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert lines[-1].endswith("failed") and any(line.startswith("FAIL ") and ": " in line for line in lines)

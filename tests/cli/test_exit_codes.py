"""Every command through every exit code it documents, and the one ``--json`` failure shape.

The contract (README, "Errors and exit codes"): 0 ok, 1 invalid input or
rejected, 2 usage, 3 not available (this machine, or an unreachable service),
4 internal error (traceback only with ``--debug``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fixture_rules import missing_fixture

from refute.cli import main

# A TCP port on the loopback interface that nothing listens on (the discard port).
UNREACHABLE = "http://127.0.0.1:9"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def failure(result: Result, code: int, kind: str | None = None) -> dict[str, Any]:
    """Asserts exit ``code`` and the documented failure object; returns its ``error``."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stdout.strip().splitlines()
    assert lines, f"no JSON failure object on stdout: {result.output}"
    obj = json.loads(lines[-1])
    assert set(obj) == {"ok", "error"} and obj["ok"] is False
    error = obj["error"]
    assert set(error) == {"kind", "message", "exit_code", "fields"}
    assert error["exit_code"] == code and isinstance(error["fields"], dict) and error["message"]
    if kind is not None:
        assert error["kind"] == kind, error
    assert result.stderr.startswith("error: ")
    return error


def shared_file(fixtures_dir: Path, relative: str) -> Path:
    path = fixtures_dir / "fixtures" / relative
    if not path.exists():
        missing_fixture(f"{path} not found (set REFUTE_FIXTURES to the shared/ directory)")
    return path


@pytest.fixture()
def payload(tmp_path: Path) -> Path:
    path = tmp_path / "payload.bin"
    path.write_bytes(b"refute" * 100)
    return path


def boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("simulated bug")


# --- 4: internal errors, for every command -------------------------------------------------

INTERNAL_CASES: list[tuple[str, str, Callable[[Path], list[str]]]] = [
    ("refute.prover.api", "version_info", lambda p: ["version"]),
    ("refute.prover.api", "dry_run", lambda p: ["prove", "--guest", "digest", "--input", str(p), "--dry-run"]),
    (
        "refute.prover.api",
        "verify_receipt_file",
        lambda p: ["verify", "--receipt", str(p), "--image-id", "0x" + "00" * 32],
    ),
    ("refute.devnet.demo", "run_demo", lambda p: ["demo", "--dev"]),
    ("refute.prover.da.api", "blob_encode_file", lambda p: ["blob", "encode", "--in", str(p), "--out", str(p) + ".b"]),
    ("refute.prover.da.api", "blob_decode_file", lambda p: ["blob", "decode", "--in", str(p), "--out", str(p) + ".o"]),
    ("refute.prover.da.api", "blob_commit_file", lambda p: ["blob", "commit", str(p)]),
    ("refute.prover.da.api", "reconstruct_command", lambda p: ["reconstruct", "--batcher-data", str(p)]),
    ("refute.prover.execute", "execute_block", lambda p: ["execute", "--block", str(p), "--witness", str(p)]),
]


@pytest.mark.parametrize(
    ("module", "function", "argv"), INTERNAL_CASES, ids=[" ".join(c[2](Path("x"))[:2]) for c in INTERNAL_CASES]
)
def test_internal_error_exits_4_without_traceback(
    monkeypatch: pytest.MonkeyPatch, payload: Path, module: str, function: str, argv: Callable[[Path], list[str]]
) -> None:
    monkeypatch.setattr(f"{module}.{function}", boom)
    result = run(*argv(payload), "--json")
    error = failure(result, 4, "internal")
    assert "RuntimeError: simulated bug" in error["message"] and "--debug" in error["message"]
    assert "Traceback" not in result.output

    debug = run("--debug", *argv(payload))
    assert debug.exit_code == 4
    assert "Traceback (most recent call last)" in debug.stderr and "simulated bug" in debug.stderr


def test_unknown_native_error_kind_is_internal() -> None:
    from refute.prover.errors import NativeError
    from refute.prover.native import error_from_native

    unknown = json.dumps({"version": 1, "kind": "brand_new", "message": "m", "fields": {}}).encode()
    for raw in (unknown, b"not json", json.dumps({"version": 2, "kind": "da"}).encode()):
        exc = error_from_native("f", 1, raw)
        assert type(exc) is NativeError and exc.exit_code == 4


def test_every_native_error_kind_has_an_exception(repo_dir: Path) -> None:
    """The kinds documented in native/src/errors.rs are exactly the ones Python maps."""
    from refute.prover.native import native_error_kinds

    table = (repo_dir / "native" / "src" / "errors.rs").read_text()
    rows = [line for line in table.splitlines() if line.startswith("//! | `")]
    kinds = {k.strip("` ") for row in rows for k in row.split("|")[1].split(",")}
    assert kinds and kinds == set(native_error_kinds())


# --- 0 / 1 / 2 / 3 per command -------------------------------------------------------------


def test_version(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("version", "--json").exit_code == 0
    failure(run("version", "--bogus", "--json"), 2, "usage")


def test_prove(payload: Path, tmp_path: Path) -> None:
    assert run("prove", "--guest", "digest", "--input", str(payload), "--dry-run", "--json").exit_code == 0
    failure(run("prove", "--guest", "block", "--input", str(payload), "--dry-run", "--json"), 1, "guest_failed")
    failure(run("prove", "--guest", "digest", "--input", str(payload), "--json"), 2, "usage")
    failure(run("prove", "--guest", "nope", "--input", str(payload), "--dry-run", "--json"), 3, "unavailable")
    groth16 = ["prove", "--guest", "digest", "--input", str(payload), "--out", str(tmp_path / "p.json")]
    failure(run(*groth16, "--receipt", "groth16", "--json"), 3, "unavailable")


def test_verify(payload: Path, tmp_path: Path) -> None:
    out = tmp_path / "proof.json"
    proved = run("prove", "--guest", "digest", "--input", str(payload), "--out", str(out), "--dev", "--json")
    assert proved.exit_code == 0, proved.output
    image_id = json.loads(proved.stdout)["image_id"]
    accepted = run("verify", "--receipt", str(out), "--image-id", image_id, "--allow-dev", "--json")
    assert accepted.exit_code == 0 and json.loads(accepted.stdout)["accepted"] is True
    error = failure(run("verify", "--receipt", str(out), "--image-id", image_id, "--json"), 1, "verification_failed")
    assert "dev-mode" in error["message"]
    failure(run("verify", "--json"), 2, "usage")


def test_demo(tmp_path: Path) -> None:
    """A whole demo run is tested in tests/devnet/test_demo.py; here only its failure codes."""
    failure(run("demo", "--bogus", "--json"), 2, "usage")
    failure(run("demo", "--scenario", "nope", "--json"), 2, "usage")
    failure(run("demo", "--dev", "--json", env={"REFUTE_GUEST_DIR": str(tmp_path)}), 3, "unavailable")


def test_blob_encode(payload: Path, tmp_path: Path) -> None:
    assert run("blob", "encode", "--in", str(payload), "--out", str(tmp_path / "b"), "--json").exit_code == 0
    big = tmp_path / "big.bin"
    big.write_bytes(b"\1" * 200_000)
    error = failure(run("blob", "encode", "--in", str(big), "--out", str(tmp_path / "b"), "--json"), 1, "da")
    assert error["fields"]["layer"] == "blob"
    failure(run("blob", "encode", "--out", str(tmp_path / "b"), "--json"), 2, "usage")


def test_blob_decode(payload: Path, tmp_path: Path) -> None:
    blob = tmp_path / "b"
    assert run("blob", "encode", "--in", str(payload), "--out", str(blob)).exit_code == 0
    assert run("blob", "decode", "--in", str(blob), "--out", str(tmp_path / "o"), "--json").exit_code == 0
    bad = bytearray(131072)
    bad[1] = 3
    blob.write_bytes(bytes(bad))
    error = failure(run("blob", "decode", "--in", str(blob), "--out", str(tmp_path / "o"), "--json"), 1, "da")
    assert error["fields"] == {"layer": "blob", "offset": 1}
    failure(run("blob", "decode", "--in", str(blob), "--json"), 2, "usage")


def test_blob_commit(payload: Path, tmp_path: Path) -> None:
    blob = tmp_path / "b"
    assert run("blob", "encode", "--in", str(payload), "--out", str(blob)).exit_code == 0
    assert run("blob", "commit", str(blob), "--json").exit_code == 0
    failure(run("blob", "commit", str(payload), "--json"), 1, "da")
    failure(run("blob", "commit", "--json"), 2, "usage")


def test_reconstruct(fixtures_dir: Path, payload: Path) -> None:
    batcher_tx = shared_file(fixtures_dir, "op-derivation/kona/raw_batcher_tx.hex")
    assert run("reconstruct", "--batcher-data", str(batcher_tx), "--json").exit_code == 0
    error = failure(run("reconstruct", "--batcher-data", str(payload), "--json"), 1, "da")
    assert error["fields"]["layer"] in ("frame", "tx")
    failure(run("reconstruct", "--json"), 2, "usage")
    unreachable = run("reconstruct", "--l1-rpc", UNREACHABLE, "--l1-block", "1", "--retries", "0", "--json")
    error = failure(unreachable, 3, "unreachable")
    assert UNREACHABLE in error["message"]


def test_execute(fixtures_dir: Path, payload: Path) -> None:
    simple_tx = shared_file(
        fixtures_dir, "eth-blockchain-tests/ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json"
    )
    assert run("execute", "--blockchain-test", str(simple_tx), "--json").exit_code == 0
    error = failure(run("execute", "--block", str(payload), "--witness", str(payload), "--json"), 1)
    assert error["kind"] in ("malformed_witness", "malformed_block")
    failure(run("execute", "--block", str(payload), "--json"), 2, "usage")
    error = failure(run("execute", "--rpc", UNREACHABLE, "--number", "1", "--json"), 3, "unreachable")
    assert UNREACHABLE in error["message"]
    failure(run("execute", "--chain", str(payload), "--blockchain-test", str(simple_tx), "--json"), 1, "invalid_config")

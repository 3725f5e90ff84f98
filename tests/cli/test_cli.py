"""The CLI's documented interface: flags, JSON fields, exit codes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refute.cli import main

INPUT = b"cli input"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def input_file(tmp_path: Path) -> Path:
    path = tmp_path / "input.bin"
    path.write_bytes(INPUT)
    return path


def test_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("version", "prove", "verify", "demo"):
        assert command in result.output


def test_version_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["version", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["refute"] and data["risc0_zkvm"] == "3.1.0-rc.1"
    assert "composite" in data["receipt_kinds"]
    assert data["guests"]["digest"].startswith("0x") and len(data["guests"]["digest"]) == 66


def test_prove_dry_run_json(runner: CliRunner, input_file: Path) -> None:
    result = runner.invoke(main, ["prove", "--guest", "digest", "--input", str(input_file), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["journal"] == "0x" + (hashlib.sha256(INPUT).digest() + len(INPUT).to_bytes(8, "little")).hex()
    assert data["user_cycles"] > 0 and data["total_cycles"] >= data["user_cycles"] and data["segments"] >= 1


def test_prove_dev_and_verify_exit_codes(runner: CliRunner, input_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(
        main, ["prove", "--guest", "digest", "--input", str(input_file), "--out", str(out), "--dev", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "image_id",
        "journal",
        "receipt_kind",
        "dev_mode",
        "user_cycles",
        "total_cycles",
        "segments",
        "prove_seconds",
        "receipt_bytes",
    ):
        assert key in data
    assert data["dev_mode"] is True
    assert "DEV MODE" in result.stderr

    image_id = data["image_id"]
    refused = runner.invoke(main, ["verify", "--receipt", str(out), "--image-id", image_id, "--json"])
    assert refused.exit_code == 1
    error = json.loads(refused.stdout)["error"]
    assert error["kind"] == "verification_failed" and "dev-mode" in error["message"]

    allowed = runner.invoke(main, ["verify", "--receipt", str(out), "--image-id", image_id, "--allow-dev", "--json"])
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["accepted"] is True

    wrong = runner.invoke(main, ["verify", "--receipt", str(out), "--image-id", "0x" + "11" * 32, "--allow-dev"])
    assert wrong.exit_code == 1


def test_usage_errors_exit_2(runner: CliRunner, input_file: Path) -> None:
    assert runner.invoke(main, ["verify"]).exit_code == 2
    assert runner.invoke(main, ["prove", "--guest", "digest", "--input", str(input_file)]).exit_code == 2
    assert (
        runner.invoke(main, ["prove", "--guest", "digest", "--input", str(input_file), "--receipt", "stark"]).exit_code
        == 2
    )
    assert runner.invoke(main, ["verify", "--receipt", str(input_file)]).exit_code == 2


def test_bad_image_id_is_invalid_input(runner: CliRunner, input_file: Path) -> None:
    result = runner.invoke(main, ["verify", "--receipt", str(input_file), "--image-id", "0x1234"])
    assert result.exit_code == 1
    assert "32 bytes" in result.stderr


def test_unknown_guest_exits_3(runner: CliRunner, input_file: Path) -> None:
    result = runner.invoke(main, ["prove", "--guest", "nope", "--input", str(input_file), "--dry-run"])
    assert result.exit_code == 3
    assert "not built" in result.stderr


def test_garbage_receipt_is_rejected_exit_1(runner: CliRunner, input_file: Path) -> None:
    result = runner.invoke(main, ["verify", "--receipt", str(input_file), "--image-id", "0x" + "00" * 32])
    assert result.exit_code == 1


@pytest.mark.slow
def test_demo_dev_mode_is_labelled(runner: CliRunner) -> None:
    """``refute demo --dev --scenario oracle --json``: the whole loop, every dev-mode step labelled."""
    from devnet.demo_checks import check_demo_result

    result = runner.invoke(main, ["demo", "--dev", "--scenario", "oracle", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    check_demo_result(data, scenario="oracle", dev_mode=True)
    assert "DEV MODE" in result.stderr


def test_env_dev_mode_is_labelled(runner: CliRunner, input_file: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RISC0_DEV_MODE", "1")
    out = tmp_path / "env-dev.json"
    result = runner.invoke(
        main, ["prove", "--guest", "digest", "--input", str(input_file), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dev_mode"] is True
    assert json.loads(out.read_text())["warning"].startswith("DEV MODE")

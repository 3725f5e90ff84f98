"""``refute verify --deployment NAME|FILE``: the seal is decided as that router state would.

Without ``--deployment`` the default is RISC Zero's Ethereum mainnet router state
(``ethereum-mainnet``); ``--deployment all-releases`` registers every embedded set.

Exit codes follow the README contract: 0 accepted, 1 rejected or a malformed
deployment file (``invalid_input`` naming the file and field), 2 usage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from refute.cli import main
from refute.verifier import builtin_deployment_path

RECEIPTS = json.loads(
    (Path(__file__).resolve().parent.parent / "verifier" / "v1_release_receipts.json").read_text(encoding="utf-8")
)["receipts"]
V1_1 = next(r for r in RECEIPTS if r["parameter_set"] == "v1.1.0")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def verify_v1_1(*extra: str) -> Result:
    return run("verify", "--seal", V1_1["seal"], "--journal", V1_1["journal"], "--image-id", V1_1["image_id"], *extra)


def failure(result: Result, code: int, kind: str) -> dict[str, Any]:
    assert result.exit_code == code, (result.exit_code, result.output)
    error = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert error["kind"] == kind and error["exit_code"] == code, error
    assert result.stderr.startswith("error: ")
    return error


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "deployment.json"
    path.write_text(json.dumps(data))
    return path


def test_default_rejects_removed_v1_1_selector():
    error = failure(verify_v1_1("--json"), 1, "verification_failed")
    assert "0x50bd1769" in error["message"] and "removed from deployment 'ethereum-mainnet'" in error["message"]


def test_named_all_releases_deployment_accepts_v1_1():
    result = verify_v1_1("--deployment", "all-releases", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["accepted"] is True and out["deployment"] == "all-releases" and out["parameter_set"] == "v1.1.0"


def test_named_mainnet_deployment_rejects_v1_1_as_removed():
    error = failure(verify_v1_1("--deployment", "ethereum-mainnet", "--json"), 1, "verification_failed")
    assert "removed from deployment 'ethereum-mainnet'" in error["message"]


def test_unknown_deployment_name_is_a_usage_error():
    error = failure(verify_v1_1("--deployment", "all-release", "--json"), 2, "usage")
    assert "all-release" in error["message"] and "all-releases" in error["message"]


def test_help_names_the_default_and_the_all_releases_deployment():
    result = run("verify", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "default: ethereum-mainnet" in text and "all-releases" in text


def test_deployment_that_registers_v1_1_accepts(tmp_path):
    path = write(tmp_path, {"name": "legacy-app", "registered": ["0x50bd1769"]})
    result = verify_v1_1("--deployment", str(path), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["accepted"] is True and out["deployment"] == "legacy-app"
    assert out["parameter_set"] == "v1.1.0" and out["selector"] == "0x50bd1769"


def test_mainnet_file_rejects_v1_1_as_removed():
    error = failure(
        verify_v1_1("--deployment", builtin_deployment_path("ethereum-mainnet"), "--json"), 1, "verification_failed"
    )
    assert "removed from deployment 'ethereum-mainnet'" in error["message"]


def test_estopped_deployment_rejects(tmp_path):
    path = write(tmp_path, {"name": "stopped", "registered": ["0x50bd1769"], "estop": True})
    error = failure(verify_v1_1("--deployment", str(path), "--json"), 1, "verification_failed")
    assert "emergency stop" in error["message"]


def test_selector_not_in_the_deployment_is_unknown(tmp_path):
    path = write(tmp_path, {"name": "v3-only", "registered": ["0x73c457ba"]})
    error = failure(verify_v1_1("--deployment", str(path), "--json"), 1, "verification_failed")
    assert "0x50bd1769 unknown to deployment 'v3-only'" in error["message"]


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": "x", "registered": ["0x50bd176"]}, "registered[0]"),
        ({"name": "x", "registered": ["0x50bd1769"], "removed": ["0x50bd1769"]}, "registered[0]"),
        ({"registered": []}, "name"),
        ({"name": "x", "registered": [], "estop": "yes"}, "estop"),
    ],
)
def test_malformed_deployment_file_is_invalid_input_naming_file_and_field(tmp_path, data, field):
    path = write(tmp_path, data)
    error = failure(verify_v1_1("--deployment", str(path), "--json"), 1, "invalid_input")
    assert error["message"].startswith(f"{path}: {field}: ")
    assert error["fields"] == {"path": str(path), "field": field}


def test_deployment_file_that_is_not_json(tmp_path):
    path = tmp_path / "deployment.json"
    path.write_text("registered: 0x50bd1769\n")
    error = failure(verify_v1_1("--deployment", str(path), "--json"), 1, "invalid_input")
    assert str(path) in error["message"] and "not valid JSON" in error["message"]


def test_missing_deployment_file_is_a_usage_error(tmp_path):
    result = verify_v1_1("--deployment", str(tmp_path / "absent.json"), "--json")
    error = failure(result, 2, "usage")
    assert "absent.json" in error["message"]


def test_deployment_does_not_apply_to_native_receipts(tmp_path):
    receipt = tmp_path / "r.receipt"
    receipt.write_bytes(b"\x00")
    deployment = write(tmp_path, {"name": "x", "registered": []})
    result = run(
        "verify", "--receipt", str(receipt), "--image-id", V1_1["image_id"], "--deployment", str(deployment), "--json"
    )
    error = failure(result, 2, "usage")
    assert "--deployment" in error["message"]

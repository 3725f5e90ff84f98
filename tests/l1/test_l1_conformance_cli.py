"""`refute conformance` over HTTP: prints PASS lines and the summary, exit 0 only if all pass."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fixture_rules import require, shared_dir

from refute.cli import main
from refute.l1.chain import serve
from refute.l1.conformance import CaseResult, summary

pytestmark = pytest.mark.slow


def test_conformance_command_over_http(tmp_path):
    receipts = json.loads(require(shared_dir() / "conformance" / "risc0-groth16-receipts.json").read_text())
    receipts["receipts"] = receipts["receipts"][-1:]
    path = tmp_path / "receipts.json"
    path.write_text(json.dumps(receipts))
    server = serve()
    try:
        res = CliRunner().invoke(main, ["conformance", "--l1-rpc", server.url, "--receipts", str(path), "--json"])
    finally:
        server.stop()
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["failed"] == 0 and out["passed"] == len(out["cases"]) >= 32
    names = {c["name"] for c in out["cases"]}
    assert {"valid", "mock seal on a non-dev deployment", receipts["receipts"][0]["name"]} <= names


def test_summary_and_lines():
    ok = CaseResult("a", "accept", "accept", "accept")
    bad = CaseResult("b", "revert X", "revert Y", "revert X")
    assert summary([ok, bad]) == (1, 1)
    assert ok.line() == "PASS a"
    assert bad.line().startswith("FAIL b: contract=revert X mirror=revert Y")

"""`refute prove --cluster` argument checks (no cluster is started)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refute.cli import main


@pytest.fixture
def args(tmp_path: Path) -> list[str]:
    (tmp_path / "input.bin").write_bytes(b"x")
    return ["prove", "--guest", "digest", "--input", str(tmp_path / "input.bin"), "--out", str(tmp_path / "p.json")]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--cluster", "somewhere"], "expected local, auto or ray://HOST:PORT"),
        (["--cluster", "local", "--receipt", "composite"], "a cluster proof is succinct or groth16"),
        (["--cluster", "local", "--dev"], "dev mode"),
        (["--segment-po2", "16"], "--segment-po2 applies to --cluster proofs only"),
    ],
)
def test_usage_errors(args: list[str], extra: list[str], message: str) -> None:
    result = CliRunner().invoke(main, [*args, *extra, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.output.splitlines()[0])["error"]
    assert error["kind"] == "usage" and message in error["message"]


def test_segment_po2_range_is_checked(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--cluster", "local", "--segment-po2", "30"])
    assert result.exit_code == 2 and "30 is not in the range 13<=x<=22" in result.output

"""The gate on real executor runs of the fault guest (no figures written by hand).

A baseline derived from a real run passes itself; the same run with its figures
lowered past the tolerance trips it; a really slower input (ten transfers
measured under the one-transfer case's name) trips it through the CLI, with a
message naming the case, the figure, old -> new and the percentage.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refute.bench import gate
from refute.bench.measure import measure_workload
from refute.bench.workloads import Workload

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def one_transfer() -> dict[str, Any]:
    return {"cases": [measure_workload(Workload("eth_transfer", 1), repeats=1)]}


def _lowered(results: dict[str, Any], factor: float) -> dict[str, Any]:
    lowered = copy.deepcopy(results)
    cycles = lowered["cases"][0]["cycles"]
    cycles["total"] = int(cycles["total"] * factor)
    cycles["phases"] = {k: int(v * factor) for k, v in cycles["phases"].items()}
    return lowered


def test_a_real_run_passes_its_own_baseline_and_a_baseline_within_tolerance(one_transfer: dict[str, Any]) -> None:
    assert gate.compare(gate.baseline_of(one_transfer, "test"), one_transfer).ok
    assert gate.compare(gate.baseline_of(_lowered(one_transfer, 0.99), "test"), one_transfer).ok


def test_a_real_run_trips_a_baseline_lowered_past_the_tolerance(one_transfer: dict[str, Any]) -> None:
    verdict = gate.compare(gate.baseline_of(_lowered(one_transfer, 0.97), "test"), one_transfer)
    assert not verdict.ok
    assert "total" in {c.figure for c in verdict.regressions}
    assert all(c.ratio > 0.02 for c in verdict.regressions)


def test_the_cli_fails_on_a_really_slower_input(one_transfer: dict[str, Any], tmp_path: Path) -> None:
    from refute.cli import main

    # The baseline says eth_transfer/10 costs what one transfer costs: the real ten-transfer run is slower.
    renamed = copy.deepcopy(one_transfer)
    renamed["cases"][0]["name"] = "eth_transfer/10"
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(gate.baseline_of(renamed, "a baseline from a one-transfer run")))
    args = ["bench", "--kinds", "eth_transfer", "--sizes", "10", "--no-blocks", "--no-plots", "--repeats", "1"]
    args += ["--baseline", str(baseline), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args, standalone_mode=False)
    assert result.return_value == 1, result.output
    assert "eth_transfer/10: total" in result.output
    written = json.loads((tmp_path / "out" / "results.json").read_text())
    assert written["gate"]["ok"] is False and written["gate"]["regressions"]

"""The cycle gate: growth over the tolerance fails, smaller changes and improvements pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refute.bench import gate
from refute.bench.errors import BaselineError


def _results(total: int, execution: int, name: str = "eth_transfer/1") -> dict:
    cycles = {"user": total - 1000, "paging": 1000, "total": total, "segments": 3, "phases": {"execution": execution}}
    return {"cases": [{"name": name, "guest": "fault", "image_id": "0x00", "cycles": cycles}]}


def test_growth_within_tolerance_passes_and_beyond_it_fails_naming_case_figure_and_percent() -> None:
    baseline = gate.baseline_of(_results(1_000_000, 500_000), "test")
    assert gate.compare(baseline, _results(1_019_000, 509_000)).ok
    verdict = gate.compare(baseline, _results(1_000_000, 511_000))
    assert not verdict.ok
    assert [c.figure for c in verdict.regressions] == ["phase.execution"]
    assert verdict.regressions[0].describe() == "eth_transfer/1: phase.execution 500,000 -> 511,000 (+2.20%)"


def test_improvements_are_reported_not_failed() -> None:
    baseline = gate.baseline_of(_results(1_000_000, 500_000), "test")
    verdict = gate.compare(baseline, _results(900_000, 400_000))
    assert verdict.ok
    assert {c.figure for c in verdict.improvements} == {"user", "total", "phase.execution"}
    assert any(line.startswith("improvement eth_transfer/1: total") for line in verdict.lines())


def test_cases_missing_on_either_side_are_listed_not_compared() -> None:
    baseline = gate.baseline_of(_results(1_000_000, 500_000, name="a"), "test")
    verdict = gate.compare(baseline, _results(5_000_000, 500_000, name="b"))
    assert verdict.ok and verdict.compared == 0
    assert verdict.missing == ["a"] and verdict.unbaselined == ["b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        (json.dumps({"version": 99, "cases": []}), "version-1 baseline"),
        (json.dumps({"version": 1, "cases": [{"name": "x"}]}), "case 0 lacks a name or cycles"),
    ],
)
def test_a_malformed_baseline_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=message):
        gate.load_baseline(path)


def test_a_missing_baseline_says_how_to_write_one(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="--update-baseline"):
        gate.load_baseline(tmp_path / "none.json")


def test_the_committed_baseline_loads_and_covers_the_quick_suite() -> None:
    from refute.bench.command import DEFAULT_BASELINE
    from refute.bench.workloads import workloads

    names = {c["name"] for c in gate.load_baseline(DEFAULT_BASELINE)["cases"]}
    assert {w.name for w in workloads(quick=True)} <= names

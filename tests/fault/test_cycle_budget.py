"""The fault program's cycles may not regress past the committed benchmark figures.

Cycles are deterministic for a given guest and input, so this is a gate, not a
timing test: `benchmarks/results/fault.json` (written by
`benchmarks/fault_bench.py`) holds user cycles per example and per phase; a
change that costs more than 1% over them fails here until the benchmark is
re-run and the new figures committed with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

TOLERANCE = 1.01
BENCHMARK_RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def _bench() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("fault_bench", BENCHMARK_RESULTS.parent / "fault_bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.slow
@pytest.mark.parametrize("transactions", ["1", "10"])
def test_fault_program_cycles_do_not_regress(transactions: str) -> None:
    baseline = json.loads((BENCHMARK_RESULTS / "fault.json").read_text())["examples"][transactions]
    now = _bench().measure(int(transactions))
    assert now["user_cycles"] <= baseline["user_cycles"] * TOLERANCE, (
        f"user cycles {now['user_cycles']:,} exceed the committed {baseline['user_cycles']:,}; phases now "
        f"{now['phases']} vs {baseline['phases']}"
    )
    assert set(now["phases"]) == set(baseline["phases"])


@pytest.mark.slow
def test_a_full_blob_binds_within_the_committed_cycles() -> None:
    """Every element non-zero: the binding's worst case (what a batcher's full blob costs)."""
    committed = json.loads((BENCHMARK_RESULTS / "fault.json").read_text())["full_blob"]["blob_binding"]
    bench = _bench()
    now = bench.measure_full_blob_binding()["blob_binding"]
    assert now <= committed * TOLERANCE, f"a full blob's binding costs {now:,} cycles, over the committed {committed:,}"
    goal = bench.GOALS["blob_binding_per_blob"]
    assert now <= goal, f"a full blob's binding costs {now:,} cycles, over the issue's goal of {goal:,} per blob"

"""Runs the suite: measures every case (with a progress display), prices it,
fits the predictor and reports its error, optionally proves for the rate."""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from refute.bench import model as cost_model
from refute.bench.cost import Price
from refute.bench.l1_gas import challenge_gas
from refute.bench.measure import measure_block, measure_workload
from refute.bench.proving import proving_rate, python_verify_seconds
from refute.bench.workloads import KINDS, RealBlock, Workload, real_blocks, workloads


@dataclass(frozen=True)
class Plan:
    """What a run measures."""

    quick: bool
    kinds: tuple[str, ...] = KINDS
    sizes: tuple[int, ...] | None = None
    blocks: bool = True
    prove: bool = False
    repeats: int = 3
    #: A proving rate measured elsewhere (a previous ``--prove`` run), used when this run makes no proof.
    seconds_per_mcycle: float | None = None

    def cases(self) -> list[Workload | RealBlock]:
        chosen: list[Workload | RealBlock] = list(workloads(self.quick, self.kinds, self.sizes))
        if self.blocks:
            chosen += real_blocks(self.quick)
        return chosen


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    memory = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gib": memory,
    }


def run(
    plan: Plan,
    price: Price,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    predict_with_fit: bool = False,
) -> dict[str, Any]:
    """Measures the plan's cases and returns the results document. Predictions use the shipped model (its
    error on new figures), or with ``predict_with_fit`` the model fitted on this run (the one a baseline
    update ships: its in-sample error)."""
    cases = plan.cases()
    measured = []
    for i, case in enumerate(cases):
        if progress:
            progress(case.name, i, len(cases))
        if isinstance(case, Workload):
            measured.append(measure_workload(case, plan.repeats))
        else:
            measured.append(measure_block(case, plan.repeats))
    if progress:
        progress("proving" if plan.prove else "done", len(cases), len(cases))
    rate = proving_rate() if plan.prove else None
    seconds_per_mcycle = rate["seconds_per_mcycle"] if rate else (plan.seconds_per_mcycle or _known_rate())
    for c in measured:
        c["l1_challenge_gas"] = challenge_gas(c["features"]["blobs"]) if c["guest"] == "fault" else None
        c["dollars"] = round(price.dollars(c["cycles"]["total"]), 6)
        c["estimated_prove_seconds"] = (
            None if seconds_per_mcycle is None else round(c["cycles"]["total"] / 1e6 * seconds_per_mcycle, 1)
        )
    results: dict[str, Any] = {
        "suite": "quick" if plan.quick else "full",
        "machine": machine(),
        "price": {"usd_per_mcycle": price.usd_per_mcycle, "source": price.source},
        "proving": rate,
        "seconds_per_mcycle": seconds_per_mcycle,
        "python_verify": python_verify_seconds(),
        "cases": measured,
    }
    # The shipped model's error on this run's real figures is the predictor's honest error; the model fitted
    # here (shipped by --update-baseline) stands in, in-sample, when there is none yet.
    shipped = None if predict_with_fit else _shipped_model()
    if sum(c["guest"] == "fault" for c in measured) >= 2:
        results["model"] = cost_model.fit(measured, seconds_per_mcycle, results["machine"]).to_json()
    predictor = shipped or (cost_model.from_json(results["model"]) if "model" in results else None)
    results["prediction_model"] = "shipped" if shipped else ("fitted on this run (in-sample)" if predictor else None)
    if predictor:
        for c in measured:
            if c["guest"] == "fault":
                c["prediction"] = cost_model.error(predictor, c)
    return results


def _shipped_model() -> cost_model.Model | None:
    try:
        return cost_model.load()
    except cost_model.BaselineError:
        return None


def _known_rate() -> float | None:
    """The proving rate the shipped model recorded, when no proof is made in this run."""
    shipped = _shipped_model()
    return shipped.seconds_per_mcycle if shipped else None

"""The cost predictor behind ``refute fault prove --estimate``.

Total cycles of the ``fault`` guest are modelled as a linear function of what
the native dry run reports (input bytes, blobs, transactions, gas used), fitted
by non-negative least squares on the generated workloads' measured cycles
(relative error). Gas is a poor proxy for precompile work (``ecrecover`` and
BN254 ``ecMul`` cost the zkVM far more than their gas suggests), so blocks
heavy in precompiles are underestimated: the suite's prediction error shows by
how much.
Segments follow from cycles (the executor's segments are about one million
cycles each: the fit keeps their measured ratio); proving seconds from the
machine's measured seconds per million cycles; dollars from the price
(:mod:`refute.bench.cost`). The suite reports each case's prediction error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.bench.errors import BaselineError

FEATURES = ("input_bytes", "blobs", "transactions", "gas_used")
#: The fitted model shipped with the package (written by ``refute bench --update-baseline``).
MODEL_PATH = Path(__file__).with_name("model.json")
MODEL_VERSION = 1


@dataclass(frozen=True)
class Model:
    """``cycles = intercept + sum(coefficient * feature)``, plus the machine's proving rate."""

    intercept: float
    coefficients: dict[str, float]
    cycles_per_segment: float
    seconds_per_mcycle: float | None
    fitted_on: int
    machine: dict[str, Any]

    def cycles(self, features: dict[str, int]) -> int:
        return round(self.intercept + sum(c * features[name] for name, c in self.coefficients.items()))

    def predict(self, features: dict[str, int]) -> dict[str, Any]:
        cycles = self.cycles(features)
        seconds = None if self.seconds_per_mcycle is None else cycles / 1e6 * self.seconds_per_mcycle
        return {
            "total_cycles": cycles,
            "segments": max(1, round(cycles / self.cycles_per_segment)),
            "prove_seconds": None if seconds is None else round(seconds, 1),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MODEL_VERSION,
            "intercept": self.intercept,
            "coefficients": self.coefficients,
            "cycles_per_segment": self.cycles_per_segment,
            "seconds_per_mcycle": self.seconds_per_mcycle,
            "fitted_on": self.fitted_on,
            "machine": self.machine,
        }


def _nnls(rows: list[list[float]], targets: list[float]) -> list[float]:
    """Least squares with non-negative coefficients (active-set elimination over numpy's lstsq)."""
    import numpy as np

    a = np.array(rows, dtype=float)
    b = np.array(targets, dtype=float)
    active = list(range(a.shape[1]))
    while True:
        solution, *_ = np.linalg.lstsq(a[:, active], b, rcond=None)
        negative = [i for i, v in zip(active, solution, strict=True) if v < 0]
        if not negative:
            out = [0.0] * a.shape[1]
            for i, v in zip(active, solution, strict=True):
                out[i] = float(v)
            return out
        active = [i for i in active if i not in negative]


def fit(cases: list[dict[str, Any]], seconds_per_mcycle: float | None, machine: dict[str, Any]) -> Model:
    """Fits the model on the fault-guest cases (the real blocks run another guest)."""
    fault = [c for c in cases if c["guest"] == "fault"]
    if len(fault) < 2:
        raise BaselineError("fitting the cost model needs at least two fault-guest cases")
    # Features are scaled to comparable magnitudes so the solver is well conditioned.
    scale = {name: max(1, max(c["features"][name] for c in fault)) for name in FEATURES}
    # Rows are weighted by 1/cycles: the fit minimises relative error, so small blocks count as much as large.
    weights = [1.0 / c["cycles"]["total"] for c in fault]
    rows = [[w] + [w * c["features"][n] / scale[n] for n in FEATURES] for w, c in zip(weights, fault, strict=True)]
    targets = [1.0] * len(fault)
    solution = _nnls(rows, targets)
    coefficients = {n: solution[i + 1] / scale[n] for i, n in enumerate(FEATURES)}
    per_segment = sum(c["cycles"]["total"] for c in fault) / sum(c["cycles"]["segments"] for c in fault)
    return Model(solution[0], coefficients, per_segment, seconds_per_mcycle, len(fault), machine)


def error(model: Model, case: dict[str, Any]) -> dict[str, Any]:
    """The prediction for a measured case and its relative error."""
    predicted = model.cycles(case["features"])
    actual = case["cycles"]["total"]
    return {"predicted_cycles": predicted, "error": round((predicted - actual) / actual, 4)}


def load(path: Path = MODEL_PATH) -> Model:
    """The fitted model; a clear error when there is none."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise BaselineError(f"{path}: no cost model (run `refute bench --update-baseline`)") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON: {exc}") from None
    return from_json(data, str(path))


def from_json(data: Any, where: str = "cost model") -> Model:
    """A model from its JSON form; a clear error when malformed."""
    try:
        if data["version"] != MODEL_VERSION:
            raise BaselineError(f"{where}: model version {data['version']}, expected {MODEL_VERSION}")
        return Model(
            intercept=float(data["intercept"]),
            coefficients={n: float(data["coefficients"][n]) for n in FEATURES},
            cycles_per_segment=float(data["cycles_per_segment"]),
            seconds_per_mcycle=None if data["seconds_per_mcycle"] is None else float(data["seconds_per_mcycle"]),
            fitted_on=int(data["fitted_on"]),
            machine=dict(data["machine"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{where}: malformed cost model ({exc!r})") from None

"""The regression gate: cycle counts against the committed baseline.

Cycles are deterministic, so any growth is a real change in the guest or its
input. Every figure of every case in the baseline is compared (user, paging,
total, segments and each phase); one that grows more than the tolerance
(default 2 %) fails the gate. Improvements are reported, never failed; timings
are not compared at all. Updating the baseline is a deliberate act
(``refute bench --update-baseline``) recorded with its reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.bench.errors import BaselineError

DEFAULT_TOLERANCE = 0.02
BASELINE_VERSION = 1


@dataclass(frozen=True)
class Change:
    """One figure of one case that moved."""

    case: str
    figure: str
    old: int
    new: int

    @property
    def ratio(self) -> float:
        return (self.new - self.old) / self.old if self.old else float("inf")

    def describe(self) -> str:
        return f"{self.case}: {self.figure} {self.old:,} -> {self.new:,} ({self.ratio:+.2%})"


@dataclass(frozen=True)
class Verdict:
    """What the gate found: regressions fail it; improvements and missing cases are reported."""

    regressions: list[Change]
    improvements: list[Change]
    compared: int
    missing: list[str]
    unbaselined: list[str]

    @property
    def ok(self) -> bool:
        return not self.regressions

    def lines(self) -> list[str]:
        out = [f"cycle gate: {self.compared} cases compared"]
        out += [f"REGRESSION {c.describe()}" for c in self.regressions]
        out += [f"improvement {c.describe()}" for c in self.improvements]
        if self.missing:
            out.append(f"{len(self.missing)} baseline cases not measured in this run")
        out += [f"not in the baseline: {name}" for name in self.unbaselined]
        return out


def figures(cycles: dict[str, Any]) -> dict[str, int]:
    """A case's gated figures, flattened (``total``, ``phase.execution`` ...)."""
    out: dict[str, int] = {k: int(cycles[k]) for k in ("user", "paging", "total", "segments") if k in cycles}
    out.update({f"phase.{name}": int(v) for name, v in cycles.get("phases", {}).items()})
    return out


def compare(baseline: dict[str, Any], results: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE) -> Verdict:
    """Compares the measured cases with the baseline's cases of the same name."""
    base_cases = {c["name"]: c for c in baseline["cases"]}
    new_cases = {c["name"]: c for c in results["cases"]}
    regressions: list[Change] = []
    improvements: list[Change] = []
    compared = 0
    for name, new in new_cases.items():
        old = base_cases.get(name)
        if old is None:
            continue
        compared += 1
        old_figures, new_figures = figures(old["cycles"]), figures(new["cycles"])
        for figure, old_value in old_figures.items():
            new_value = new_figures.get(figure)
            if new_value is None or new_value == old_value:
                continue
            change = Change(name, figure, old_value, new_value)
            if new_value > old_value * (1 + tolerance):
                regressions.append(change)
            elif new_value < old_value:
                improvements.append(change)
    return Verdict(
        regressions=regressions,
        improvements=improvements,
        compared=compared,
        missing=sorted(set(base_cases) - set(new_cases)),
        unbaselined=sorted(set(new_cases) - set(base_cases)),
    )


def load_baseline(path: Path) -> dict[str, Any]:
    """The committed baseline; a clear error when it is missing or malformed."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise BaselineError(f"{path}: no baseline (write one with `refute bench --update-baseline`)") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(data.get("cases"), list):
        raise BaselineError(f"{path}: not a version-{BASELINE_VERSION} baseline with a list of cases")
    for i, case in enumerate(data["cases"]):
        if (
            not isinstance(case, dict)
            or not isinstance(case.get("name"), str)
            or not isinstance(case.get("cycles"), dict)
        ):
            raise BaselineError(f"{path}: case {i} lacks a name or cycles")
    return data


def baseline_of(results: dict[str, Any], reason: str) -> dict[str, Any]:
    """The baseline a run makes: its cases' cycles (no timings), and why it was written."""
    return {
        "version": BASELINE_VERSION,
        "reason": reason,
        "machine": results.get("machine", {}),
        "cases": [
            {"name": c["name"], "guest": c["guest"], "image_id": c["image_id"], "cycles": c["cycles"]}
            for c in results["cases"]
        ],
    }

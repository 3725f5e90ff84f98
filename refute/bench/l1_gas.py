"""L1 gas of the challenge (``prove_fault`` with a Groth16 seal) for a number of blob openings.

The contract figures are measured by ``benchmarks/gas_bench.py`` on the local
py-evm chain (``benchmarks/results/gas.json``, keys
``prove_fault_groth16_<N>_blobs_derived``); a count between two measured ones
is interpolated linearly (each opening costs the same precompile call and
calldata), beyond the largest extrapolated from the last two.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

GAS_RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gas.json"
_KEY = re.compile(r"prove_fault_groth16_(\d+)_blobs_derived")


def measured(path: Path = GAS_RESULTS) -> dict[int, int]:
    """Openings -> gasUsed of ``prove_fault``, as the gas benchmark measured them (empty when absent)."""
    try:
        gas = json.loads(path.read_text())["gas_used"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return {}
    return {int(m.group(1)): int(v) for k, v in gas.items() if (m := _KEY.fullmatch(k))}


def challenge_gas(openings: int, points: dict[int, int] | None = None) -> int | None:
    """Gas of a ``prove_fault`` call with ``openings`` blob openings; None without measurements."""
    table = measured() if points is None else points
    if openings in table:
        return table[openings]
    known = sorted(table)
    if len(known) < 2:
        return None
    below = [n for n in known if n < openings]
    above = [n for n in known if n > openings]
    lo, hi = (below[-1], above[0]) if below and above else (known[-2], known[-1])
    slope = (table[hi] - table[lo]) / (hi - lo)
    return round(table[lo] + slope * (openings - lo))

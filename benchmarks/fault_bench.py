"""Proof cost of the fault program, split by phase (cycles are deterministic).

For generated examples with 1 and 10 batched transfers (one blob each), runs
the `fault` guest in the zkVM executor and records total and user cycles,
segments, and the cycles of each phase the guest reports (`refute-phase` lines:
input, witness_index, agreed_state, l1_headers, l1_data, blob_binding,
derivation, execution, journal). The examples' blobs are mostly empty, so the
binding of a completely full blob (every element non-zero) is measured apart:
the 1-transaction example with its blob replaced by 4096 random canonical
elements, whose binding phase the guest reports before derivation refuses the
altered data. The issue's goals are printed next to them: blob binding <= 3 M
cycles per blob, the whole program for a 10-transaction block with one blob
<= 20 M cycles. `tests/fault/test_cycle_budget.py` fails when a change makes
the committed figures worse.

    .venv/bin/python benchmarks/fault_bench.py [--out benchmarks/results/fault.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import tempfile
from pathlib import Path
from typing import Any

import rlp

from refute.prover import zkvm
from refute.prover.errors import InvalidInputError
from refute.prover.fault import example, load_bundle
from refute.prover.fault.api import _BLOBS_ITEM, GUEST, phase_cycles
from refute.prover.guests_registry import load_guest

TRANSACTIONS = (1, 10)
GOALS = {"blob_binding_per_blob": 3_000_000, "total_10_transactions_1_blob": 20_000_000}


def measure(transactions: int) -> dict[str, Any]:
    """Cycles of the fault guest on a generated example with `transactions` transfers."""
    with tempfile.TemporaryDirectory() as tmp:
        example(Path(tmp) / "b", transactions=transactions)
        bundle = load_bundle(Path(tmp) / "b")
    guest = load_guest(GUEST)
    run = zkvm.execute(guest.program, bundle.input)
    return {
        "input_bytes": len(bundle.input),
        "total_cycles": run.total_cycles,
        "user_cycles": run.user_cycles,
        "segments": len(run.segments),
        "phases": phase_cycles(run.guest_stderr),
        "image_id": guest.image_id_hex,
    }


def full_blob(seed: int = 7) -> bytes:
    """A blob whose 4096 elements are all non-zero and canonical (top byte below 0x73)."""
    rng = random.Random(seed)
    return b"".join(bytes([rng.randrange(1, 0x73)]) + rng.randbytes(31) for _ in range(4096))


def measure_full_blob_binding() -> dict[str, Any]:
    """Cycles of the binding of one completely full blob (the rest of the run is refused after it)."""
    with tempfile.TemporaryDirectory() as tmp:
        example(Path(tmp) / "b", transactions=1)
        items = rlp.decode(load_bundle(Path(tmp) / "b").input)
    items[_BLOBS_ITEM] = [full_blob()]
    guest = load_guest(GUEST)
    try:
        zkvm.execute(guest.program, rlp.encode(items))
    except InvalidInputError as exc:
        phases = phase_cycles(str(exc))
    else:
        raise AssertionError("derivation accepted a blob of random field elements")
    if "blob_binding" not in phases:
        raise AssertionError(f"the guest reported no blob_binding phase before refusing the blob: {phases}")
    return {"blob_binding": phases["blob_binding"], "image_id": guest.image_id_hex}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "fault.json")
    args = parser.parse_args()
    results = {str(n): measure(n) for n in TRANSACTIONS}
    report = {
        "benchmark": "fault program cycles by phase (zkVM executor, no proof)",
        "machine": platform.platform(),
        "goals": GOALS,
        "examples": results,
        "full_blob": measure_full_blob_binding(),
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    for n, r in results.items():
        print(f"{n} transactions: {r['total_cycles']:,} total cycles, {r['segments']} segments")
        for name, cycles in r["phases"].items():
            print(f"  {name:14} {cycles:>13,}")
    print(f"full blob: blob_binding {report['full_blob']['blob_binding']:,} cycles")


if __name__ == "__main__":
    main()

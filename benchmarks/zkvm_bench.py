"""Proof cost of the `digest` guest: cycles (deterministic) and proving time (noisy).

Cycles are exact and are what regression checks compare; times are reported as
medians over repeated runs, with the ratio succinct/composite, because absolute
seconds depend on the machine and its load.

    .venv/bin/python benchmarks/zkvm_bench.py [--runs 3] [--out benchmarks/results/zkvm.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from refute.prover import zkvm
from refute.prover.guests_registry import load_guest

INPUT_SIZES = [0, 1024, 65536]


def bench(runs: int) -> dict:
    guest = load_guest("digest")
    cycles = {}
    for size in INPUT_SIZES:
        run = zkvm.execute(guest.program, b"\xab" * size)
        cycles[str(size)] = {
            "user_cycles": run.user_cycles,
            "total_cycles": run.total_cycles,
            "segments": len(run.segments),
        }
    proving = {}
    for kind in ("composite", "succinct"):
        seconds, sizes = [], []
        for _ in range(runs):
            started = time.perf_counter()
            proof = zkvm.prove(guest.program, b"\xab" * 1024, receipt_kind=kind)
            seconds.append(time.perf_counter() - started)
            sizes.append(proof.receipt_bytes)
        proving[kind] = {
            "median_seconds": round(statistics.median(seconds), 3),
            "runs": [round(s, 3) for s in seconds],
            "receipt_bytes": sizes[0],
            "total_cycles": proof.total_cycles,
        }
    verify_seconds = []
    for _ in range(max(runs, 5)):
        started = time.perf_counter()
        zkvm.verify(proof.receipt, guest.image_id)
        verify_seconds.append(time.perf_counter() - started)
    return {
        "guest": "digest",
        "image_id": guest.image_id_hex,
        "risc0_zkvm": zkvm.native_version().risc0_zkvm,
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "cycles_by_input_bytes": cycles,
        "proving_input_bytes": 1024,
        "proving": proving,
        "succinct_over_composite_time": round(
            proving["succinct"]["median_seconds"] / proving["composite"]["median_seconds"], 2
        ),
        "verify_succinct_median_seconds": round(statistics.median(verify_seconds), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "zkvm.json")
    args = parser.parse_args()
    result = bench(args.runs)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

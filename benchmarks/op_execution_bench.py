"""OP Stack execution cost on real OP Sepolia blocks (the kona executor fixtures).

For each fixture block:

* native: median wall time of :func:`prover.execute.execute_payload` (the
  block built from its payload attributes: signature recovery, deposits, L1
  data fee, execution, roots) and time per transaction;
* zkVM: executor cycles (deterministic) of the ``block`` guest building the
  same block, total and per transaction, split by the phases the guest reports
  (``refute-phase`` lines: input, witness_index, execution,
  witness_accounting, journal), and whether the guest's block hash equals the
  expected one. Issue #11's goal is at most 1.0 M total cycles per
  transaction, averaged over the blocks.

    .venv/bin/python benchmarks/op_execution_bench.py [--runs 5] [--no-guest]

Results: ``benchmarks/results/op_execution.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from refute.prover.execute import decode_journal, execute_payload, guest_input
from refute.prover.witness.kona import load_kona_fixture

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
KONA = Path(os.environ.get("REFUTE_FIXTURES") or REPO.parent / "shared") / "fixtures/execution-witness/kona-op-sepolia"


def native(fixture: Any, runs: int) -> dict[str, Any]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = execute_payload(fixture.payload, fixture.witness, fixture.chain)
        times.append(time.perf_counter() - start)
    assert result is not None
    median = statistics.median(times)
    n = len(result.transactions)
    return {
        "transactions": n,
        "gas_used": result.gas_used,
        "median_seconds": round(median, 5),
        "ms_per_tx": round(median * 1000 / n, 3),
        "match": result.block_hash == fixture.expected_block_hash,
    }


GOAL_CYCLES_PER_TX = 1_000_000


def guest(fixture: Any) -> dict[str, Any]:
    from refute.prover import zkvm
    from refute.prover.fault.api import phase_cycles
    from refute.prover.guests_registry import load_guest

    block_guest = load_guest("block")
    program = block_guest.program
    data = guest_input(fixture.payload, fixture.witness, fixture.chain, payload=True, check_header=False)
    start = time.perf_counter()
    run = zkvm.execute(program, data)
    journal = decode_journal(run.journal)
    return {
        "user_cycles": run.user_cycles,
        "total_cycles": run.total_cycles,
        "segments": len(run.segments),
        "execute_seconds": round(time.perf_counter() - start, 2),
        "match": journal["block_hash"] == fixture.expected_block_hash,
        "phases": phase_cycles(run.guest_stderr),
        "image_id": block_guest.image_id_hex,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-guest", action="store_true", help="native timings only")
    args = parser.parse_args()
    blocks = []
    for path in sorted(KONA.glob("block-*.tar.gz")):
        fixture = load_kona_fixture(path)
        row: dict[str, Any] = {"block": fixture.number, "native": native(fixture, args.runs)}
        if not args.no_guest:
            row["guest"] = guest(fixture)
            row["guest"]["cycles_per_tx"] = row["guest"]["total_cycles"] // row["native"]["transactions"]
        print(json.dumps(row), flush=True)
        blocks.append(row)
    summary: dict[str, Any] = {"blocks": blocks, "machine": platform.machine(), "cpus": os.cpu_count()}
    if blocks and not args.no_guest:
        txs = sum(b["native"]["transactions"] for b in blocks)
        summary["mean_cycles_per_tx"] = sum(b["guest"]["total_cycles"] for b in blocks) // txs
        summary["goal_cycles_per_tx"] = GOAL_CYCLES_PER_TX
        phase_totals: dict[str, int] = {}
        for b in blocks:
            for name, cycles in b["guest"]["phases"].items():
                phase_totals[name] = phase_totals.get(name, 0) + cycles
        summary["mean_phase_cycles_per_tx"] = {name: total // txs for name, total in phase_totals.items()}
    out = HERE / "results" / "op_execution.json"
    out.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

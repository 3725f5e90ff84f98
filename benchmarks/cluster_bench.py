"""Segment-parallel proving on Ray: wall time and speed-up for 1, 2 and 4 workers.

One multi-segment run of the `digest` guest (real proving, no dev mode) is
proven four ways, each in a fresh process so every prover starts cold:

* ``single``: the single-machine prover (``zkvm.prove``, succinct) with one
  prover thread, the baseline;
* ``workers=N`` (N = 1, 2, 4): a Ray cluster of N *simulated* worker nodes on
  this machine (``ray.cluster_utils.Cluster``, one CPU and one prover thread
  each, plus a head node that runs no tasks), an empty receipt store, and the
  whole DAG: execute, prove+lift, join, finalize.

Reported per configuration: wall seconds of the proof (the cluster's start-up is
measured separately), speed-up over one worker, and the orchestration overhead:
the cluster's wall time with one worker minus the single-machine prover's, as a
share of the single-machine time. Both do the same proving work (segments,
lifts, joins in a different order), so the difference is what Ray adds.

    .venv/bin/python benchmarks/cluster_bench.py [--input-bytes 4096] [--po2 16] \
        [--out benchmarks/results/cluster.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _input(size: int) -> bytes:
    return bytes(range(256)) * (size // 256) + bytes(range(size % 256))


def run_single(size: int, po2: int) -> dict[str, Any]:
    from refute.prover import zkvm
    from refute.prover.guests_registry import load_guest

    guest = load_guest("digest")
    started = time.perf_counter()
    proof = zkvm.prove(guest.program, _input(size), receipt_kind="succinct", segment_limit_po2=po2)
    return {
        "wall_seconds": time.perf_counter() - started,
        "segments": proof.segments,
        "total_cycles": proof.total_cycles,
        "claim_digest": proof.claim_digest.hex(),
    }


def run_cluster(size: int, po2: int, workers: int) -> dict[str, Any]:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray
    from ray.cluster_utils import Cluster

    from refute.prover import zkvm
    from refute.prover.cluster.connect import loopback_only
    from refute.prover.cluster.driver import ClusterOptions, prove_on_cluster
    from refute.prover.guests_registry import load_guest

    loopback_only()
    guest = load_guest("digest")
    node_args = {"node_ip_address": "127.0.0.1", "object_store_memory": 100 * 1024 * 1024}
    started = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={**node_args, "num_cpus": 0, "include_dashboard": False})
    for _ in range(workers):
        cluster.add_node(num_cpus=1, **node_args)
    ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
    startup = time.perf_counter() - started
    try:
        with tempfile.TemporaryDirectory() as store:
            began = time.perf_counter()
            result = prove_on_cluster(
                guest.program, _input(size), options=ClusterOptions(segment_po2=po2, receipt_store=Path(store))
            )
            wall = time.perf_counter() - began
    finally:
        ray.shutdown()
        cluster.shutdown()
    zkvm.verify(result.final.receipt, guest.image_id)
    return {
        "wall_seconds": wall,
        "startup_seconds": startup,
        "segments": len(result.execution.segments),
        "claim_digest": result.final.claim_digest.hex(),
        "timings": result.timings,
        "segments_per_node": _per_node(result.placements),
    }


def _per_node(placements: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in placements:
        node = str(p.get("node_id", "cached"))[:8]
        counts[node] = counts.get(node, 0) + 1
    return counts


def _child(config: str, size: int, po2: int) -> dict[str, Any]:
    """Runs one configuration in a fresh process with one prover thread."""
    env = {**os.environ, "RAYON_NUM_THREADS": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    cmd = [sys.executable, __file__, "--one", config, "--input-bytes", str(size), "--po2", str(po2)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _report(
    args: argparse.Namespace, single: dict[str, Any], runs: dict[str, Any], *, complete: bool
) -> dict[str, Any]:
    base = runs.get("1", {}).get("wall_seconds")
    for r in runs.values():
        r["speedup_vs_1_worker"] = round(base / r["wall_seconds"], 3) if base else None
    overhead = None if base is None else (base - single["wall_seconds"]) / single["wall_seconds"]
    return {
        "benchmark": "cluster",
        "complete": complete,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "note": "simulated worker nodes (ray.cluster_utils.Cluster) on one machine; one CPU and one prover thread per worker",
        "guest": "digest",
        "input_bytes": args.input_bytes,
        "segment_po2": args.po2,
        "segments": single["segments"],
        "total_cycles": single["total_cycles"],
        "single_machine": single,
        "workers": runs,
        "orchestration_overhead_vs_single_machine": None if overhead is None else round(overhead, 4),
    }


def _write(out: Path, report: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input-bytes", type=int, default=4096)
    parser.add_argument("--po2", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "cluster.json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.one == "single":
            result = run_single(args.input_bytes, args.po2)
        else:
            result = run_cluster(args.input_bytes, args.po2, int(args.one.removeprefix("workers=")))
        print(json.dumps(result))
        return

    single = _child("single", args.input_bytes, args.po2)
    print(f"single machine: {single['wall_seconds']:.1f} s for {single['segments']} segments", file=sys.stderr)
    worker_counts = [int(w) for w in args.workers.split(",")]
    runs: dict[str, Any] = {}
    report = _report(args, single, runs, complete=False)
    _write(args.out, report)
    for n in worker_counts:
        runs[str(n)] = r = _child(f"workers={n}", args.input_bytes, args.po2)
        assert r["claim_digest"] == single["claim_digest"], "cluster and single-machine claims differ"
        print(f"{n} worker(s): {r['wall_seconds']:.1f} s (start-up {r['startup_seconds']:.1f} s)", file=sys.stderr)
        # Written after every configuration, so an interrupted run keeps what it measured.
        report = _report(args, single, runs, complete=len(runs) == len(worker_counts))
        _write(args.out, report)
    print(json.dumps({k: v for k, v in report.items() if k != "workers"}, indent=1))


if __name__ == "__main__":
    main()

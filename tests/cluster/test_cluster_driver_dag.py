"""The driver's DAG without proving: the native proving steps replaced in every Ray worker.

Why: the real proofs (test_cluster_ray.py) take minutes each; this checks in seconds that the
driver feeds every segment and keccak request to a task, joins neighbours in the planned tree,
unites keccak proofs in the guest's mountain-range shape, hands finalize exactly those two
receipts, and reuses the store on a rerun. Execution is real (the native executor); only the
proving steps are stand-ins (tests/cluster/dag_fakes.py), so nothing here is a proof.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cluster_inputs import TEST_KECCAK_PO2, TEST_PO2, THREE_REQUEST_INPUT

from refute.prover import zkvm
from refute.prover.cluster import segments


def test_the_dag_proves_joins_unites_and_reuses(keccak_guest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    from refute.prover.cluster.connect import loopback_only
    from refute.prover.cluster.driver import ClusterOptions, ClusterProgress, prove_on_cluster
    from refute.prover.cluster.planner import plan_joins

    finalized: list[dict[str, Any]] = []

    def finalize(succinct: bytes, journal: bytes, image_id: bytes, claim: bytes, **kw: Any) -> Any:
        finalized.append({"succinct": succinct, "claim": claim, **kw})
        return segments.FinalReceipt(
            image_id=image_id,
            journal=journal,
            receipt_kind="succinct",
            receipt=b"",
            claim_digest=claim,
            seal=b"",
            finalize_seconds=0.0,
        )

    monkeypatch.setattr(segments, "finalize", finalize)
    loopback_only()
    here = str(Path(__file__).parent)
    seen: list[ClusterProgress] = []
    options = ClusterOptions(segment_po2=TEST_PO2, keccak_po2=TEST_KECCAK_PO2, receipt_store=tmp_path / "store")
    # "local": always a new cluster, never one another process on this machine left running.
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        object_store_memory=100 * 1024 * 1024,
        runtime_env={"env_vars": {"PYTHONPATH": here}, "worker_process_setup_hook": "dag_fakes.install"},
    )
    try:
        first = prove_on_cluster(keccak_guest.program, THREE_REQUEST_INPUT, options=options, progress=seen.append)
        again = prove_on_cluster(keccak_guest.program, THREE_REQUEST_INPUT, options=options)
    finally:
        ray.shutdown()

    single = zkvm.execute(keccak_guest.program, THREE_REQUEST_INPUT, segment_limit_po2=TEST_PO2)
    # Smaller keccak requests mean more flushes in the guest, so more cycles than the single machine's run.
    n = len(first.execution.segments)
    assert n >= len(single.segments) >= 2
    assert first.timings["prove_lift"]["tasks"] == n and first.timings["join"]["tasks"] == n - 1
    assert (first.timings["keccak"]["tasks"], first.timings["union"]["tasks"]) == (3, 2)

    # finalize got the root of the planned join tree over every segment, in order ...
    def shape(span: Any, plan: Any) -> bytes:
        step = next((s for s in plan.steps if s.out == span), None)
        return b"s" if step is None else b"(" + shape(step.left, plan) + b"+" + shape(step.right, plan) + b")"

    plan = plan_joins(n)
    assert finalized[0]["succinct"] == shape(plan.root, plan)
    # ... and the three keccak proofs united as the guest accumulated them: (k0 k1) then k2.
    k = [b"k" + r.sha256[:6].encode() for r in first.execution.keccak_requests]
    assert finalized[0]["keccak_root"] == b"{{" + k[0] + b"|" + k[1] + b"}|" + k[2] + b"}"
    assert finalized[0]["claim"] == first.final.claim_digest == single.claim_digest
    last = seen[-1]
    assert (last.segments, last.proven, last.joined) == (n, n, n - 1)
    assert (last.keccak_requests, last.keccak_proven, last.united) == (3, 3, 2)
    # A rerun finds every receipt in the store and submits nothing.
    assert again.timings["prove_lift"] == {**again.timings["prove_lift"], "tasks": 0, "cached": n}
    assert (again.timings["join"]["tasks"], again.timings["join"]["cached"]) == (0, n - 1)
    assert (again.timings["keccak"]["cached"], again.timings["union"]["cached"]) == (3, 2)
    assert finalized[1] == finalized[0]

"""The driver of a segment-parallel proof: submits the DAG to Ray and collects it.

The DAG: one streaming *execute* task yields segments as the executor produces
them; each segment gets a *prove+lift* task as soon as it arrives (with a
declared memory requirement, so Ray never places more segments on a node than
it can hold); when execution ends the balanced join tree
(:mod:`refute.prover.cluster.planner`) is submitted, each join waiting on its
two inputs; the driver then *finalizes* the root receipt locally. Every receipt
is written to the content-addressed store as it completes, and looked up there
before its task is submitted, so a restarted driver picks up where it stopped.

Ray provides placement, retries of tasks whose worker or node died, and
reconstruction of lost objects from lineage; this module holds no scheduler.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray

from refute.prover.cluster import segments, tasks
from refute.prover.cluster.errors import ClusterError, from_ray
from refute.prover.cluster.planner import Span, plan_joins, segment_memory_bytes
from refute.prover.cluster.store import ReceiptStore, default_store_dir, join_key, lift_key, run_id
from refute.prover.errors import NativeError
from refute.prover.zkvm import image_id

#: ``progress(executed, proven, joined, segments)``; ``segments`` is ``None`` until execution ends.
Progress = Callable[[int, int, int, "int | None"], None]

#: An input of a join: a receipt already in hand (from the store) or one still being computed.
ReceiptSource = Any


@dataclass(frozen=True)
class ClusterOptions:
    """How to spread the work.

    ``cpus_per_task`` is what each prove or join task reserves and the prover
    threads it runs; ``memory_per_segment`` (bytes) defaults to an estimate from
    the segment size (:func:`refute.prover.cluster.planner.segment_memory_bytes`).
    """

    segment_po2: int = segments.DEFAULT_SEGMENT_PO2
    cpus_per_task: int = 1
    memory_per_segment: int | None = None
    receipt_store: Path | None = None
    max_retries: int = 3


@dataclass
class ClusterProof:
    """A finished proof and how it was made."""

    execution: segments.SegmentedExecution
    final: segments.FinalReceipt
    timings: dict[str, Any]
    placements: list[dict[str, Any]] = field(default_factory=list)
    joins: list[dict[str, Any]] = field(default_factory=list)


def _namespace() -> str:
    """Receipts are only reused by the same prover version."""
    from refute.prover.zkvm import native_version

    v = native_version()
    return f"refute-native {v.refute_native}, risc0-zkvm {v.risc0_zkvm}"


class _Run:
    """The mutable state of one proof: outstanding tasks, finished receipts, counters."""

    def __init__(self, store: ReceiptStore, progress: Progress | None) -> None:
        self.store = store
        self.progress = progress
        self.executed = 0
        self.proven = 0
        self.joined = 0
        self.segments: int | None = None
        #: receipt ObjectRef -> (stage, store key)
        self.pending: dict[Any, tuple[str, str]] = {}
        self.info_refs: dict[Any, Any] = {}
        self.placements: list[dict[str, Any]] = []
        self.joins: list[dict[str, Any]] = []
        self.last_lift_done: float | None = None
        self.last_join_done: float | None = None

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.executed, self.proven, self.joined, self.segments)

    def track(self, stage: str, key: str, receipt_ref: Any, info_ref: Any) -> None:
        self.pending[receipt_ref] = (stage, key)
        self.info_refs[receipt_ref] = info_ref

    def harvest(self, timeout: float | None) -> None:
        """Stores every receipt finished within ``timeout`` seconds (``None``: wait for one)."""
        if not self.pending:
            return
        ready, _ = ray.wait(list(self.pending), num_returns=len(self.pending), timeout=timeout or 0)
        if not ready and timeout is None:
            ready, _ = ray.wait(list(self.pending), num_returns=1)
        for ref in ready:
            stage, key = self.pending.pop(ref)
            info_ref = self.info_refs.pop(ref)
            try:
                receipt, info = ray.get([ref, info_ref])
            except Exception as exc:
                raise from_ray(exc, stage=stage) from exc
            self.store.put(key, receipt)
            now = time.perf_counter()
            if stage == "prove_lift":
                self.proven += 1
                self.placements.append({**info, "cached": False})
                self.last_lift_done = now
            else:
                self.joined += 1
                self.joins.append({**info, "cached": False})
                self.last_join_done = now
        if ready:
            self.report()


def _get(ref: Any, stage: str) -> Any:
    try:
        return ray.get(ref)
    except Exception as exc:
        raise from_ray(exc, stage=stage) from exc


def prove_on_cluster(
    program: bytes,
    input_bytes: bytes,
    *,
    options: ClusterOptions | None = None,
    receipt_kind: str = "succinct",
    progress: Progress | None = None,
) -> ClusterProof:
    """Proves a guest run on the connected Ray cluster (``ray.init`` done by the caller)."""
    options = options or ClusterOptions()
    po2 = segments.check_segment_po2(options.segment_po2)
    if not ray.is_initialized():
        raise ClusterError("not connected to a Ray cluster (start one with --cluster local)")
    namespace = _namespace()
    run = run_id(image_id(program), input_bytes, po2)
    store = ReceiptStore(options.receipt_store or default_store_dir())
    memory = options.memory_per_segment or segment_memory_bytes(po2)
    task_env = {"env_vars": {"RAYON_NUM_THREADS": str(options.cpus_per_task)}}
    prove_opts = {
        "num_cpus": options.cpus_per_task,
        "memory": memory,
        "max_retries": options.max_retries,
        "runtime_env": task_env,
    }
    join_opts = {"num_cpus": options.cpus_per_task, "max_retries": options.max_retries, "runtime_env": task_env}
    state = _Run(store, progress)
    started = time.perf_counter()

    # execute + prove/lift, as segments stream in
    # Ray's stubs type remote calls by the function's return annotation, not by num_returns.
    stream: Any = tasks.execute_segments.options(max_retries=options.max_retries).remote(
        ray.put(program), input_bytes, po2
    )
    leaves: dict[int, tuple[str, ReceiptSource]] = {}
    cached_leaves: list[int] = []
    summary: dict[str, Any] | None = None
    execute_where: dict[str, Any] = {}
    first_segment_at: float | None = None
    for header_ref in stream:
        header = _get(header_ref, "execute")
        if "summary" in header:
            summary, execute_where = header["summary"], header["where"]
            break
        segment_ref = next(stream)
        index = header["index"]
        if index != len(leaves):
            raise NativeError(f"segment {index} arrived after {len(leaves)} segments; expected them in order")
        first_segment_at = first_segment_at or time.perf_counter()
        key = lift_key(namespace, run, index)
        state.executed += 1
        stored = store.get(key)
        if stored is not None:
            leaves[index] = (key, stored)
            cached_leaves.append(index)
            state.proven += 1
        else:
            refs: Any = tasks.prove_lift.options(**prove_opts).remote(segment_ref, index)
            receipt_ref, info_ref = refs
            state.track("prove_lift", key, receipt_ref, info_ref)
            leaves[index] = (key, receipt_ref)
        state.report()
        state.harvest(timeout=0)
    if summary is None:
        raise ClusterError("the execute task ended without a summary", stage="execute")
    executed_at = time.perf_counter()
    execution = segments.SegmentedExecution.from_json(summary)
    if len(execution.segments) != len(leaves):
        raise NativeError(f"execution reported {len(execution.segments)} segments but streamed {len(leaves)}")
    state.segments = len(leaves)
    state.report()

    # join tree
    plan = plan_joins(len(leaves))
    spans: dict[Span, tuple[str, ReceiptSource]] = {Span(i, i + 1): leaves[i] for i in leaves}
    cached_joins = 0
    for step in plan.steps:
        (left_key, left), (right_key, right) = spans[step.left], spans[step.right]
        key = join_key(namespace, left_key, right_key)
        stored = store.get(key)
        if stored is not None:
            spans[step.out] = (key, stored)
            cached_joins += 1
            state.joined += 1
            continue
        refs = tasks.join.options(**join_opts).remote(left, right, str(step.out))
        receipt_ref, info_ref = refs
        state.track("join", key, receipt_ref, info_ref)
        spans[step.out] = (key, receipt_ref)
    state.report()
    while state.pending:
        state.harvest(timeout=None)
    root_key, _ = spans[plan.root]
    root = store.get(root_key)
    if root is None:
        raise NativeError(f"the root receipt {root_key} is missing from the store {store.root} after every task ended")
    joined_at = time.perf_counter()

    # finalize
    final = segments.finalize(
        root, execution.journal, execution.image_id, execution.claim_digest, receipt_kind=receipt_kind
    )
    finished = time.perf_counter()
    segment_po2s = {s.index: s.po2 for s in execution.segments}
    placements = sorted(
        [{**p, "po2": segment_po2s.get(p["index"])} for p in state.placements]
        + [{"index": i, "po2": segment_po2s.get(i), "cached": True} for i in cached_leaves],
        key=lambda p: p["index"],
    )
    lift_seconds = [p["seconds"] for p in state.placements]
    join_seconds = [j["seconds"] for j in state.joins]
    timings = {
        "wall_seconds": finished - started,
        "execute": {
            "executor_seconds": execution.execute_seconds,
            "first_segment_after_seconds": None if first_segment_at is None else first_segment_at - started,
            "done_after_seconds": executed_at - started,
            "node_id": execute_where.get("node_id"),
            "host": execute_where.get("host"),
        },
        "prove_lift": {
            "tasks": len(lift_seconds),
            "cached": len(cached_leaves),
            "task_seconds_total": sum(lift_seconds),
            "done_after_seconds": None if state.last_lift_done is None else state.last_lift_done - started,
        },
        "join": {
            "tasks": len(join_seconds),
            "cached": cached_joins,
            "depth": plan.depth,
            "task_seconds_total": sum(join_seconds),
            "done_after_seconds": joined_at - started,
        },
        "finalize": {"seconds": finished - joined_at},
        "nodes": sorted({p["node_id"] for p in state.placements + state.joins}),
    }
    return ClusterProof(execution=execution, final=final, timings=timings, placements=placements, joins=state.joins)

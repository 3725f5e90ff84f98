"""The driver of a segment-parallel proof: submits the DAG to Ray and collects it.

The DAG: one streaming *execute* task yields segments and keccak proof requests
as the executor produces them; each segment gets a *prove+lift* task and each
keccak request a *prove keccak* task as soon as it arrives (with a declared
memory requirement, so Ray never places more of them on a node than it can
hold); when execution ends the balanced join tree and the keccak union tree
(:mod:`refute.prover.cluster.planner`) are submitted, each step waiting on its
two inputs; the driver then *finalizes* locally: the joined receipt, with the
keccak union resolving the assumption the guest's keccak requests left on it. Every receipt
is written to the content-addressed store as it completes, and looked up there
before its task is submitted, so a restarted driver picks up where it stopped.

Ray provides placement, retries of tasks whose worker or node died, and
reconstruction of lost objects from lineage; this module holds no scheduler.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import ray

from refute.prover.cluster import segments, tasks
from refute.prover.cluster.errors import ClusterError, from_ray
from refute.prover.cluster.planner import JoinStep, Span, plan_joins, plan_keccak_unions, segment_memory_bytes
from refute.prover.cluster.store import (
    ReceiptStore,
    default_store_dir,
    join_key,
    keccak_key,
    lift_key,
    run_id,
    union_key,
)
from refute.prover.errors import NativeError
from refute.prover.zkvm import image_id

#: RISC Zero's keccak request size when ``ClusterOptions.keccak_po2`` is 0.
DEFAULT_KECCAK_PO2 = 17


@dataclass(frozen=True)
class ClusterProgress:
    """How far a proof is: segments executed, proven and joined; keccak requests seen, proven and united.

    ``segments`` and ``keccak_requests`` are ``None`` until execution ends (the
    totals are not known before); ``keccak_seen`` counts the requests so far.
    """

    executed: int
    proven: int
    joined: int
    segments: int | None
    keccak_seen: int = 0
    keccak_proven: int = 0
    united: int = 0
    keccak_requests: int | None = None


Progress = Callable[[ClusterProgress], None]

#: An input of a join: a receipt already in hand (from the store) or one still being computed.
ReceiptSource = Any


@dataclass(frozen=True)
class ClusterOptions:
    """How to spread the work.

    ``cpus_per_task`` is what each prove or join task reserves and the prover
    threads it runs; ``memory_per_segment`` (bytes) defaults to an estimate from
    the segment size (:func:`refute.prover.cluster.planner.segment_memory_bytes`).
    ``keccak_po2`` sizes each keccak proof request (0: RISC Zero's default, 17);
    the finished receipt's claim does not depend on it.
    """

    segment_po2: int = segments.DEFAULT_SEGMENT_PO2
    keccak_po2: int = 0
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
    keccak: list[dict[str, Any]] = field(default_factory=list)
    unions: list[dict[str, Any]] = field(default_factory=list)


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
        self.keccak_seen = 0
        self.keccak_proven = 0
        self.united = 0
        self.keccak_requests: int | None = None
        #: receipt ObjectRef -> (stage, store key)
        self.pending: dict[Any, tuple[str, str]] = {}
        self.info_refs: dict[Any, Any] = {}
        self.placements: list[dict[str, Any]] = []
        self.joins: list[dict[str, Any]] = []
        self.keccak: list[dict[str, Any]] = []
        self.unions: list[dict[str, Any]] = []
        self.last_lift_done: float | None = None
        self.last_join_done: float | None = None
        self.last_keccak_done: float | None = None

    def report(self) -> None:
        if self.progress is not None:
            self.progress(
                ClusterProgress(
                    executed=self.executed,
                    proven=self.proven,
                    joined=self.joined,
                    segments=self.segments,
                    keccak_seen=self.keccak_seen,
                    keccak_proven=self.keccak_proven,
                    united=self.united,
                    keccak_requests=self.keccak_requests,
                )
            )

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
            elif stage == "prove_keccak":
                self.keccak_proven += 1
                self.keccak.append({**info, "cached": False})
                self.last_keccak_done = now
            elif stage == "union":
                self.united += 1
                self.unions.append({**info, "cached": False})
            else:
                self.joined += 1
                self.joins.append({**info, "cached": False})
                self.last_join_done = now
        if ready:
            self.report()


def _submit(state: _Run, stage: str, key: str, remote: Any, *args: Any) -> Any:
    """Submits a task returning (receipt, record), tracks it under ``key``; the receipt's ObjectRef."""
    # Ray's stubs type remote calls by the function's return annotation, not by num_returns.
    refs: Any = remote(*args)
    receipt_ref, info_ref = refs
    state.track(stage, key, receipt_ref, info_ref)
    return receipt_ref


def _submit_leaf(
    state: _Run, store: ReceiptStore, stage: str, key: str, remote: Any, data_ref: Any, index: int
) -> tuple[tuple[str, ReceiptSource], bool]:
    """A leaf's (key, receipt source): the stored receipt, else a submitted task; and whether it was stored."""
    stored = store.get(key)
    if stored is not None:
        return (key, stored), True
    return (key, _submit(state, stage, key, remote, data_ref, index)), False


def _submit_tree(
    state: _Run,
    store: ReceiptStore,
    stage: str,
    steps: Sequence[JoinStep],
    leaves: dict[int, tuple[str, ReceiptSource]],
    remote: Any,
    key_of: Callable[[str, str], str],
) -> tuple[dict[Span, tuple[str, ReceiptSource]], int]:
    """Submits every step of a join or union tree (children first), reusing stored receipts.

    Returns each range's (key, receipt source) and how many steps the store already had.
    """
    sources: dict[Span, tuple[str, ReceiptSource]] = {Span(i, i + 1): leaves[i] for i in leaves}
    cached = 0
    for step in steps:
        (left_key, left), (right_key, right) = sources[step.left], sources[step.right]
        key = key_of(left_key, right_key)
        stored = store.get(key)
        if stored is not None:
            sources[step.out] = (key, stored)
            cached += 1
        else:
            sources[step.out] = (key, _submit(state, stage, key, remote, left, right, str(step.out)))
    return sources, cached


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
    keccak_po2 = segments.check_keccak_po2(options.keccak_po2) or DEFAULT_KECCAK_PO2
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
    keccak_opts = {**prove_opts, "memory": segment_memory_bytes(keccak_po2)}
    join_opts = {"num_cpus": options.cpus_per_task, "max_retries": options.max_retries, "runtime_env": task_env}
    state = _Run(store, progress)
    started = time.perf_counter()

    # execute + prove/lift, as segments stream in
    # Ray's stubs type remote calls by the function's return annotation, not by num_returns.
    stream: Any = tasks.execute_segments.options(max_retries=options.max_retries).remote(
        ray.put(program), input_bytes, po2, keccak_po2
    )
    leaves: dict[int, tuple[str, ReceiptSource]] = {}
    cached_leaves: list[int] = []
    keccak_leaves: dict[int, tuple[str, ReceiptSource]] = {}
    cached_keccak: list[int] = []
    summary: dict[str, Any] | None = None
    execute_where: dict[str, Any] = {}
    first_segment_at: float | None = None
    for header_ref in stream:
        header = _get(header_ref, "execute")
        if "summary" in header:
            summary, execute_where = header["summary"], header["where"]
            break
        data_ref = next(stream)
        if "keccak" in header:
            request_index = header["keccak"]
            if request_index != len(keccak_leaves):
                raise NativeError(
                    f"keccak request {request_index} arrived after {len(keccak_leaves)} requests; expected them in order"
                )
            state.keccak_seen += 1
            key = keccak_key(namespace, run, keccak_po2, request_index)
            keccak_remote = tasks.prove_keccak.options(**keccak_opts).remote
            keccak_leaves[request_index], cached = _submit_leaf(
                state, store, "prove_keccak", key, keccak_remote, data_ref, request_index
            )
            if cached:
                cached_keccak.append(request_index)
                state.keccak_proven += 1
        else:
            index = header["index"]
            if index != len(leaves):
                raise NativeError(f"segment {index} arrived after {len(leaves)} segments; expected them in order")
            first_segment_at = first_segment_at or time.perf_counter()
            state.executed += 1
            key = lift_key(namespace, run, index)
            lift_remote = tasks.prove_lift.options(**prove_opts).remote
            leaves[index], cached = _submit_leaf(state, store, "prove_lift", key, lift_remote, data_ref, index)
            if cached:
                cached_leaves.append(index)
                state.proven += 1
        state.report()
        state.harvest(timeout=0)
    if summary is None:
        raise ClusterError("the execute task ended without a summary", stage="execute")
    executed_at = time.perf_counter()
    execution = segments.SegmentedExecution.from_json(summary)
    if len(execution.segments) != len(leaves):
        raise NativeError(f"execution reported {len(execution.segments)} segments but streamed {len(leaves)}")
    if len(execution.keccak_requests) != len(keccak_leaves):
        raise NativeError(
            f"execution reported {len(execution.keccak_requests)} keccak requests but streamed {len(keccak_leaves)}"
        )
    state.segments = len(leaves)
    state.keccak_requests = len(keccak_leaves)
    state.report()

    # join tree, and the keccak union tree in the shape the guest accumulated its requests
    plan = plan_joins(len(leaves))
    join_remote = tasks.join.options(**join_opts).remote
    spans, cached_joins = _submit_tree(
        state, store, "join", plan.steps, leaves, join_remote, partial(join_key, namespace)
    )
    state.joined += cached_joins
    keccak_root_key: str | None = None
    cached_unions = 0
    if keccak_leaves:
        union_plan = plan_keccak_unions(len(keccak_leaves))
        union_remote = tasks.union.options(**join_opts).remote
        united, cached_unions = _submit_tree(
            state, store, "union", union_plan.steps, keccak_leaves, union_remote, partial(union_key, namespace)
        )
        state.united += cached_unions
        keccak_root_key = united[union_plan.root][0]
    state.report()
    while state.pending:
        state.harvest(timeout=None)
    root_key, _ = spans[plan.root]
    root = store.get(root_key)
    if root is None:
        raise NativeError(f"the root receipt {root_key} is missing from the store {store.root} after every task ended")
    keccak_root = b""
    if keccak_root_key is not None:
        keccak_root = store.get(keccak_root_key) or b""
        if not keccak_root:
            raise NativeError(
                f"the keccak union {keccak_root_key} is missing from the store {store.root} after every task ended"
            )
    joined_at = time.perf_counter()

    # finalize
    final = segments.finalize(
        root,
        execution.journal,
        execution.image_id,
        execution.claim_digest,
        keccak_root=keccak_root,
        receipt_kind=receipt_kind,
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
    keccak_seconds = [k["seconds"] for k in state.keccak]
    union_seconds = [u["seconds"] for u in state.unions]
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
        "keccak": {
            "requests": len(keccak_leaves),
            "po2": keccak_po2,
            "tasks": len(keccak_seconds),
            "cached": len(cached_keccak),
            "task_seconds_total": sum(keccak_seconds),
            "done_after_seconds": None if state.last_keccak_done is None else state.last_keccak_done - started,
        },
        "union": {"tasks": len(union_seconds), "cached": cached_unions, "task_seconds_total": sum(union_seconds)},
        "finalize": {"seconds": finished - joined_at},
        "nodes": sorted({p["node_id"] for p in state.placements + state.joins + state.keccak + state.unions}),
    }
    return ClusterProof(
        execution=execution,
        final=final,
        timings=timings,
        placements=placements,
        joins=state.joins,
        keccak=state.keccak,
        unions=state.unions,
    )

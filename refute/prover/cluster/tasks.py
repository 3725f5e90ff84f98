"""The Ray tasks of a segment-parallel proof: thin shells over the native steps.

Every task is a pure function of its arguments (the native calls are stateless),
so Ray may retry it after a worker or node dies and rebuild lost results from
lineage. Each returns, next to its receipt, a small record of where and how long
it ran, which the driver reports under ``--json``.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ray

from refute.prover.cluster import segments

#: How often the execute task looks for the next segment file.
POLL_SECONDS = 0.02


def where() -> dict[str, Any]:
    """The node, host and process a task runs in."""
    return {"node_id": ray.get_runtime_context().get_node_id(), "host": socket.gethostname(), "pid": os.getpid()}


@ray.remote(num_returns="streaming", max_retries=2)
def execute_segments(program: bytes, input_bytes: bytes, segment_po2: int, keccak_po2: int = 0) -> Iterator[Any]:
    """Runs the guest and streams its segments and keccak requests as the executor writes them.

    Yields, per segment, a small header ``{"index", "sha256", "bytes"}`` then the
    segment's bytes; per keccak request ``{"keccak": index, "sha256", "bytes"}``
    then the request's bytes; finally ``{"summary": <execution report>, "where": ...}``.
    The header comes first so the driver can look the receipt up before it
    touches (or moves) the data.
    """
    with tempfile.TemporaryDirectory(prefix="refute-segments-") as tmp:
        out_dir = Path(tmp)
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["report"] = segments.execute_to_segments_json(
                    program, input_bytes, segment_po2, out_dir, keccak_po2
                )
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="refute-execute", daemon=True)
        worker.start()
        index = keccak_index = 0
        while True:
            # Liveness first: once the executor has stopped, a missing next file means there is none.
            running = worker.is_alive()
            segment = out_dir / segments.segment_file_name(index)
            request = out_dir / segments.keccak_file_name(keccak_index)
            if segment.exists():
                data = segment.read_bytes()
                segment.unlink()
                yield {"index": index, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                yield data
                index += 1
            elif request.exists():
                data = request.read_bytes()
                request.unlink()
                yield {"keccak": keccak_index, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                yield data
                keccak_index += 1
            elif not running:
                break
            else:
                time.sleep(POLL_SECONDS)
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        yield {"summary": outcome["report"], "where": where()}


def _timed(step: Callable[..., bytes], record: dict[str, Any], *args: Any) -> tuple[bytes, dict[str, Any]]:
    """Runs a native step: its receipt, and ``record`` with how long it took and where."""
    started = time.perf_counter()
    receipt = step(*args)
    return receipt, {**record, "seconds": time.perf_counter() - started, **where()}


@ray.remote(num_returns=2, max_retries=3)
def prove_lift(segment: bytes, index: int) -> tuple[bytes, dict[str, Any]]:
    """Proves and lifts one segment: its succinct receipt and a record of the run."""
    return _timed(segments.prove_and_lift, {"index": index}, segment)


@ray.remote(num_returns=2, max_retries=3)
def join(left: bytes, right: bytes, span: str) -> tuple[bytes, dict[str, Any]]:
    """Joins two neighbouring receipts: the joined receipt and a record of the run."""
    return _timed(segments.join, {"span": span}, left, right)


@ray.remote(num_returns=2, max_retries=3)
def prove_keccak(request: bytes, index: int) -> tuple[bytes, dict[str, Any]]:
    """Proves one keccak request: its receipt and a record of the run."""
    return _timed(segments.prove_keccak, {"keccak": index}, request)


@ray.remote(num_returns=2, max_retries=3)
def union(left: bytes, right: bytes, span: str) -> tuple[bytes, dict[str, Any]]:
    """Unites two keccak proofs: the union's receipt and a record of the run."""
    return _timed(segments.union, {"span": span}, left, right)

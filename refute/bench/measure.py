"""One measurement: a case's cycles (executor, deterministic), its native dry-run
features and timings (medians), as a JSON-ready dict.

Cycles come from ``zkvm.execute`` (no proof): user, paging, total, segments,
and the guest's per-phase ``refute-phase`` counts. Each generated workload's
journal is checked against the native dry run, so a measured run is a correct run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refute.bench.workloads import RealBlock, Workload
from refute.hexutil import parse_hex
from refute.prover import native, zkvm
from refute.prover.errors import InvalidInputError
from refute.prover.fault import example, load_bundle
from refute.prover.fault.api import GUEST, input_blobs, phase_cycles
from refute.prover.guests_registry import load_guest

if TYPE_CHECKING:
    from refute.prover.witness.kona import KonaFixture


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``run`` over ``repeats`` calls."""
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cycles_of(run: zkvm.Execution) -> dict[str, Any]:
    """The deterministic figures of an executor run (what the gate compares)."""
    return {
        "user": run.user_cycles,
        "paging": run.paging_cycles,
        "reserved": run.reserved_cycles,
        "total": run.total_cycles,
        "segments": len(run.segments),
        "phases": phase_cycles(run.guest_stderr),
    }


def dry_run(input_bytes: bytes) -> dict[str, Any]:
    """The native dry run's report (the fault program on the host)."""
    return native.call_json("fault_check", input_bytes)


def features(input_bytes: bytes, report: dict[str, Any]) -> dict[str, int]:
    """What the native dry run tells about an input: the predictor's variables."""
    return {
        "input_bytes": len(input_bytes),
        "blobs": len(input_blobs(input_bytes)),
        "transactions": int(report["derivation"]["transactions"]),
        "gas_used": int(report["execution"]["gas_used"]),
    }


def workload_input(workload: Workload) -> bytes:
    """The fault program's input for a generated workload."""
    with tempfile.TemporaryDirectory() as tmp:
        example(Path(tmp) / "bundle", transactions=workload.transactions, workload=workload.kind)
        return load_bundle(Path(tmp) / "bundle").input


def measure_fault_input(name: str, input_bytes: bytes, repeats: int) -> dict[str, Any]:
    """Cycles of the ``fault`` guest on ``input_bytes`` and the native dry run's features and time."""
    report = dry_run(input_bytes)
    native_seconds = median_seconds(lambda: dry_run(input_bytes), repeats)
    guest = load_guest(GUEST)
    run = zkvm.execute(guest.program, input_bytes)
    if run.journal != parse_hex(report["journal"], "journal"):
        raise InvalidInputError(f"{name}: the fault guest's journal differs from the native dry run's (a bug)")
    return {
        "name": name,
        "guest": GUEST,
        "image_id": guest.image_id_hex,
        "cycles": cycles_of(run),
        "features": features(input_bytes, report),
        "timings": {"native_seconds": round(native_seconds, 6), "execute_seconds": round(run.execute_seconds, 3)},
    }


def measure_workload(workload: Workload, repeats: int) -> dict[str, Any]:
    """A generated workload through the fault guest."""
    result = measure_fault_input(workload.name, workload_input(workload), repeats)
    return {"kind": workload.kind, "size": workload.transactions, **result}


def block_case(block: RealBlock) -> tuple[KonaFixture, bytes]:
    """A real fixture block and the ``block`` guest's input for it (built from its payload)."""
    from refute.prover.execute import guest_input
    from refute.prover.witness.kona import load_kona_fixture

    fixture = load_kona_fixture(block.path)
    return fixture, guest_input(fixture.payload, fixture.witness, fixture.chain, payload=True, check_header=False)


def measure_block(block: RealBlock, repeats: int) -> dict[str, Any]:
    """A real fixture block through the ``block`` guest (execution only)."""
    from refute.prover.execute import decode_journal, execute_payload

    fixture, data = block_case(block)
    outcome = execute_payload(fixture.payload, fixture.witness, fixture.chain)
    native_seconds = median_seconds(lambda: execute_payload(fixture.payload, fixture.witness, fixture.chain), repeats)
    guest = load_guest("block")
    run = zkvm.execute(guest.program, data)
    if decode_journal(run.journal)["block_hash"] != fixture.expected_block_hash:
        raise InvalidInputError(f"{block.name}: the block guest's block hash is not the fixture's")
    return {
        "name": block.name,
        "kind": "real_block",
        "size": len(outcome.transactions),
        "guest": "block",
        "image_id": guest.image_id_hex,
        "cycles": cycles_of(run),
        "features": {
            "input_bytes": len(data),
            "blobs": 0,
            "transactions": len(outcome.transactions),
            "gas_used": int(outcome.gas_used),
        },
        "timings": {"native_seconds": round(native_seconds, 6), "execute_seconds": round(run.execute_seconds, 3)},
    }

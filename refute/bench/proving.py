"""Real proving on this machine: seconds per million cycles, receipt size, and
the pure-Python verifier's time on a real Groth16 seal.

The fault guest's smallest case is tens of millions of cycles (tens of minutes
on two cores), so the rate is measured on a small real proof of the ``digest``
guest (same prover, same segment machinery) and applied to the cycle counts.
"""

from __future__ import annotations

import json
import time
from typing import Any

from refute.bench.workloads import fixtures_dir
from refute.prover import zkvm
from refute.prover.errors import EnvironmentUnavailable
from refute.prover.guests_registry import load_guest

#: The digest guest's input for the rate measurement: one full 2^20-cycle
#: segment, the segment size the fault proofs are made of (a smaller segment
#: carries more fixed cost per cycle and overstates the time).
RATE_INPUT_BYTES = 160 * 1024


def proving_rate(receipt_kind: str = "succinct", input_bytes: int = RATE_INPUT_BYTES) -> dict[str, Any]:
    """A real proof of the ``digest`` guest: seconds, cycles, seconds per million cycles, receipt bytes."""
    guest = load_guest("digest")
    proof = zkvm.prove(guest.program, b"\xab" * input_bytes, receipt_kind=receipt_kind)
    if proof.dev_mode:
        raise EnvironmentUnavailable("dev mode is on (RISC0_DEV_MODE): no real proof to time")
    return {
        "guest": "digest",
        "receipt_kind": proof.receipt_kind,
        "total_cycles": proof.total_cycles,
        "segments": proof.segments,
        "prove_seconds": round(proof.prove_seconds, 3),
        "seconds_per_mcycle": round(proof.prove_seconds / (proof.total_cycles / 1e6), 3),
        "receipt_bytes": proof.receipt_bytes,
    }


def python_verify_seconds() -> dict[str, Any] | None:
    """Pure-Python verification time of the first accepted real Groth16 receipt in the shared conformance
    fixture (what a challenger's verifier does with a proof; it does not depend on the guest). None when the
    fixture is absent."""
    from refute.verifier import ALL_RELEASES, verify_receipt

    path = fixtures_dir() / "conformance" / "risc0-groth16-receipts.json"
    if not path.is_file():
        return None
    receipts = json.loads(path.read_text())["receipts"]
    receipt = next(r for r in receipts if r["expected"] == "accept")
    seal, image_id, journal = (bytes.fromhex(receipt[k].removeprefix("0x")) for k in ("seal", "image_id", "journal"))
    start = time.perf_counter()
    verify_receipt(seal, image_id, journal, deployment=ALL_RELEASES)
    return {"receipt": receipt["name"], "seal_bytes": len(seal), "seconds": round(time.perf_counter() - start, 3)}

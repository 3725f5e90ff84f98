"""Stand-ins for the native proving steps, installed in every Ray worker of the DAG test.

Each fake 'receipt' spells out what it covers, so the driver's test can read the shape of the
join and union trees from the bytes finalize receives. Execution stays real.
"""

from __future__ import annotations

import hashlib


def _lift(segment: bytes) -> bytes:
    return b"s"


def _keccak(request: bytes) -> bytes:
    return b"k" + hashlib.sha256(request).hexdigest()[:6].encode()


def _join(left: bytes, right: bytes) -> bytes:
    return b"(" + left + b"+" + right + b")"


def _union(left: bytes, right: bytes) -> bytes:
    return b"{" + left + b"|" + right + b"}"


def install() -> None:
    """Replaces the proving steps in this process (Ray's worker_process_setup_hook)."""
    from refute.prover.cluster import segments

    segments.prove_and_lift = _lift
    segments.prove_keccak = _keccak
    segments.join = _join
    segments.union = _union

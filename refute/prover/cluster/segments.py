"""Typed wrappers over the native core's segment-parallel proving steps.

Each step is stateless, bytes in and bytes out (``native/src/segments.rs``), so
the scheduler may run it anywhere and retry it freely: execute a guest into
serialized segments and keccak proof requests, prove-and-lift one segment,
join two neighbouring receipts, prove one keccak request, unite two keccak
proofs, and finalize the receipt that covers every segment (resolving the
keccak proofs' union, if the guest used the keccak accelerator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refute.hexutil import parse_hex
from refute.prover import native
from refute.prover.errors import InvalidInputError

#: Segment sizes (log2 of cycles per segment) RISC Zero accepts.
MIN_SEGMENT_PO2 = 13
MAX_SEGMENT_PO2 = 22
#: Production segment size: large enough to amortise per-segment overhead, small enough for a 16 GiB worker.
DEFAULT_SEGMENT_PO2 = 20
#: Keccak request sizes (log2 of keccak-circuit cycles per request) RISC Zero accepts; 0 asks for its default (17).
MIN_KECCAK_PO2 = 14
MAX_KECCAK_PO2 = 18


def segment_file_name(index: int) -> str:
    """The file name the native executor writes segment ``index`` to (``segment-NNNNNN.bin``)."""
    return f"segment-{index:06d}.bin"


def keccak_file_name(index: int) -> str:
    """The file the native executor writes keccak request ``index`` to (``keccak-NNNNNN.bin``)."""
    return f"keccak-{index:06d}.bin"


def check_keccak_po2(po2: int) -> int:
    """``po2`` if it is 0 (RISC Zero's default) or a keccak request size RISC Zero accepts."""
    if isinstance(po2, bool) or not isinstance(po2, int) or not (po2 == 0 or MIN_KECCAK_PO2 <= po2 <= MAX_KECCAK_PO2):
        raise InvalidInputError(
            f"keccak po2 must be 0 (the default) or an integer in {MIN_KECCAK_PO2}..{MAX_KECCAK_PO2}, got {po2!r}",
            keccak_po2=po2,
        )
    return po2


def check_segment_po2(po2: int) -> int:
    if isinstance(po2, bool) or not isinstance(po2, int) or not MIN_SEGMENT_PO2 <= po2 <= MAX_SEGMENT_PO2:
        raise InvalidInputError(
            f"segment po2 must be an integer in {MIN_SEGMENT_PO2}..{MAX_SEGMENT_PO2}, got {po2!r}", segment_po2=po2
        )
    return po2


@dataclass(frozen=True)
class SegmentInfo:
    """One segment the executor wrote: its index, size, and content address."""

    index: int
    po2: int
    bytes: int
    sha256: str
    file: str


@dataclass(frozen=True)
class KeccakRequestInfo:
    """One keccak proof request the guest made: its index, size, content address and the claim it must prove."""

    index: int
    po2: int
    bytes: int
    sha256: str
    file: str
    claim_digest: str


@dataclass(frozen=True)
class SegmentedExecution:
    """What executing a guest into segments reports."""

    image_id: bytes
    journal: bytes
    exit_code: str
    user_cycles: int
    paging_cycles: int
    reserved_cycles: int
    total_cycles: int
    segments: list[SegmentInfo]
    #: The claim of the finished proof, every keccak proof resolved.
    claim_digest: bytes
    execute_seconds: float
    keccak_requests: list[KeccakRequestInfo] = field(default_factory=list)
    keccak_po2: int = 0
    guest_stderr: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, r: dict[str, Any]) -> SegmentedExecution:
        return cls(
            image_id=parse_hex(r["image_id"], "image_id"),
            journal=parse_hex(r["journal"], "journal"),
            exit_code=r["exit_code"],
            user_cycles=r["user_cycles"],
            paging_cycles=r["paging_cycles"],
            reserved_cycles=r["reserved_cycles"],
            total_cycles=r["total_cycles"],
            segments=[SegmentInfo(**s) for s in r["segments"]],
            claim_digest=parse_hex(r["claim_digest"], "claim_digest"),
            execute_seconds=r["execute_seconds"],
            keccak_requests=[KeccakRequestInfo(**k) for k in r["keccak_requests"]],
            keccak_po2=r["keccak_po2"],
            guest_stderr=r.get("guest_stderr", ""),
        )


def execute_to_segments_json(
    program: bytes, input_bytes: bytes, segment_po2: int, out_dir: Path, keccak_po2: int = 0
) -> dict[str, Any]:
    """Runs the guest, writing each segment and keccak request into ``out_dir`` as it is produced; the raw report.

    Raw JSON so a remote task can hand it back without this module's types.
    """
    check_segment_po2(segment_po2)
    check_keccak_po2(keccak_po2)
    result: dict[str, Any] = native.call_json(
        "segments_execute", program, input_bytes, segment_po2, keccak_po2, str(out_dir)
    )
    return result


def execute_to_segments(
    program: bytes, input_bytes: bytes, segment_po2: int, out_dir: Path, keccak_po2: int = 0
) -> SegmentedExecution:
    """Like :func:`execute_to_segments_json`, typed."""
    return SegmentedExecution.from_json(
        execute_to_segments_json(program, input_bytes, segment_po2, out_dir, keccak_po2)
    )


def prove_and_lift(segment: bytes) -> bytes:
    """Proves one serialized segment; its lifted succinct receipt (bincode)."""
    return native.call("segments_prove_lift", segment)


def join(left: bytes, right: bytes) -> bytes:
    """Joins the receipts of two neighbouring segment ranges, ``left`` first (bincode succinct receipt)."""
    return native.call("segments_join", left, right)


def prove_keccak(request: bytes) -> bytes:
    """Proves one serialized keccak request with RISC Zero's keccak circuit (bincode succinct receipt)."""
    return native.call("segments_prove_keccak", request)


def union(left: bytes, right: bytes) -> bytes:
    """Unites two keccak proofs (or unions of them) into one (bincode succinct receipt); order does not matter."""
    return native.call("segments_union", left, right)


@dataclass(frozen=True)
class FinalReceipt:
    """The verified final receipt built from the joined segments."""

    image_id: bytes
    journal: bytes
    receipt_kind: str
    receipt: bytes = field(repr=False)
    claim_digest: bytes
    seal: bytes
    finalize_seconds: float


def finalize(
    succinct: bytes,
    journal: bytes,
    image_id: bytes,
    claim_digest: bytes,
    *,
    keccak_root: bytes = b"",
    receipt_kind: str = "succinct",
) -> FinalReceipt:
    """The receipt covering all segments, checked against the executed claim and verified against ``image_id``.

    ``keccak_root`` is the union of the run's keccak proofs (empty when the guest
    made no keccak request): it resolves the assumption they leave on the
    joined receipt. ``receipt_kind`` ``groth16`` also compresses the result
    (needs a Groth16 prover here).
    """
    r = native.call_json("segments_finalize", succinct, keccak_root, journal, image_id, claim_digest, receipt_kind)
    return FinalReceipt(
        image_id=parse_hex(r["image_id"], "image_id"),
        journal=parse_hex(r["journal"], "journal"),
        receipt_kind=r["receipt_kind"],
        receipt=parse_hex(r["receipt"], "receipt"),
        claim_digest=parse_hex(r["claim_digest"], "claim_digest"),
        seal=parse_hex(r["seal"], "seal"),
        finalize_seconds=r["prove_seconds"],
    )

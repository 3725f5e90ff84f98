"""Typed Python API over the RISC Zero host in the native core.

Four operations, mirroring what a challenger does: compute an image ID,
execute a guest (journal and cycles, no proof), prove (a receipt), and verify a
receipt against an image ID. Dev mode produces *fake* receipts that prove
nothing; every result carries ``dev_mode`` so callers can label it, and
:func:`verify` refuses fake receipts unless ``allow_dev`` is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from refute.hexutil import parse_hex, to_hex
from refute.prover import native
from refute.prover.errors import InvalidInputError

RECEIPT_KINDS = ("composite", "succinct", "groth16")


def dev_mode_from_env() -> bool:
    """RISC Zero's convention: ``RISC0_DEV_MODE`` set to 1/true/yes enables dev mode."""
    return os.environ.get("RISC0_DEV_MODE", "").strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class NativeVersion:
    refute_native: str
    risc0_zkvm: str
    receipt_kinds: list[str]
    groth16_available: bool


def native_version() -> NativeVersion:
    info = native.call_json("version")
    return NativeVersion(**info)


def image_id(program: bytes) -> bytes:
    """The 32-byte image ID of a program binary (ELF wrapped with the v1compat kernel)."""
    return native.call("image_id", program)


def pack_elf(elf: bytes) -> bytes:
    """Wraps a guest ELF with the v1compat kernel into a program binary."""
    return native.call("pack_elf", elf)


@dataclass(frozen=True)
class Segment:
    index: int
    po2: int


@dataclass(frozen=True)
class Execution:
    """What running a guest without proving tells: journal and cost."""

    image_id: bytes
    journal: bytes
    exit_code: str
    user_cycles: int
    paging_cycles: int
    reserved_cycles: int
    total_cycles: int
    segments: list[Segment]
    claim_digest: bytes
    execute_seconds: float
    #: What the guest wrote to stderr (the core keeps the first MiB).
    guest_stderr: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "image_id": to_hex(self.image_id),
            "journal": to_hex(self.journal),
            "exit_code": self.exit_code,
            "user_cycles": self.user_cycles,
            "paging_cycles": self.paging_cycles,
            "reserved_cycles": self.reserved_cycles,
            "total_cycles": self.total_cycles,
            "segments": len(self.segments),
            "segment_po2s": [s.po2 for s in self.segments],
            "claim_digest": to_hex(self.claim_digest),
            "execute_seconds": round(self.execute_seconds, 6),
        }


def execute(program: bytes, input_bytes: bytes, *, segment_limit_po2: int = 0) -> Execution:
    """Runs the guest in the executor. Raises :class:`InvalidInputError` if it does not halt cleanly."""
    r = native.call_json("execute", program, input_bytes, segment_limit_po2)
    return Execution(
        image_id=parse_hex(r["image_id"], "image_id"),
        journal=parse_hex(r["journal"], "journal"),
        exit_code=r["exit_code"],
        user_cycles=r["user_cycles"],
        paging_cycles=r["paging_cycles"],
        reserved_cycles=r["reserved_cycles"],
        total_cycles=r["total_cycles"],
        segments=[Segment(**s) for s in r["segments"]],
        claim_digest=parse_hex(r["claim_digest"], "claim_digest"),
        execute_seconds=r["execute_seconds"],
        guest_stderr=r.get("guest_stderr", ""),
    )


@dataclass(frozen=True)
class Proof:
    """A receipt and the cost of producing it."""

    image_id: bytes
    journal: bytes
    receipt_kind: str
    dev_mode: bool
    user_cycles: int
    total_cycles: int
    segments: int
    prove_seconds: float
    receipt: bytes = field(repr=False)
    claim_digest: bytes = b""
    seal: bytes = b""

    @property
    def receipt_bytes(self) -> int:
        return len(self.receipt)


def prove(
    program: bytes,
    input_bytes: bytes,
    *,
    receipt_kind: str = "succinct",
    dev_mode: bool = False,
    segment_limit_po2: int = 0,
) -> Proof:
    """Proves a guest run. ``dev_mode`` makes a fake receipt (no proof) quickly."""
    if receipt_kind not in RECEIPT_KINDS:
        raise InvalidInputError(f"receipt kind {receipt_kind!r} unknown; expected one of {', '.join(RECEIPT_KINDS)}")
    # Groth16 without a Docker engine or CUDA: the core raises EnvironmentUnavailable
    # (status 4) before any proving work.
    r = native.call_json("prove", program, input_bytes, receipt_kind, dev_mode, segment_limit_po2)
    return Proof(
        image_id=parse_hex(r["image_id"], "image_id"),
        journal=parse_hex(r["journal"], "journal"),
        receipt_kind=r["receipt_kind"],
        dev_mode=r["dev_mode"],
        user_cycles=r["user_cycles"],
        total_cycles=r["total_cycles"],
        segments=r["segments"],
        prove_seconds=r["prove_seconds"],
        receipt=parse_hex(r["receipt"], "receipt"),
        claim_digest=parse_hex(r["claim_digest"], "claim_digest"),
        seal=parse_hex(r["seal"], "seal"),
    )


@dataclass(frozen=True)
class Verified:
    """A receipt that verified: its kind, journal and claim digest."""

    receipt_kind: str
    dev_mode: bool
    journal: bytes
    claim_digest: bytes


def verify(receipt: bytes, image_id_bytes: bytes, *, allow_dev: bool = False) -> Verified:
    """Verifies a bincode receipt against an image ID or raises :class:`VerificationFailed`."""
    if len(image_id_bytes) != 32:
        raise InvalidInputError(f"image ID must be 32 bytes, got {len(image_id_bytes)}")
    r = native.call_json("verify", receipt, image_id_bytes, allow_dev)
    return Verified(
        receipt_kind=r["receipt_kind"],
        dev_mode=r["dev_mode"],
        journal=parse_hex(r["journal"], "journal"),
        claim_digest=parse_hex(r["claim_digest"], "claim_digest"),
    )

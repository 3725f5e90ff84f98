"""EigenDA: payload <-> blob codec and BN254 KZG commitment checks.

The codec and the commitment (a multi-scalar multiplication over the SRS
``g1.point`` file, blob symbols as polynomial coefficients) run natively in
Rust; the decompressed SRS is cached per process, so repeated checks pay only
for the MSM.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from refute.hexutil import parse_hex
from refute.prover.da import _native
from refute.prover.da.blob import eigenda_decode, eigenda_encode
from refute.prover.da.errors import DAError


@dataclass(frozen=True)
class EigenDACommitment:
    """A BN254 G1 commitment: uncompressed ``x || y`` (64 bytes) and gnark-compressed (32 bytes)."""

    point: bytes
    compressed: bytes


def commit(blob: bytes, srs_g1: str | Path) -> EigenDACommitment:
    """Commitment of an EigenDA blob (coefficient form) with the SRS file ``srs_g1``."""
    out = _native.call_json("eigenda_commit", bytes(blob), str(srs_g1))
    return EigenDACommitment(parse_hex(out["commitment"], "commitment"), parse_hex(out["compressed"], "compressed"))


def verify_commitment(blob: bytes, commitment: bytes, srs_g1: str | Path) -> bool:
    """True when ``commitment`` (64-byte x||y or 32-byte compressed) commits to ``blob``."""
    out = _native.call_json("eigenda_verify", bytes(blob), bytes(commitment), str(srs_g1))
    return bool(out["valid"])


def srs_points(srs_g1: str | Path, count: int) -> list[tuple[int, int]]:
    """The first ``count`` SRS points as integers (for conformance checks)."""
    return [(int(x), int(y)) for x, y in _native.call_json("eigenda_srs_points", str(srs_g1), int(count))]


def commitment_from_blob_info(path: str | Path) -> bytes:
    """The G1 commitment (x||y, 64 bytes) of an EigenDA V1 ``BlobInfo`` (protojson)."""
    info = json.loads(Path(path).read_text())
    try:
        header = info.get("blobHeader") or info["blob_header"]
        c = header["commitment"]
        x, y = base64.b64decode(c["x"]), base64.b64decode(c["y"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DAError("blob", 0, f"BlobInfo: no G1 commitment ({exc})") from None
    return x.rjust(32, b"\0") + y.rjust(32, b"\0")


__all__ = [
    "EigenDACommitment",
    "commit",
    "commitment_from_blob_info",
    "eigenda_decode",
    "eigenda_encode",
    "srs_points",
    "verify_commitment",
]

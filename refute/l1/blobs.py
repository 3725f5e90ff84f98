"""Blob openings for challenges: what a challenger computes (with ckzg) for each blob it read.

Why here and not in the mirror: producing an opening needs the blob and a KZG
prover (ckzg, through :mod:`refute.prover.da.kzg`); checking one needs neither
(:mod:`refute.verifier.kzg_point`). ``z`` follows docs/protocol.md ("Blob
binding by proof of equivalence"): ``sha256("refute/blob-binding/v2" ‖
versioned_hash ‖ sha256(blob)) mod r``.
"""

from __future__ import annotations

import hashlib

from refute.prover.da import kzg
from refute.verifier.kzg_point import BLS_MODULUS

__all__ = ["BINDING_DOMAIN", "binding_challenge", "opening_for_blob", "synthetic_blob"]

BINDING_DOMAIN = b"refute/blob-binding/v2"


def synthetic_blob(seed: int) -> bytes:
    """A deterministic blob of canonical field elements (each below r: top byte zero)."""
    out = bytearray()
    for i in range(4096):
        out += b"\x00" + hashlib.sha256(seed.to_bytes(8, "big") + i.to_bytes(4, "big")).digest()[1:]
    return bytes(out)


def binding_challenge(versioned_hash: bytes, blob: bytes) -> bytes:
    """``sha256(domain ‖ versioned_hash ‖ sha256(blob))``, before reduction mod r (the guest's ``challenge``)."""
    return hashlib.sha256(BINDING_DOMAIN + versioned_hash + hashlib.sha256(blob).digest()).digest()


def opening_for_blob(blob: bytes) -> bytes:
    """The 192-byte point-evaluation input ``versioned_hash ‖ z ‖ y ‖ commitment ‖ proof`` for ``blob``."""
    commitment = kzg.commitment(blob)
    vh = kzg.versioned_hash(commitment)
    z = (int.from_bytes(binding_challenge(vh, blob), "big") % BLS_MODULUS).to_bytes(32, "big")
    proof, y = kzg.compute_kzg_proof(blob, z)
    return vh + z + y + commitment + proof

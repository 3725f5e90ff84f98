"""EIP-4844 KZG on the host, with ckzg (the reference c-kzg-4844 bindings).

The mainnet trusted setup is the file the ``eth-account`` package ships; it is
located inside the installed package rather than vendored, so there is one
copy on the machine and it is the one the ecosystem uses.

Point evaluation follows the 0x0A precompile (EIP-4844): input
``versioned_hash | z | y | commitment | proof`` (192 bytes); the hash must be
``0x01 || sha256(commitment)[1:]`` and the proof must open the commitment to
``y`` at ``z``; output is ``FIELD_ELEMENTS_PER_BLOB | BLS_MODULUS`` (64 bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from py_ecc.optimized_bls12_381 import curve_order

from refute.hexutil import to_hex
from refute.prover.da.blob import BLOB_SIZE
from refute.prover.da.errors import DAError
from refute.prover.errors import EnvironmentUnavailable

COMMITMENT_SIZE = 48
PROOF_SIZE = 48
FIELD_ELEMENTS_PER_BLOB = 4096
#: The BLS12-381 scalar field order (EIP-4844 ``BLS_MODULUS``), from py_ecc rather than typed out.
BLS_MODULUS: int = curve_order
VERSIONED_HASH_VERSION_KZG = 0x01
#: What the 0x0A precompile returns on success.
PRECOMPILE_OUTPUT = FIELD_ELEMENTS_PER_BLOB.to_bytes(32, "big") + BLS_MODULUS.to_bytes(32, "big")


def trusted_setup_path() -> Path:
    """The mainnet setup file shipped inside the installed ``eth-account`` package."""
    try:
        import eth_account
    except ImportError as exc:  # pragma: no cover - eth-account is a dependency
        raise EnvironmentUnavailable("eth-account is not installed; it ships the KZG trusted setup") from exc
    root = Path(eth_account.__file__).parent
    found = sorted(root.rglob("*trusted_setup*.txt"))
    if not found:
        raise EnvironmentUnavailable(f"no KZG trusted setup file inside {root}")
    return found[0]


@lru_cache(maxsize=1)
def trusted_setup() -> Any:
    """Loads the setup once per process (it takes ~100 ms)."""
    import ckzg

    return ckzg.load_trusted_setup(str(trusted_setup_path()), 0)


def _ckzg() -> Any:
    import ckzg

    return ckzg


def _blob(blob: bytes) -> bytes:
    if len(blob) != BLOB_SIZE:
        raise DAError("blob", 0, f"blob is {len(blob)} bytes; expected {BLOB_SIZE}")
    return bytes(blob)


def first_non_canonical(blob: bytes) -> int | None:
    """Offset of the first field element >= BLS_MODULUS (ckzg rejects such blobs), if any."""
    for at in range(0, len(blob), 32):
        if int.from_bytes(blob[at : at + 32], "big") >= BLS_MODULUS:
            return at
    return None


def _wrap(what: str, exc: Exception, blob: bytes | None = None) -> DAError:
    at = first_non_canonical(blob) if blob is not None and len(blob) == BLOB_SIZE else None
    if at is not None:
        return DAError("blob", at, f"{what}: field element {at // 32} is not below the BLS12-381 modulus")
    return DAError("blob", 0, f"{what}: {exc}")


def commitment(blob: bytes) -> bytes:
    """KZG commitment (48 bytes); rejects blobs with a non-canonical field element."""
    try:
        return bytes(_ckzg().blob_to_kzg_commitment(_blob(blob), trusted_setup()))
    except DAError:
        raise
    except Exception as exc:
        raise _wrap("KZG commitment", exc, blob) from None


def versioned_hash(commitment_bytes: bytes) -> bytes:
    """``0x01 || sha256(commitment)[1:]`` (EIP-4844 ``kzg_to_versioned_hash``)."""
    if len(commitment_bytes) != COMMITMENT_SIZE:
        raise DAError("blob", 0, f"commitment is {len(commitment_bytes)} bytes; expected {COMMITMENT_SIZE}")
    return bytes([VERSIONED_HASH_VERSION_KZG]) + hashlib.sha256(commitment_bytes).digest()[1:]


def blob_proof(blob: bytes, commitment_bytes: bytes) -> bytes:
    """The blob KZG proof (48 bytes) for ``commitment_bytes``."""
    try:
        return bytes(_ckzg().compute_blob_kzg_proof(_blob(blob), bytes(commitment_bytes), trusted_setup()))
    except DAError:
        raise
    except Exception as exc:
        raise _wrap("blob KZG proof", exc, blob) from None


def verify_blob_proof(blob: bytes, commitment_bytes: bytes, proof: bytes) -> bool:
    """True when ``proof`` shows ``blob`` matches ``commitment_bytes``; malformed inputs raise."""
    try:
        return bool(_ckzg().verify_blob_kzg_proof(_blob(blob), bytes(commitment_bytes), bytes(proof), trusted_setup()))
    except DAError:
        raise
    except Exception as exc:
        raise _wrap("verify blob KZG proof", exc, blob) from None


def verify_blob_proofs(blobs: Sequence[bytes], commitments: Sequence[bytes], proofs: Sequence[bytes]) -> bool:
    """Batch verification of many (blob, commitment, proof) triples (one pairing check)."""
    if not (len(blobs) == len(commitments) == len(proofs)):
        raise DAError("blob", 0, f"batch has {len(blobs)} blobs, {len(commitments)} commitments, {len(proofs)} proofs")
    try:
        return bool(
            _ckzg().verify_blob_kzg_proof_batch(
                b"".join(_blob(b) for b in blobs), b"".join(commitments), b"".join(proofs), trusted_setup()
            )
        )
    except DAError:
        raise
    except Exception as exc:
        raise _wrap("verify blob KZG proof batch", exc) from None


def compute_kzg_proof(blob: bytes, z: bytes) -> tuple[bytes, bytes]:
    """Opens the blob's polynomial at ``z``: returns ``(proof, y)``."""
    try:
        proof, y = _ckzg().compute_kzg_proof(_blob(blob), bytes(z), trusted_setup())
    except DAError:
        raise
    except Exception as exc:
        raise _wrap("compute KZG proof", exc) from None
    return bytes(proof), bytes(y)


def verify_kzg_proof(commitment_bytes: bytes, z: bytes, y: bytes, proof: bytes) -> bool:
    """True when ``proof`` opens ``commitment`` to ``y`` at ``z``; malformed inputs raise."""
    try:
        return bool(
            _ckzg().verify_kzg_proof(bytes(commitment_bytes), bytes(z), bytes(y), bytes(proof), trusted_setup())
        )
    except Exception as exc:
        raise _wrap("verify KZG proof", exc) from None


def point_evaluation(data: bytes) -> bytes:
    """The 0x0A precompile: 192-byte input -> 64-byte output, or :class:`DAError` if it would fail."""
    if len(data) != 192:
        raise DAError("blob", 0, f"point evaluation input is {len(data)} bytes; expected 192")
    vh, z, y, c, proof = data[:32], data[32:64], data[64:96], data[96:144], data[144:192]
    if versioned_hash(c) != vh:
        raise DAError("blob", 0, "versioned hash does not match the commitment")
    if not verify_kzg_proof(c, z, y, proof):
        raise DAError("blob", 144, "KZG proof does not open the commitment to y at z")
    return PRECOMPILE_OUTPUT


@dataclass(frozen=True)
class BlobCommitment:
    """What ``refute blob commit`` prints."""

    commitment: bytes
    versioned_hash: bytes
    proof: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "commitment": to_hex(self.commitment),
            "versioned_hash": to_hex(self.versioned_hash),
            "proof": to_hex(self.proof),
        }


def commit_blob(blob: bytes) -> BlobCommitment:
    """Commitment, versioned hash and blob proof of one blob."""
    c = commitment(blob)
    return BlobCommitment(commitment=c, versioned_hash=versioned_hash(c), proof=blob_proof(blob, c))

"""Proof artifacts: the JSON file ``refute prove --out`` writes.

Why JSON around the binary receipt: the file must be self-describing for an
operator (which guest, which image ID, is this a dev-mode fake?) and carry the
on-chain form (the seal) next to the receipt, so ``refute verify`` can check it
either natively (any receipt kind) or in pure Python (Groth16 and mock seals).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prover.errors import InvalidInputError
from prover.zkvm import Proof

FORMAT = "refute.proof.v1"
DEV_MODE_WARNING = "DEV MODE: fake receipt, proves nothing; accepted only where dev mode is explicitly allowed"


@dataclass(frozen=True)
class ProofArtifact:
    guest: str
    image_id: bytes
    journal: bytes
    receipt_kind: str
    dev_mode: bool
    receipt: bytes
    claim_digest: bytes
    seal: bytes
    stats: dict[str, Any]

    @classmethod
    def from_proof(cls, guest: str, proof: Proof) -> "ProofArtifact":
        return cls(
            guest=guest,
            image_id=proof.image_id,
            journal=proof.journal,
            receipt_kind=proof.receipt_kind,
            dev_mode=proof.dev_mode,
            receipt=proof.receipt,
            claim_digest=proof.claim_digest,
            seal=proof.seal,
            stats={
                "user_cycles": proof.user_cycles,
                "total_cycles": proof.total_cycles,
                "segments": proof.segments,
                "prove_seconds": round(proof.prove_seconds, 3),
                "receipt_bytes": proof.receipt_bytes,
            },
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "guest": self.guest,
            "image_id": "0x" + self.image_id.hex(),
            "journal": "0x" + self.journal.hex(),
            "journal_digest": "0x" + hashlib.sha256(self.journal).hexdigest(),
            "claim_digest": "0x" + self.claim_digest.hex(),
            "receipt_kind": self.receipt_kind,
            "dev_mode": self.dev_mode,
        }
        if self.dev_mode:
            out["warning"] = DEV_MODE_WARNING
        if self.seal:
            out["seal"] = "0x" + self.seal.hex()
        out["stats"] = self.stats
        out["receipt_encoding"] = "bincode+base64"
        out["receipt"] = base64.b64encode(self.receipt).decode()
        return out

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")


def _field_hex(data: dict[str, Any], key: str, where: str) -> bytes:
    value = data.get(key)
    if not isinstance(value, str):
        raise InvalidInputError(f"{where}: field {key!r} missing or not a hex string")
    try:
        return bytes.fromhex(value.removeprefix("0x"))
    except ValueError as exc:
        raise InvalidInputError(f"{where}: field {key!r} is not hex: {exc}") from exc


def load_artifact(path: Path) -> ProofArtifact:
    """Reads an artifact written by :meth:`ProofArtifact.write`."""
    where = str(path)
    try:
        data = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{where}: not a refute proof artifact (JSON): {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"{where}: not a refute proof artifact (format {FORMAT!r} expected)")
    try:
        receipt = base64.b64decode(data.get("receipt", ""), validate=True)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{where}: field 'receipt' is not base64: {exc}") from exc
    return ProofArtifact(
        guest=str(data.get("guest", "")),
        image_id=_field_hex(data, "image_id", where),
        journal=_field_hex(data, "journal", where),
        receipt_kind=str(data.get("receipt_kind", "")),
        dev_mode=bool(data.get("dev_mode", False)),
        receipt=receipt,
        claim_digest=_field_hex(data, "claim_digest", where) if "claim_digest" in data else b"",
        seal=_field_hex(data, "seal", where) if "seal" in data else b"",
        stats=dict(data.get("stats", {})),
    )


def read_receipt_file(path: Path) -> tuple[bytes, ProofArtifact | None]:
    """A receipt file is either a proof artifact (JSON) or a raw bincode receipt."""
    raw = path.read_bytes()
    if raw[:1] == b"{":
        artifact = load_artifact(path)
        return artifact.receipt, artifact
    return raw, None

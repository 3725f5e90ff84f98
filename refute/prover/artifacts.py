"""Proof artifacts: the JSON file ``refute prove --out`` writes.

Why JSON around the binary receipt: the file must be self-describing for an
operator (which guest, which image ID, is this a dev-mode fake?) and carry the
on-chain form (the seal) next to the receipt, so ``refute verify`` can check it
either natively (any receipt kind) or in pure Python (Groth16 and mock seals).
The pure-Python verifier's :func:`refute.verifier.artifact.load_artifact` is the
one parser of the format; :func:`load_artifact` here adds what only the prover
reads (the receipt, the guest, the statistics).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.hexutil import HexError, parse_hex, to_hex
from refute.prover.errors import InvalidInputError
from refute.prover.zkvm import Proof

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
    def from_proof(cls, guest: str, proof: Proof) -> ProofArtifact:
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
            "image_id": to_hex(self.image_id),
            "journal": to_hex(self.journal),
            "journal_digest": to_hex(hashlib.sha256(self.journal).digest()),
            "claim_digest": to_hex(self.claim_digest),
            "receipt_kind": self.receipt_kind,
            "dev_mode": self.dev_mode,
        }
        if self.dev_mode:
            out["warning"] = DEV_MODE_WARNING
        if self.seal:
            out["seal"] = to_hex(self.seal)
        out["stats"] = self.stats
        out["receipt_encoding"] = "bincode+base64"
        out["receipt"] = base64.b64encode(self.receipt).decode()
        return out

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")


def load_artifact(path: Path) -> ProofArtifact:
    """Reads an artifact written by :meth:`ProofArtifact.write`; a malformed one raises InvalidInputError."""
    from refute.verifier.artifact import load_artifact as parse_artifact
    from refute.verifier.errors import MalformedInputError

    where = str(path)
    try:
        data = parse_artifact(path, require_seal=False)
    except MalformedInputError as exc:
        raise InvalidInputError(f"{where}: not a refute proof artifact: {exc}") from None
    if data.get("format") != FORMAT:
        raise InvalidInputError(f"{where}: not a refute proof artifact (format {FORMAT!r} expected)")
    try:
        receipt = base64.b64decode(data.get("receipt", ""), validate=True)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{where}: field 'receipt' is not base64: {exc}") from None
    try:
        return ProofArtifact(
            guest=str(data.get("guest", "")),
            image_id=parse_hex(data["image_id"], "image_id"),
            journal=parse_hex(data["journal"], "journal"),
            receipt_kind=data.get("receipt_kind", ""),
            dev_mode=data.get("dev_mode", False),
            receipt=receipt,
            claim_digest=parse_hex(data.get("claim_digest", ""), "claim_digest"),
            seal=parse_hex(data.get("seal", ""), "seal"),
            stats=dict(data.get("stats", {})),
        )
    except HexError as exc:
        raise InvalidInputError(f"{where}: field {exc}") from None


def read_receipt_file(path: Path) -> tuple[bytes, ProofArtifact | None]:
    """A receipt file is either a proof artifact (JSON) or a raw bincode receipt."""
    raw = path.read_bytes()
    if raw[:1] == b"{":
        artifact = load_artifact(path)
        return artifact.receipt, artifact
    return raw, None

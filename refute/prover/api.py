"""The library API behind the CLI's foundation commands.

Each function takes plain Python values, returns a JSON-able dict (what the
CLI prints with ``--json``), and raises the project's exception types.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from refute import prover
from refute.prover import zkvm
from refute.prover.artifacts import ProofArtifact, load_artifact, read_receipt_file
from refute.prover.errors import InvalidInputError, UsageError, VerificationFailed
from refute.prover.fault.artifact import FAULT_GUEST, check_fault_section
from refute.prover.guests_registry import guest_names, load_guest


def parse_image_id(text: str) -> bytes:
    """An image ID as 64 hex digits, with or without 0x."""
    try:
        raw = bytes.fromhex(text.strip().removeprefix("0x"))
    except ValueError as exc:
        raise InvalidInputError(f"image ID {text!r} is not hex: {exc}") from exc
    if len(raw) != 32:
        raise InvalidInputError(f"image ID must be 32 bytes (64 hex digits), got {len(raw)} bytes")
    return raw


def version_info() -> dict[str, Any]:
    native = zkvm.native_version()
    guests = {name: load_guest(name).image_id_hex for name in guest_names()}
    return {
        "refute": prover.__version__,
        "refute_native": native.refute_native,
        "risc0_zkvm": native.risc0_zkvm,
        "receipt_kinds": native.receipt_kinds,
        "groth16_available": native.groth16_available,
        "guests": guests,
    }


def dry_run(guest_name: str, input_bytes: bytes) -> dict[str, Any]:
    """Executes a guest without proving: journal and cycles."""
    guest = load_guest(guest_name)
    execution = zkvm.execute(guest.program, input_bytes)
    return {"guest": guest_name, "dry_run": True, **execution.to_json()}


def prove_guest(
    guest_name: str, input_bytes: bytes, out: Path, *, receipt_kind: str = "succinct", dev_mode: bool = False
) -> dict[str, Any]:
    """Proves a guest run and writes the proof artifact to ``out``."""
    guest = load_guest(guest_name)
    proof = zkvm.prove(guest.program, input_bytes, receipt_kind=receipt_kind, dev_mode=dev_mode)
    artifact = ProofArtifact.from_proof(guest_name, proof)
    artifact.write(out)
    result = {
        "guest": guest_name,
        "image_id": "0x" + proof.image_id.hex(),
        "journal": "0x" + proof.journal.hex(),
        "receipt_kind": proof.receipt_kind,
        "dev_mode": proof.dev_mode,
        "user_cycles": proof.user_cycles,
        "total_cycles": proof.total_cycles,
        "segments": proof.segments,
        "prove_seconds": round(proof.prove_seconds, 3),
        "receipt_bytes": proof.receipt_bytes,
        "claim_digest": "0x" + proof.claim_digest.hex(),
        "out": str(out),
    }
    if proof.dev_mode:
        result["warning"] = "DEV MODE: fake receipt, proves nothing"
    return result


def verify_receipt_file(path: Path, image_id: bytes, *, allow_dev: bool = False) -> dict[str, Any]:
    """Verifies a receipt (artifact JSON or raw bincode) natively against ``image_id``."""
    receipt, artifact = read_receipt_file(path)
    verified = zkvm.verify(receipt, image_id, allow_dev=allow_dev)
    if artifact is not None and artifact.journal != verified.journal:
        raise VerificationFailed(f"{path}: the artifact's journal field does not match the journal in its receipt")
    return {
        "accepted": True,
        "verifier": "native (risc0-zkvm)",
        "image_id": "0x" + image_id.hex(),
        "receipt_kind": verified.receipt_kind,
        "dev_mode": verified.dev_mode,
        "journal": "0x" + verified.journal.hex(),
        "claim_digest": "0x" + verified.claim_digest.hex(),
    }


def _load_deployment(path: Path | str) -> Any:
    """The router state of a shipped deployment name (a ``str`` such as ``"all-releases"``)
    or of a deployment file (a ``Path``); a malformed file is the user's input error (exit 1)."""
    from refute import verifier

    if isinstance(path, str):
        try:
            return verifier.builtin_deployment(path)
        except KeyError as exc:
            raise UsageError(exc.args[0]) from None
    try:
        return verifier.load_deployment(path)
    except verifier.DeploymentError as exc:
        raise InvalidInputError(str(exc), path=str(path), field=exc.field) from exc


def _pure_python_verify(
    seal: bytes, image_id: bytes, journal: bytes, *, allow_dev: bool, deployment: Path | str | None = None
) -> dict[str, Any]:
    """The L1 decision, re-stated in pure Python (``verifier``): router → Groth16 or mock.

    ``deployment`` is a router-state file (a ``Path``, see docs/verifier.md) or a shipped
    deployment's name (a ``str``: ``ethereum-mainnet``, ``all-releases``); without it the
    verifier's default deployment (RISC Zero's Ethereum mainnet router state) decides.
    """
    from refute import verifier

    dep = _load_deployment(deployment) if deployment is not None else None
    try:
        outcome = verifier.verify_receipt(seal, image_id, journal, allow_dev=allow_dev, deployment=dep)
    except verifier.MalformedInputError as exc:
        raise InvalidInputError(str(exc)) from exc
    except verifier.VerificationError as exc:
        raise VerificationFailed(str(exc)) from exc
    result = outcome.to_json()
    result["verifier"] = f"pure-python ({outcome.verifier})"
    result["deployment"] = (dep or verifier.DEFAULT_DEPLOYMENT).name
    result["journal"] = "0x" + journal.hex()
    result["journal_digest"] = "0x" + hashlib.sha256(journal).hexdigest()
    result["dev_mode"] = outcome.verifier == "mock"
    return result


def verify_seal_args(
    seal_arg: str,
    image_id: bytes,
    journal_arg: str,
    *,
    allow_dev: bool = False,
    deployment: Path | str | None = None,
) -> dict[str, Any]:
    """``--seal``/``--journal`` arguments (hex or @FILE) checked by the pure-Python verifier."""
    from refute import verifier

    try:
        seal = verifier.parse_hex_or_file(seal_arg, "--seal")
        journal = verifier.parse_hex_or_file(journal_arg, "--journal")
    except verifier.VerificationError as exc:
        raise InvalidInputError(str(exc)) from exc
    return _pure_python_verify(seal, image_id, journal, allow_dev=allow_dev, deployment=deployment)


def verify_artifact_file(
    path: Path, image_id: bytes | None, *, allow_dev: bool = False, deployment: Path | str | None = None
) -> dict[str, Any]:
    """A proof artifact: its seal in pure Python when it has one, else its receipt natively.

    ``image_id`` defaults to the artifact's own; pass the expected one to check
    that the proof is for the program you mean.  ``deployment`` (a router-state
    file or a shipped deployment's name) applies to the seal only: a receipt without a seal has no selector to route.
    """
    artifact: ProofArtifact = load_artifact(path)
    fault = artifact.guest == FAULT_GUEST
    if image_id is not None:
        expected = image_id
    elif fault:
        # A fault proof counts only under the fault program's own image ID, not whatever the file names.
        expected = load_guest(FAULT_GUEST).image_id
    else:
        expected = artifact.image_id
    if artifact.seal:
        result = _pure_python_verify(
            artifact.seal, expected, artifact.journal, allow_dev=allow_dev, deployment=deployment
        )
    elif deployment is not None:
        raise UsageError(f"{path}: the artifact has no on-chain seal, so --deployment {deployment} does not apply")
    else:
        result = verify_receipt_file(path, expected, allow_dev=allow_dev)
    if fault:
        result["fault"] = check_fault_section(path, artifact.journal)
    return result

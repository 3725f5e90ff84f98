"""Proof artifacts (the JSON written by ``refute prove``) and JSON results.

This module is the one parser of the artifact format; the prover reads
artifacts through :func:`load_artifact` too.  An artifact is a JSON object with
at least ``"image_id"`` and ``"journal"``, and ``"seal"`` to be verified here
(0x-hex strings).  Optional keys, checked when present:

* ``"receipt_kind"``: ``"groth16"`` or ``"fake"``/``"mock"``/``"dev"``
  (case-insensitive); must agree with the seal's selector kind;
* ``"dev_mode"``: bool (informational; a mock seal still needs ``allow_dev``);
* ``"journal_digest"``, ``"claim_digest"``, ``"selector"``: 0x-hex; must equal
  the values recomputed from the seal, image ID and journal.

Other keys (the prover's ``format``, ``guest``, ``receipt``, ``stats``, ...)
are ignored here.
"""

from __future__ import annotations

import json
import os
from typing import Any

from .digests import Pruned, ReceiptClaim, sha256
from .encoding import parse_hex, parse_hex_or_file, to_hex
from .errors import MalformedInputError, VerificationError
from .mock import MOCK_SELECTOR
from .router import Router, VerifyOutcome, default_router

__all__ = ["load_artifact", "result_json", "verify_artifact", "verify_cli_inputs"]

_MOCK_KINDS = {"fake", "mock", "dev"}
_GROTH16_KINDS = {"groth16"}
_OPTIONAL_HEX_KEYS = ("journal_digest", "claim_digest", "selector")


def load_artifact(artifact: dict[str, Any] | str | os.PathLike[str], *, require_seal: bool = True) -> dict[str, Any]:
    """Read and structurally validate an artifact (dict, or path to a JSON file).

    ``require_seal=False`` accepts an artifact without a seal: the prover's
    artifacts of composite and succinct receipts carry only the receipt, which
    the native verifier checks.
    """
    if isinstance(artifact, (str, os.PathLike)):
        path = os.fspath(artifact)
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise MalformedInputError(f"artifact: cannot read {path!r}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MalformedInputError(f"artifact: {path!r} is not valid JSON: {exc}") from None
    else:
        data = artifact
    if not isinstance(data, dict):
        raise MalformedInputError(f"artifact: expected a JSON object, got {type(data).__name__}")
    required = ("seal", "image_id", "journal") if require_seal else ("image_id", "journal")
    for key in required:
        if key not in data:
            raise MalformedInputError(f"artifact: missing key {key!r}")
    for key in ("seal", "image_id", "journal", *_OPTIONAL_HEX_KEYS):
        if key in data and not isinstance(data[key], str):
            raise MalformedInputError(f"artifact: {key!r} must be a hex string, got {type(data[key]).__name__}")
    if "dev_mode" in data and not isinstance(data["dev_mode"], bool):
        raise MalformedInputError("artifact: 'dev_mode' must be true or false")
    if "receipt_kind" in data and not isinstance(data["receipt_kind"], str):
        raise MalformedInputError("artifact: 'receipt_kind' must be a string")
    return data


def verify_artifact(
    artifact: dict[str, Any] | str | os.PathLike[str],
    *,
    allow_dev: bool = False,
    router: Router | None = None,
) -> VerifyOutcome:
    """Verify an artifact; returns the outcome or raises a VerificationError subclass."""
    data = load_artifact(artifact)
    router = router or default_router()
    seal = parse_hex(data["seal"], "artifact.seal")
    image_id = parse_hex(data["image_id"], "artifact.image_id")
    journal = parse_hex(data["journal"], "artifact.journal")
    if len(image_id) != 32:
        raise MalformedInputError(f"artifact.image_id: expected 32 bytes, got {len(image_id)}")
    journal_digest = sha256(journal)

    def check(key: str, actual: bytes) -> None:
        if key in data:
            given = parse_hex(data[key], f"artifact.{key}")
            if given != actual:
                raise MalformedInputError(
                    f"artifact: {key!r} is {to_hex(given)} but the seal/image ID/journal give {to_hex(actual)}"
                )

    check("journal_digest", journal_digest)
    check("claim_digest", ReceiptClaim.ok(image_id, Pruned(journal_digest)).digest())
    if len(seal) >= 4:
        check("selector", seal[:4])
        kind = data.get("receipt_kind")
        if kind is not None:
            k = kind.strip().lower()
            is_mock = seal[:4] == MOCK_SELECTOR
            if k in _MOCK_KINDS:
                if not is_mock:
                    raise MalformedInputError(
                        f"artifact: receipt_kind {kind!r} but the seal selector {to_hex(seal[:4])} is not the mock selector"
                    )
            elif k in _GROTH16_KINDS:
                if is_mock:
                    raise MalformedInputError("artifact: receipt_kind 'groth16' but the seal is a mock seal")
            else:
                raise MalformedInputError(
                    f"artifact: receipt_kind {kind!r} has no on-chain seal; only 'groth16' and mock/fake receipts verify"
                )
    return router.verify(seal, image_id, journal_digest, allow_dev=allow_dev)


def verify_cli_inputs(
    seal: str, image_id: str, journal: str, *, allow_dev: bool = False, router: Router | None = None
) -> VerifyOutcome:
    """``refute verify --seal HEX_OR_@FILE --image-id HEX --journal HEX_OR_@FILE``: parse the
    three arguments (see :func:`~refute.verifier.encoding.parse_hex_or_file`) and verify.  Bad arguments raise
    MalformedInputError naming the option."""
    seal_b = parse_hex_or_file(seal, "--seal")
    image_b = parse_hex(image_id, "--image-id")
    if len(image_b) != 32:
        raise MalformedInputError(f"--image-id: expected 32 bytes, got {len(image_b)}")
    journal_b = parse_hex_or_file(journal, "--journal")
    return (router or default_router()).verify_journal(seal_b, image_b, journal_b, allow_dev=allow_dev)


def result_json(result: VerifyOutcome | VerificationError) -> dict[str, Any]:
    """The ``--json`` record for an outcome or a rejection."""
    if isinstance(result, (VerifyOutcome, VerificationError)):
        return result.to_json()
    raise TypeError(f"expected VerifyOutcome or VerificationError, got {type(result).__name__}")

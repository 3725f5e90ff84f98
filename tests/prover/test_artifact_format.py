"""The prover reads proof artifacts through the verifier's parser: one format, one parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refute import verifier
from refute.prover.artifacts import FORMAT, ProofArtifact, load_artifact, read_receipt_file
from refute.prover.errors import InvalidInputError


def _artifact(**overrides: object) -> ProofArtifact:
    image_id, journal = bytes(32), b"journal"
    claim = verifier.ReceiptClaim.ok(image_id, journal).digest()
    fields: dict = {
        "guest": "digest",
        "image_id": image_id,
        "journal": journal,
        "receipt_kind": "fake",
        "dev_mode": True,
        "receipt": b"\x01\x02receipt",
        "claim_digest": claim,
        "seal": verifier.mock_seal(claim),
        "stats": {"user_cycles": 5},
    }
    fields.update(overrides)
    return ProofArtifact(**fields)


def test_round_trip_and_the_verifier_reads_the_same_file(tmp_path: Path) -> None:
    art = _artifact()
    path = tmp_path / "proof.json"
    art.write(path)
    assert load_artifact(path) == art
    assert read_receipt_file(path) == (art.receipt, art)
    outcome = verifier.verify_artifact(path, allow_dev=True)
    assert outcome.dev_mode and outcome.claim_digest == art.claim_digest


def test_artifact_without_a_seal(tmp_path: Path) -> None:
    art = _artifact(receipt_kind="succinct", dev_mode=False, seal=b"")
    path = tmp_path / "proof.json"
    art.write(path)
    assert "seal" not in json.loads(path.read_text())
    assert load_artifact(path) == art
    with pytest.raises(verifier.MalformedInputError, match="missing key 'seal'"):
        verifier.verify_artifact(path)


@pytest.mark.parametrize(
    "change,match",
    [
        ({"format": "other"}, "format 'refute.proof.v1' expected"),
        ({"image_id": "0xzz"}, "field image_id: invalid hex character 'z'"),
        ({"journal": 5}, "'journal' must be a hex string"),
        ({"dev_mode": "yes"}, "'dev_mode' must be true or false"),
        ({"receipt": "not base64!"}, "'receipt' is not base64"),
    ],
)
def test_malformed_artifacts(tmp_path: Path, change: dict, match: str) -> None:
    data = _artifact().to_json() | change
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInputError, match=match):
        load_artifact(path)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "proof.json"
    path.write_text("{not json")
    with pytest.raises(InvalidInputError, match="not a refute proof artifact"):
        load_artifact(path)
    assert FORMAT == "refute.proof.v1"

"""Artifacts (refute prove output), JSON results and CLI argument parsing helpers."""

from __future__ import annotations

import json

import pytest

from refute import verifier
from refute.verifier import (
    ALL_RELEASES,
    DevModeNotAllowedError,
    MalformedInputError,
    ProofRejectedError,
    ReceiptClaim,
    Router,
    mock_seal,
    parse_hex_or_file,
    result_json,
    sha256,
    verify_artifact,
    verify_cli_inputs,
)

# receipts[0] is v2.0, e-stopped on RISC Zero's mainnet router (the default deployment):
# the artifact checks run under the all-releases deployment.
ALL = Router(ALL_RELEASES)


def verify_artifact_all(artifact, **kw):
    return verify_artifact(artifact, router=ALL, **kw)


def verify_cli_inputs_all(seal, image_id, journal, **kw):
    return verify_cli_inputs(seal, image_id, journal, router=ALL, **kw)


def artifact_of(r, **extra):
    d = {"seal": "0x" + r.seal.hex(), "image_id": "0x" + r.image_id.hex(), "journal": "0x" + r.journal.hex()}
    d.update(extra)
    return d


@pytest.mark.conformance
def test_artifact_dict_and_file(receipts, tmp_path):
    r = receipts[0]
    out = verify_artifact_all(artifact_of(r, receipt_kind="groth16", dev_mode=False))
    assert out.verifier == "groth16" and out.image_id == r.image_id and out.journal_digest == sha256(r.journal)
    p = tmp_path / "proof.json"
    p.write_text(json.dumps(artifact_of(r, extra_key=[1, 2])))
    assert verify_artifact_all(p).claim_digest == out.claim_digest
    assert verify_artifact_all(str(p)).claim_digest == out.claim_digest
    js = result_json(out)
    assert json.loads(json.dumps(js)) == js
    assert set(js) >= {
        "accepted",
        "verifier",
        "selector",
        "claim_digest",
        "parameter_set",
        "image_id",
        "journal_digest",
    }


@pytest.mark.conformance
def test_artifact_consistency_fields(receipts):
    r = receipts[0]
    claim = ReceiptClaim.ok(r.image_id, r.journal).digest()
    verify_artifact_all(
        artifact_of(
            r, claim_digest="0x" + claim.hex(), journal_digest=sha256(r.journal).hex(), selector="0x" + r.selector.hex()
        )
    )
    with pytest.raises(MalformedInputError, match="claim_digest"):
        verify_artifact_all(artifact_of(r, claim_digest="0x" + bytes(32).hex()))
    with pytest.raises(MalformedInputError, match="journal_digest"):
        verify_artifact_all(artifact_of(r, journal_digest="0x" + bytes(32).hex()))
    with pytest.raises(MalformedInputError, match="selector"):
        verify_artifact_all(artifact_of(r, selector="0x00000000"))
    with pytest.raises(MalformedInputError, match="receipt_kind"):
        verify_artifact_all(artifact_of(r, receipt_kind="fake"))
    with pytest.raises(MalformedInputError, match="receipt_kind"):
        verify_artifact_all(artifact_of(r, receipt_kind="succinct"))


@pytest.mark.conformance
def test_artifact_rejections_are_verification_errors(receipts):
    r = receipts[0]
    bad = artifact_of(r, journal="0x" + (r.journal + b"x").hex())
    with pytest.raises(ProofRejectedError) as exc:
        verify_artifact_all(bad)
    js = result_json(exc.value)
    assert js["accepted"] is False and js["error"] == "proof_rejected" and "pairing check failed" in js["reason"]


def test_mock_artifact():
    image_id, journal = bytes(32), b"j"
    claim = ReceiptClaim.ok(image_id, journal).digest()
    art = {
        "seal": "0x" + mock_seal(claim).hex(),
        "image_id": "0x" + image_id.hex(),
        "journal": "0x6a",
        "receipt_kind": "fake",
        "dev_mode": True,
    }
    with pytest.raises(DevModeNotAllowedError):
        verify_artifact(art)
    assert verify_artifact(art, allow_dev=True).dev_mode
    with pytest.raises(MalformedInputError, match="groth16"):
        verify_artifact(dict(art, receipt_kind="groth16"), allow_dev=True)


@pytest.mark.parametrize(
    "art,match",
    [
        ([], "JSON object"),
        ({"image_id": "0x", "journal": "0x"}, "missing key 'seal'"),
        ({"seal": 5, "image_id": "0x", "journal": "0x"}, "hex string"),
        ({"seal": "0xzz", "image_id": "0x" + "00" * 32, "journal": "0x"}, "invalid hex"),
        ({"seal": "0x00", "image_id": "0x00", "journal": "0x"}, "image_id: expected 32 bytes"),
        ({"seal": "0x", "image_id": "0x" + "00" * 32, "journal": "0x", "dev_mode": "no"}, "dev_mode"),
        ({"seal": "0x", "image_id": "0x" + "00" * 32, "journal": "0x"}, "too short"),
    ],
)
def test_malformed_artifacts(art, match):
    with pytest.raises(MalformedInputError, match=match):
        verify_artifact(art)


def test_artifact_file_errors(tmp_path):
    with pytest.raises(MalformedInputError, match="cannot read"):
        verify_artifact(tmp_path / "missing.json")
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(MalformedInputError, match="not valid JSON"):
        verify_artifact(p)
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(MalformedInputError, match="not valid JSON"):
        verify_artifact(p)


def test_parse_hex_or_file(tmp_path):
    assert parse_hex_or_file("0xdeadBEEF") == b"\xde\xad\xbe\xef"
    assert parse_hex_or_file("deadbeef") == b"\xde\xad\xbe\xef"
    assert parse_hex_or_file("  0x00ff\n") == b"\x00\xff"
    assert parse_hex_or_file("") == b"" and parse_hex_or_file("0x") == b""
    hexfile = tmp_path / "seal.hex"
    hexfile.write_text("0xabcd\n")
    assert parse_hex_or_file(f"@{hexfile}") == b"\xab\xcd"
    raw = tmp_path / "journal.bin"
    raw.write_bytes(b"abcd")  # ASCII that looks like hex but has no 0x: raw bytes
    assert parse_hex_or_file(f"@{raw}") == b"abcd"
    raw.write_bytes(b"0xnothex")
    assert parse_hex_or_file(f"@{raw}") == b"0xnothex"
    raw.write_bytes(bytes(range(256)))
    assert parse_hex_or_file(f"@{raw}") == bytes(range(256))
    assert parse_hex_or_file(raw) == bytes(range(256))  # a PathLike reads the file


@pytest.mark.parametrize(
    "arg,match",
    [
        ("0xabc", "odd number"),
        ("xyz0", "invalid hex character 'x' at position 0"),
        ("0x12 34", "invalid hex character"),
        ("@", "followed by a file path"),
        ("@/nonexistent/refute/file", "cannot read file"),
        (None, "expected hex text"),
        (b"\x00", "expected hex text"),
    ],
)
def test_parse_hex_or_file_errors(arg, match):
    with pytest.raises(MalformedInputError, match=match):
        parse_hex_or_file(arg, "seal")


def test_parse_errors_name_the_argument():
    with pytest.raises(MalformedInputError, match=r"^journal: "):
        parse_hex_or_file("zz", "journal")


def test_result_json_type():
    with pytest.raises(TypeError):
        result_json("accepted")
    assert verifier.VerificationError("x").to_json()["accepted"] is False


@pytest.mark.conformance
def test_verify_cli_inputs(receipts, tmp_path):
    r = receipts[0]
    seal_file = tmp_path / "seal.hex"
    seal_file.write_text("0x" + r.seal.hex() + "\n")
    journal_file = tmp_path / "journal.bin"
    journal_file.write_bytes(r.journal)
    out = verify_cli_inputs_all(f"@{seal_file}", r.image_id.hex(), f"@{journal_file}")
    assert out.verifier == "groth16" and out.journal_digest == sha256(r.journal)
    out2 = verify_cli_inputs_all("0x" + r.seal.hex(), "0x" + r.image_id.hex(), r.journal.hex())
    assert out2 == out
    with pytest.raises(MalformedInputError, match=r"^--image-id: expected 32 bytes"):
        verify_cli_inputs_all(r.seal.hex(), "0x00", r.journal.hex())
    with pytest.raises(MalformedInputError, match=r"^--seal: "):
        verify_cli_inputs_all("0xzz", r.image_id.hex(), r.journal.hex())
    with pytest.raises(MalformedInputError, match=r"^--journal: cannot read"):
        verify_cli_inputs_all(r.seal.hex(), r.image_id.hex(), f"@{tmp_path / 'missing'}")
    with pytest.raises(ProofRejectedError):
        verify_cli_inputs_all(r.seal.hex(), r.image_id.hex(), r.journal.hex() + "00")

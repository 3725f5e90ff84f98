"""Executing, proving and verifying the `digest` guest for real."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from refute.prover import zkvm
from refute.prover.api import prove_guest, verify_artifact_file, verify_receipt_file
from refute.prover.artifacts import load_artifact, read_receipt_file
from refute.prover.errors import EnvironmentUnavailable, InvalidInputError, VerificationFailed
from refute.prover.guests_registry import load_guest

INPUT = b"refute digest guest input \x00\x01\x02" * 3


def expected_journal(data: bytes) -> bytes:
    return hashlib.sha256(data).digest() + len(data).to_bytes(8, "little")


@pytest.fixture(scope="module")
def guest():
    return load_guest("digest")


def test_execute_commits_digest_and_length(guest) -> None:
    run = zkvm.execute(guest.program, INPUT)
    assert run.journal == expected_journal(INPUT)
    assert run.exit_code == "halted(0)"
    assert run.image_id == guest.image_id
    assert 0 < run.user_cycles <= run.total_cycles
    assert len(run.segments) >= 1


def test_execute_empty_input(guest) -> None:
    assert zkvm.execute(guest.program, b"").journal == expected_journal(b"")


def test_cycles_are_deterministic(guest) -> None:
    a = zkvm.execute(guest.program, INPUT)
    b = zkvm.execute(guest.program, INPUT)
    assert (a.user_cycles, a.total_cycles) == (b.user_cycles, b.total_cycles)


def test_larger_input_costs_more_cycles(guest) -> None:
    small = zkvm.execute(guest.program, b"x" * 64)
    large = zkvm.execute(guest.program, b"x" * 64_000)
    assert large.user_cycles > small.user_cycles
    assert large.journal == expected_journal(b"x" * 64_000)


@pytest.fixture(scope="module")
def real_proof(guest, tmp_path_factory) -> Path:
    """One real (not dev-mode) succinct proof, shared by the tests below."""
    out = tmp_path_factory.mktemp("proof") / "digest.proof.json"
    result = prove_guest("digest", INPUT, out, receipt_kind="succinct", dev_mode=False)
    assert result["dev_mode"] is False
    assert result["receipt_kind"] == "succinct"
    return out


@pytest.mark.slow
def test_real_succinct_proof_verifies(real_proof: Path, guest) -> None:
    result = verify_receipt_file(real_proof, guest.image_id)
    assert result["accepted"] is True
    assert result["dev_mode"] is False
    assert result["receipt_kind"] == "succinct"
    assert bytes.fromhex(result["journal"][2:]) == expected_journal(INPUT)
    # Same decision through the artifact path (no seal for succinct: native check).
    assert verify_artifact_file(real_proof, guest.image_id)["accepted"] is True


@pytest.mark.slow
def test_real_proof_rejected_for_another_image_id(real_proof: Path, guest) -> None:
    other = bytearray(guest.image_id)
    other[0] ^= 1
    with pytest.raises(VerificationFailed):
        verify_receipt_file(real_proof, bytes(other))


@pytest.mark.slow
def test_real_proof_rejected_when_a_journal_byte_changes(real_proof: Path, guest) -> None:
    receipt, _ = read_receipt_file(real_proof)
    journal = expected_journal(INPUT)
    # The journal is stored in the receipt and again inside its claim; find every copy.
    copies, at = [], receipt.find(journal)
    while at >= 0:
        copies.append(at)
        at = receipt.find(journal, at + 1)
    assert copies, "the journal must appear in the receipt"
    for offset in (0, 17, len(journal) - 1):
        for start in copies:  # one copy changed
            tampered = bytearray(receipt)
            tampered[start + offset] ^= 0x01
            with pytest.raises(VerificationFailed):
                zkvm.verify(bytes(tampered), guest.image_id)
        tampered = bytearray(receipt)  # every copy changed consistently: a forged journal
        for start in copies:
            tampered[start + offset] ^= 0x01
        with pytest.raises(VerificationFailed):
            zkvm.verify(bytes(tampered), guest.image_id)


@pytest.mark.slow
def test_real_proof_rejected_when_a_seal_byte_changes(real_proof: Path, guest) -> None:
    receipt, _ = read_receipt_file(real_proof)
    tampered = bytearray(receipt)
    tampered[len(receipt) // 3] ^= 0x40  # deep inside the STARK seal words
    with pytest.raises(VerificationFailed):
        zkvm.verify(bytes(tampered), guest.image_id)


@pytest.mark.slow
def test_artifact_journal_field_must_match_receipt(real_proof: Path, guest, tmp_path: Path) -> None:
    import json

    data = json.loads(real_proof.read_text())
    j = bytearray.fromhex(data["journal"][2:])
    j[0] ^= 1
    data["journal"] = "0x" + j.hex()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    with pytest.raises(VerificationFailed, match="journal"):
        verify_receipt_file(forged, guest.image_id)


@pytest.mark.slow
def test_real_composite_proof_verifies(guest) -> None:
    proof = zkvm.prove(guest.program, b"composite", receipt_kind="composite")
    assert proof.receipt_kind == "composite" and not proof.dev_mode
    assert zkvm.verify(proof.receipt, guest.image_id).journal == expected_journal(b"composite")


def test_dev_mode_receipt_is_labelled_and_refused_by_default(guest, tmp_path: Path) -> None:
    out = tmp_path / "dev.proof.json"
    result = prove_guest("digest", INPUT, out, dev_mode=True)
    assert result["dev_mode"] is True and "DEV MODE" in result["warning"]
    artifact = load_artifact(out)
    assert artifact.dev_mode and artifact.receipt_kind == "fake"
    assert artifact.seal[:4] == b"\xff\xff\xff\xff" and len(artifact.seal) == 36
    with pytest.raises(VerificationFailed, match="dev-mode"):
        verify_receipt_file(out, guest.image_id)
    accepted = verify_receipt_file(out, guest.image_id, allow_dev=True)
    assert accepted["dev_mode"] is True


def test_dev_mode_receipt_for_wrong_image_id_is_rejected_even_when_allowed(guest) -> None:
    proof = zkvm.prove(guest.program, INPUT, dev_mode=True)
    with pytest.raises(VerificationFailed):
        zkvm.verify(proof.receipt, bytes(32), allow_dev=True)


def test_groth16_reports_what_is_missing(guest) -> None:
    if zkvm.native_version().groth16_available:
        pytest.skip("a Docker engine is running here: groth16 proving is available")
    with pytest.raises(EnvironmentUnavailable, match="Docker"):
        zkvm.prove(guest.program, INPUT, receipt_kind="groth16")


def test_guest_that_fails_is_an_invalid_input(guest) -> None:
    # Feeding the guest a program that is not a program: executing fails cleanly.
    with pytest.raises(InvalidInputError):
        zkvm.execute(guest.program[: len(guest.program) // 2], INPUT)

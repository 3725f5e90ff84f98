"""Differential tests: the pure-Python verifier decides exactly as RISC Zero's Rust code.

The Rust side (``risc0_zkvm::ReceiptClaim::ok(..).digest()`` and
``risc0_groth16::Verifier``) is reached through the native core, in tests only:
``verifier/`` itself never imports it.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from receipt_cases import each_receipt

from refute import verifier
from refute.prover import native
from refute.prover.errors import VerificationFailed
from refute.verifier import ALL_RELEASES, ReceiptClaim, VerificationError
from refute.verifier.params import parameter_set_by_selector

pytestmark = pytest.mark.conformance


def rust_claim_digest(image_id: bytes, journal: bytes) -> bytes:
    return native.call("claim_digest_ok", image_id, journal)


# The conformance receipts include sets RISC Zero's mainnet router (the default deployment)
# does not route: v2.0/v2.1 are e-stopped there and main (0xc27d1bc0) is unreleased.  These
# tests check the verifier itself, so they verify under the all-releases deployment.


def verify_seal(seal, image_id, journal_digest, **kw):
    """``verifier.verify_seal`` under :data:`ALL_RELEASES` (every embedded parameter set)."""
    return verifier.verify_seal(seal, image_id, journal_digest, deployment=ALL_RELEASES, **kw)


def rust_groth16_accepts(seal: bytes, image_id: bytes, journal: bytes) -> bool:
    params = parameter_set_by_selector(seal[:4])
    assert params is not None
    claim = rust_claim_digest(image_id, journal)
    try:
        # risc0's Rust takes the BN254 control ID as a digest in reversed byte order
        # (Groth16ReceiptVerifierParameters), the contracts take it as uint256.
        native.call("groth16_verify", seal[4:], params.control_root, claim, params.bn254_control_id[::-1])
    except VerificationFailed:
        return False
    return True


def python_accepts(seal: bytes, image_id: bytes, journal: bytes) -> bool:
    try:
        verify_seal(seal, image_id, hashlib.sha256(journal).digest())
    except VerificationError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(image_id=st.binary(min_size=32, max_size=32), journal=st.binary(max_size=300))
def test_claim_digest_matches_rust(image_id: bytes, journal: bytes) -> None:
    assert ReceiptClaim.ok(image_id, journal).digest() == rust_claim_digest(image_id, journal)


@pytest.mark.parametrize("r", each_receipt())
def test_published_receipt_accepted_by_both(r) -> None:
    assert ReceiptClaim.ok(r.image_id, r.journal).digest() == rust_claim_digest(r.image_id, r.journal)
    assert rust_groth16_accepts(r.seal, r.image_id, r.journal), r.name
    assert python_accepts(r.seal, r.image_id, r.journal), r.name


@pytest.mark.parametrize("r", each_receipt())
def test_same_decision_on_mutations(r) -> None:
    """Single-byte changes in the proof part of the seal, the journal and the image ID."""
    rng = random.Random(f"crosscheck-{r.name}")
    cases = []
    for _ in range(6):
        seal = bytearray(r.seal)
        seal[rng.randrange(4, len(seal))] ^= rng.randrange(1, 256)
        cases.append((bytes(seal), r.image_id, r.journal))
    journal = bytearray(r.journal) or bytearray(b"\x00")
    journal[rng.randrange(len(journal))] ^= 1
    cases.append((r.seal, r.image_id, bytes(journal)))
    image_id = bytearray(r.image_id)
    image_id[rng.randrange(32)] ^= 0x80
    cases.append((r.seal, bytes(image_id), r.journal))
    for seal, iid, jrnl in cases:
        assert python_accepts(seal, iid, jrnl) == rust_groth16_accepts(seal, iid, jrnl) == False  # noqa: E712

"""Every published receipt verifies; any single-byte change makes it fail."""

from __future__ import annotations

import collections
import json
import random
from pathlib import Path

import pytest
from receipt_cases import each_receipt

from refute import verifier
from refute.verifier import (
    ALL_RELEASES,
    InvalidPointError,
    ProofRejectedError,
    ReceiptClaim,
    UnknownSelectorError,
    VerificationError,
    sha256,
)
from refute.verifier.groth16 import Proof
from refute.verifier.params import parameter_set_by_selector

pytestmark = pytest.mark.conformance

#: receipt used for the exhaustive seal mutation
EXHAUSTIVE = "TestReceipt_V3_0"
SAMPLES_PER_RECEIPT = 24
#: RISC Zero's v1.x release receipts (the shared conformance file has none)
V1_RECEIPTS_FILE = Path(__file__).with_name("v1_release_receipts.json")


# The conformance receipts include sets RISC Zero's mainnet router (the default deployment)
# does not route: v2.0/v2.1 are e-stopped there and main (0xc27d1bc0) is unreleased.  These
# tests check the verifier itself, so they verify under the all-releases deployment
# (tests/verifier/test_deployments.py checks how the default decides each receipt).


def verify_seal(seal, image_id, journal_digest, **kw):
    """``verifier.verify_seal`` under :data:`ALL_RELEASES` (every embedded parameter set)."""
    return verifier.verify_seal(seal, image_id, journal_digest, deployment=ALL_RELEASES, **kw)


def verify_receipt(seal, image_id, journal, **kw):
    return verifier.verify_receipt(seal, image_id, journal, deployment=ALL_RELEASES, **kw)


def verify_integrity(seal, claim_digest, **kw):
    return verifier.verify_integrity(seal, claim_digest, deployment=ALL_RELEASES, **kw)


def mutations(data: bytes, positions, rng):
    for i in positions:
        delta = rng.randrange(1, 256)
        m = bytearray(data)
        m[i] ^= delta
        yield i, bytes(m)


@pytest.mark.parametrize("r", each_receipt())
def test_receipt_verifies(r):
    assert verify_seal(r.seal, r.image_id, sha256(r.journal)) is None
    out = verify_receipt(r.seal, r.image_id, r.journal)
    assert out.accepted and out.verifier == "groth16" and not out.dev_mode
    assert out.selector == r.selector
    assert out.claim_digest == ReceiptClaim.ok(r.image_id, r.journal).digest()
    js = out.to_json()
    assert js["accepted"] is True and js["selector"] == "0x" + r.selector.hex()
    assert js["parameter_set"] == parameter_set_by_selector(r.selector).name
    # verifyIntegrity with the claim digest, and bytearray/memoryview inputs
    verify_integrity(bytearray(r.seal), memoryview(out.claim_digest))
    # also accepted with dev mode allowed (dev mode only adds the mock verifier)
    verify_seal(r.seal, r.image_id, sha256(r.journal), allow_dev=True)


def test_conformance_covers_every_embedded_parameter_set(receipts):
    """The shared conformance receipts have no v1.x sets; RISC Zero's v1.x release
    fixtures (``v1_release_receipts.json``) cover those, and together they cover every
    embedded parameter set (and nothing else)."""
    v1 = json.loads(V1_RECEIPTS_FILE.read_text(encoding="utf-8"))["receipts"]
    v1_selectors = {bytes.fromhex(r["seal"])[:4] for r in v1}
    for r in v1:
        ps = parameter_set_by_selector(bytes.fromhex(r["seal"])[:4])
        assert ps is not None and ps.name == r["parameter_set"], r["name"]
    shared = {r.selector for r in receipts}
    assert shared | v1_selectors == {ps.selector for ps in verifier.PARAMETER_SETS}


def _must_reject(seal, image_id, journal_digest, what):
    with pytest.raises(VerificationError) as exc:
        verify_seal(seal, image_id, journal_digest)
    assert str(exc.value), what
    return exc.value


def _point_of(pos: int) -> str:
    return "a" if pos < 68 else ("b" if pos < 196 else "c")


def test_exhaustive_seal_mutation(receipts):
    """Every byte of one seal, changed two ways (low bit, random xor): always rejected,
    by the check that owns that byte."""
    r = next(x for x in receipts if x.name == EXHAUSTIVE)
    jd = sha256(r.journal)
    rng = random.Random(1)
    kinds = collections.Counter()
    for i in range(len(r.seal)):
        for delta in (0x01, rng.randrange(2, 256)):
            m = bytearray(r.seal)
            m[i] ^= delta
            err = _must_reject(bytes(m), r.image_id, jd, f"seal byte {i}")
            kinds[type(err).__name__] += 1
            if i < 4:
                assert isinstance(err, UnknownSelectorError), i
                assert "0x" + bytes(m[:4]).hex() in str(err)
            elif isinstance(err, InvalidPointError):
                msg = str(err)
                pt = _point_of(i)
                assert f"point {pt} " in msg or f"coordinate {pt}[" in msg, (i, msg)
            else:
                assert isinstance(err, ProofRejectedError), (i, err)
    assert sum(kinds.values()) == 2 * len(r.seal) == 520
    assert kinds["UnknownSelectorError"] == 8


@pytest.mark.parametrize("r", each_receipt(exclude=(EXHAUSTIVE,)))
def test_sampled_seal_mutation(r):
    """Sampled seal bytes of the receipts test_exhaustive_seal_mutation does not cover."""
    rng = random.Random(f"seal-{r.name}")
    positions = rng.sample(range(len(r.seal)), SAMPLES_PER_RECEIPT)
    for i, m in mutations(r.seal, positions, rng):
        _must_reject(m, r.image_id, sha256(r.journal), f"{r.name} seal byte {i}")


@pytest.mark.parametrize("r", each_receipt())
def test_every_image_id_and_journal_byte(r):
    """Exhaustive over image ID and journal bytes of a receipt: each reaches the pairing."""
    rng = random.Random(f"claim-{r.name}")
    jd = sha256(r.journal)
    for i, m in mutations(r.image_id, range(32), rng):
        err = _must_reject(r.seal, m, jd, f"{r.name} image_id byte {i}")
        assert isinstance(err, ProofRejectedError)
    for i, m in mutations(r.journal, range(len(r.journal)), rng):
        err = _must_reject(r.seal, r.image_id, sha256(m), f"{r.name} journal byte {i}")
        assert isinstance(err, ProofRejectedError)
    # appended / truncated journal
    _must_reject(r.seal, r.image_id, sha256(r.journal + b"\x00"), "journal + 1 byte")
    _must_reject(r.seal, r.image_id, sha256(r.journal[:-1]), "journal - 1 byte")


#: seal offsets of the first byte of the y coordinates of A, B and C (big-endian words)
Y_FIRST_BYTES = {"A.y": 36, "B.y[0]": 132, "C.y": 228}


@pytest.mark.parametrize("r", each_receipt())
def test_top_bit_of_a_y_coordinate_is_not_ignored(r):
    """Setting the top bit of a y coordinate, a flag bit in some point encodings, is rejected."""
    for name, pos in Y_FIRST_BYTES.items():
        m = bytearray(r.seal)
        m[pos] ^= 0x80
        _must_reject(bytes(m), r.image_id, sha256(r.journal), f"{r.name} {name} top bit")


def _reencode(seal: bytes, proof: Proof) -> bytes:
    return seal[:4] + proof.to_bytes()


def test_valid_points_wrong_proof_reach_the_pairing_and_fail(receipts):
    """Seals whose points all pass validation but do not form a proof: the pairing decides."""
    from refute.verifier import bn254

    r = receipts[0]
    jd = sha256(r.journal)
    p = Proof.from_bytes(r.seal[4:])
    variants = {
        "-A": Proof(bn254.g1_neg(p.a), p.b, p.c),
        "-B": Proof(p.a, bn254.g2_neg(p.b), p.c),
        "-C": Proof(p.a, p.b, bn254.g1_neg(p.c)),
        "A<->C": Proof(p.c, p.b, p.a),
        "2A": Proof(bn254.g1_add(p.a, p.a), p.b, p.c),
        "A+G": Proof(bn254.g1_add(p.a, bn254.G1_GENERATOR), p.b, p.c),
        "2B": Proof(p.a, bn254.g2_add(p.b, p.b), p.c),
    }
    for _name, v in variants.items():
        with pytest.raises(ProofRejectedError):
            verify_seal(_reencode(r.seal, v), r.image_id, jd)
    # the encoding round-trips, so the rejections above are not encoding accidents
    assert _reencode(r.seal, p) == r.seal


def test_proof_of_one_receipt_does_not_verify_another(receipts):
    a, b = receipts[0], receipts[1]
    forged = b.seal[:4] + a.seal[4:]
    with pytest.raises(ProofRejectedError):
        verify_seal(forged, a.image_id, sha256(a.journal))
    with pytest.raises(ProofRejectedError):
        verify_seal(forged, b.image_id, sha256(b.journal))


@pytest.mark.parametrize("r", each_receipt())
def test_control_root_is_bound(r):
    """The same proof under another parameter set's selector fails (control root differs)."""
    other = next(ps for ps in verifier.PARAMETER_SETS if ps.selector != r.selector)
    with pytest.raises(ProofRejectedError):
        verify_seal(other.selector + r.seal[4:], r.image_id, sha256(r.journal))


def test_claim_other_than_ok_is_rejected(receipts):
    r = receipts[0]
    paused = ReceiptClaim.paused(r.image_id, r.journal).digest()
    with pytest.raises(ProofRejectedError):
        verify_integrity(r.seal, paused)


def test_journal_argument_is_bytes_not_digest(receipts):
    """verify_seal takes the journal DIGEST; passing the journal itself is rejected."""
    r = receipts[0]
    assert len(r.journal) != 32
    with pytest.raises(verifier.MalformedInputError, match="journal_digest"):
        verify_seal(r.seal, r.image_id, r.journal)


def test_reference_py_ecc_agrees(receipts):
    """Independent plain-py_ecc pairing check agrees on an accepting and a rejecting input."""
    from refute.verifier.groth16 import RiscZeroGroth16Verifier
    from refute.verifier.reference import pairing_check_py_ecc

    r = receipts[-1]
    v = RiscZeroGroth16Verifier(parameter_set_by_selector(r.selector))
    proof = Proof.from_bytes(r.seal[4:])
    good = v.public_inputs(ReceiptClaim.ok(r.image_id, r.journal).digest())
    assert pairing_check_py_ecc(v.params.verifying_key, proof, good) is True
    bad = v.public_inputs(ReceiptClaim.ok(r.image_id, r.journal + b"!").digest())
    assert pairing_check_py_ecc(v.params.verifying_key, proof, bad) is False

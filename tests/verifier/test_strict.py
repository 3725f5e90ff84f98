"""Strict input checking: every malformed input is a VerificationError naming the reason."""

from __future__ import annotations

import re

import pytest

from refute import verifier
from refute.verifier import (
    ALL_RELEASES,
    DevModeNotAllowedError,
    InvalidPointError,
    MalformedInputError,
    MalformedSealError,
    PublicInputError,
    SelectorMismatchError,
    UnknownSelectorError,
    VerificationError,
    bn254,
    sha256,
)
from refute.verifier.groth16 import Proof, RiscZeroGroth16Verifier, prepared_key
from refute.verifier.params import PARAMETER_SETS, VERIFYING_KEY

pytestmark = pytest.mark.conformance

Q, R = bn254.Q, bn254.R
WORDS = ["a[0]", "a[1]", "b[0][0]", "b[0][1]", "b[1][0]", "b[1][1]", "c[0]", "c[1]"]


# The conformance receipts include sets RISC Zero's mainnet router (the default deployment)
# does not route: v2.0/v2.1 are e-stopped there and main (0xc27d1bc0) is unreleased.  These
# tests check the verifier itself, so they verify under the all-releases deployment.


def verify_seal(seal, image_id, journal_digest, **kw):
    """``verifier.verify_seal`` under :data:`ALL_RELEASES` (every embedded parameter set)."""
    return verifier.verify_seal(seal, image_id, journal_digest, deployment=ALL_RELEASES, **kw)


@pytest.fixture(scope="module")
def good(receipts):
    r = receipts[-1]
    return r.seal, r.image_id, sha256(r.journal)


def set_word(seal: bytes, k: int, value: int) -> bytes:
    off = 4 + 32 * k
    return seal[:off] + value.to_bytes(32, "big") + seal[off + 32 :]


def test_error_hierarchy():
    for cls in (
        MalformedInputError,
        MalformedSealError,
        InvalidPointError,
        PublicInputError,
        UnknownSelectorError,
        SelectorMismatchError,
        DevModeNotAllowedError,
        verifier.MockSealRejectedError,
        verifier.ProofRejectedError,
    ):
        assert issubclass(cls, VerificationError)
    assert issubclass(MalformedSealError, MalformedInputError)
    e = InvalidPointError("seal: x")
    assert e.to_json() == {"accepted": False, "reason": "seal: x", "error": "invalid_point"}


def test_success_returns_none(good):
    assert verify_seal(*good) is None


@pytest.mark.parametrize("bad", ["00" * 260, 7, None, [1, 2, 3], 3.5])
def test_seal_type(good, bad):
    with pytest.raises(MalformedInputError, match="seal: expected bytes"):
        verify_seal(bad, good[1], good[2])


@pytest.mark.parametrize("n", [0, 31, 33, 64])
def test_image_id_length(good, n):
    with pytest.raises(MalformedInputError, match=f"image_id: expected 32 bytes, got {n}"):
        verify_seal(good[0], bytes(n), good[2])


@pytest.mark.parametrize("bad", ["ab" * 32, None, 0])
def test_image_id_type(good, bad):
    with pytest.raises(MalformedInputError, match="image_id"):
        verify_seal(good[0], bad, good[2])


@pytest.mark.parametrize("n", [0, 21, 31, 33])
def test_journal_digest_length(good, n):
    with pytest.raises(MalformedInputError, match="journal_digest"):
        verify_seal(good[0], good[1], bytes(n))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_seal_shorter_than_selector(good, n):
    with pytest.raises(MalformedSealError, match="too short"):
        verify_seal(good[0][:n], good[1], good[2])


@pytest.mark.parametrize("n", [4, 36, 259])
def test_groth16_seal_truncated(good, n):
    with pytest.raises(MalformedSealError, match="260 bytes"):
        verify_seal(good[0][:n], good[1], good[2])


@pytest.mark.parametrize("extra", [b"\x00", b"\x00" * 32])
def test_groth16_seal_trailing_bytes(good, extra):
    # Solidity's abi.decode would ignore trailing bytes; this verifier rejects them.
    with pytest.raises(MalformedSealError, match="260 bytes"):
        verify_seal(good[0] + extra, good[1], good[2])


@pytest.mark.parametrize("k", range(8))
@pytest.mark.parametrize("value", [Q, Q + 1, 2**256 - 1])
def test_coordinate_not_below_q(good, k, value):
    pattern = "coordinate " + re.escape(WORDS[k]) + " .* base field modulus"
    with pytest.raises(InvalidPointError, match=pattern):
        verify_seal(set_word(good[0], k, value), good[1], good[2])


def test_coordinate_plus_q_is_not_an_alias(good):
    # x + q encodes the same field element; it must still be rejected (non-canonical)
    seal = good[0]
    ax = int.from_bytes(seal[4:36], "big")
    if ax + Q < 2**256:
        with pytest.raises(InvalidPointError, match="base field modulus"):
            verify_seal(set_word(seal, 0, ax + Q), good[1], good[2])


@pytest.mark.parametrize("point,words", [("a", (0, 1)), ("b", (2, 3, 4, 5)), ("c", (6, 7))])
def test_point_at_infinity(good, point, words):
    seal = good[0]
    for k in words:
        seal = set_word(seal, k, 0)
    with pytest.raises(InvalidPointError, match=f"point {point} is the point at infinity"):
        verify_seal(seal, good[1], good[2])


@pytest.mark.parametrize("point,k", [("a", 1), ("b", 5), ("c", 7)])
def test_point_not_on_curve(good, point, k):
    seal = good[0]
    y = int.from_bytes(seal[4 + 32 * k : 4 + 32 * k + 32], "big")
    with pytest.raises(InvalidPointError, match=f"point {point} is not on the curve"):
        verify_seal(set_word(seal, k, (y + 1) % Q), good[1], good[2])


def test_small_coordinates_not_on_curve(good):
    seal = set_word(set_word(good[0], 0, 1), 1, 3)  # (1, 3): 9 != 1 + 3
    with pytest.raises(InvalidPointError, match="point a is not on the curve"):
        verify_seal(seal, good[1], good[2])


def test_g2_point_not_in_subgroup(good, twist_point):
    seal = good[0]
    for seed in range(2):
        (x0, x1), (y0, y1) = twist_point(seed)
        bad = seal
        for k, v in zip((2, 3, 4, 5), (x1, x0, y1, y0), strict=False):  # EIP-197 order: imaginary part first
            bad = set_word(bad, k, v)
        with pytest.raises(InvalidPointError, match="G2 point b is not in the order-r subgroup"):
            verify_seal(bad, good[1], good[2])


def test_g2_coordinate_order_matters(good):
    """Swapping real/imaginary halves of b (wrong encoding order) is rejected."""
    seal = good[0]
    swapped = seal[:68] + seal[100:132] + seal[68:100] + seal[164:196] + seal[132:164] + seal[196:]
    with pytest.raises(InvalidPointError):
        verify_seal(swapped, good[1], good[2])


def test_unknown_selector_lists_known(good):
    with pytest.raises(UnknownSelectorError) as exc:
        verify_seal(b"\xde\xad\xbe\xef" + good[0][4:], good[1], good[2])
    msg = str(exc.value)
    assert "selector 0xdeadbeef unknown" in msg
    for ps in PARAMETER_SETS:
        assert "0x" + ps.selector.hex() in msg and ps.name in msg
    assert "0xffffffff (mock" in msg


def test_unknown_selector_even_when_short(good):
    with pytest.raises(UnknownSelectorError):
        verify_seal(b"\x00\x00\x00\x00", good[1], good[2])


def test_selector_mismatch_on_single_verifier(good):
    v = RiscZeroGroth16Verifier(PARAMETER_SETS[0])
    other = PARAMETER_SETS[1].selector
    with pytest.raises(SelectorMismatchError, match="does not match"):
        v.verify_integrity(other + good[0][4:], bytes(32))


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_allow_dev_must_be_bool(good, flag):
    with pytest.raises(MalformedInputError, match="allow_dev"):
        verify_seal(good[0], good[1], good[2], allow_dev=flag)


def test_public_inputs_checked():
    pvk = prepared_key(VERIFYING_KEY)
    ok = [1, 2, 3, 4, 5]
    pvk.vk_x(ok)  # fine
    for i in range(5):
        for bad in (R, R + 1, 2**256):
            inputs = list(ok)
            inputs[i] = bad
            with pytest.raises(PublicInputError, match=f"public input {i} .* scalar field order"):
                pvk.vk_x(inputs)
        inputs = list(ok)
        inputs[i] = -1
        with pytest.raises(PublicInputError, match=f"public input {i}"):
            pvk.vk_x(inputs)
    with pytest.raises(PublicInputError, match="expected 5 public inputs"):
        pvk.vk_x(ok[:4])
    with pytest.raises(PublicInputError):
        pvk.vk_x([1, 2, 3, 4, "5"])


def test_public_input_msm_matches_plain_scalar_multiplication():
    pvk = prepared_key(VERIFYING_KEY)
    inputs = [R - 1, 2**128 - 1, 0, 12345, R // 3]
    expected = VERIFYING_KEY.ic[0]
    for s, p in zip(inputs, VERIFYING_KEY.ic[1:], strict=False):
        expected = bn254.g1_add(expected, bn254.g1_mul(p, s))
    assert pvk.vk_x(inputs) == expected
    partial = pvk.partial_inputs({0: inputs[0], 4: inputs[4]})
    assert pvk.vk_x(inputs, partial) == expected
    with pytest.raises(PublicInputError, match="fixed by the parameter set"):
        pvk.vk_x([1, *inputs[1:]], partial)


def test_proof_from_bytes_length():
    with pytest.raises(MalformedSealError, match="256 bytes"):
        Proof.from_bytes(bytes(255))
    with pytest.raises(MalformedInputError):
        Proof.from_bytes("00" * 256)

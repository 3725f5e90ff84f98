"""Mock (dev-mode) seals: RiscZeroMockVerifier semantics, only with allow_dev=True."""

from __future__ import annotations

import pytest

from refute import verifier
from refute.verifier import (
    MOCK_SELECTOR,
    DevModeNotAllowedError,
    MalformedSealError,
    MockSealRejectedError,
    ReceiptClaim,
    Router,
    UnknownSelectorError,
    mock_seal,
    sha256,
    verify_integrity,
    verify_receipt,
    verify_seal,
)

IMAGE_ID = bytes(range(32))
JOURNAL = b"refute: the claimed output root is wrong"
CLAIM = ReceiptClaim.ok(IMAGE_ID, JOURNAL).digest()


def test_mock_seal_layout():
    s = mock_seal(CLAIM)
    assert s == b"\xff\xff\xff\xff" + CLAIM and len(s) == 36
    assert MOCK_SELECTOR == b"\xff" * 4


def test_rejected_without_dev_mode():
    with pytest.raises(DevModeNotAllowedError, match="allow_dev"):
        verify_seal(mock_seal(CLAIM), IMAGE_ID, sha256(JOURNAL))
    with pytest.raises(DevModeNotAllowedError):
        verify_seal(mock_seal(CLAIM), IMAGE_ID, sha256(JOURNAL), allow_dev=False)
    # even a malformed mock seal is refused for being a mock seal first
    with pytest.raises(DevModeNotAllowedError):
        verify_seal(MOCK_SELECTOR, IMAGE_ID, sha256(JOURNAL))


def test_accepted_with_dev_mode():
    assert verify_seal(mock_seal(CLAIM), IMAGE_ID, sha256(JOURNAL), allow_dev=True) is None
    out = verify_receipt(mock_seal(CLAIM), IMAGE_ID, JOURNAL, allow_dev=True)
    assert out.verifier == "mock" and out.dev_mode and out.parameter_set is None
    js = out.to_json()
    assert js["accepted"] is True and js["verifier"] == "mock" and js["dev_mode"] is True
    assert js["selector"] == "0xffffffff" and js["claim_digest"] == "0x" + CLAIM.hex()


def test_mock_seal_must_match_the_claim():
    other = ReceiptClaim.ok(IMAGE_ID, JOURNAL + b"!").digest()
    with pytest.raises(MockSealRejectedError, match="commits to claim"):
        verify_seal(mock_seal(other), IMAGE_ID, sha256(JOURNAL), allow_dev=True)
    for i in range(4, 36):
        m = bytearray(mock_seal(CLAIM))
        m[i] ^= 1
        with pytest.raises(MockSealRejectedError):
            verify_integrity(bytes(m), CLAIM, allow_dev=True)
    with pytest.raises(MockSealRejectedError):
        verify_seal(mock_seal(CLAIM), bytes(32), sha256(JOURNAL), allow_dev=True)


@pytest.mark.parametrize("n", [4, 35, 37, 260])
def test_mock_seal_length(n):
    seal = (mock_seal(CLAIM) + bytes(300))[:n]
    with pytest.raises(MalformedSealError, match="36 bytes"):
        verify_integrity(seal, CLAIM, allow_dev=True)


def test_router_without_mock_treats_mock_selector_as_unknown():
    router = Router(mock_selector=None)
    with pytest.raises(UnknownSelectorError):
        router.verify_integrity(mock_seal(CLAIM), CLAIM, allow_dev=True)


def test_custom_mock_selector():
    router = Router(mock_selector=b"\x00\x00\x00\x01")
    seal = mock_seal(CLAIM, selector=b"\x00\x00\x00\x01")
    assert router.verify_integrity(seal, CLAIM, allow_dev=True).verifier == "mock"
    with pytest.raises(UnknownSelectorError):
        router.verify_integrity(mock_seal(CLAIM), CLAIM, allow_dev=True)
    with pytest.raises(verifier.MalformedInputError):
        mock_seal(CLAIM, selector=b"\x00")

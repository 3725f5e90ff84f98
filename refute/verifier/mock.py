"""Mock (dev-mode) seals, as ``RiscZeroMockVerifier`` checks them.

A mock seal is ``selector || claim_digest`` (36 bytes).  risc0-ethereum's
``encode_seal`` uses the selector ``0xFFFFFFFF`` for fake receipts
(``Selector::FakeReceipt``), which is the default here.  Mock seals prove
nothing; the router accepts them only when the caller passes ``allow_dev=True``.
"""

from __future__ import annotations

from .encoding import as_bytes, as_digest, to_hex
from .errors import MalformedInputError, MalformedSealError, MockSealRejectedError, SelectorMismatchError

__all__ = ["MOCK_SELECTOR", "MockVerifier", "mock_seal"]

MOCK_SELECTOR = b"\xff\xff\xff\xff"


def mock_seal(claim_digest: bytes, selector: bytes = MOCK_SELECTOR) -> bytes:
    """``RiscZeroMockVerifier.mockProve``: the mock seal for a claim digest."""
    selector = as_bytes(selector, "selector")
    if len(selector) != 4:
        raise MalformedInputError(f"selector: expected 4 bytes, got {len(selector)}")
    return selector + as_digest(claim_digest, "claim_digest")


class MockVerifier:
    """``RiscZeroMockVerifier``: accepts exactly ``selector || claim_digest``."""

    kind = "mock"
    name = "mock"
    SEAL_BYTES = 36

    def __init__(self, selector: bytes = MOCK_SELECTOR):
        selector = as_bytes(selector, "selector")
        if len(selector) != 4:
            raise MalformedInputError(f"selector: expected 4 bytes, got {len(selector)}")
        self.selector = selector

    def verify_integrity(self, seal: bytes, claim_digest: bytes) -> None:
        seal = as_bytes(seal, "seal")
        claim_digest = as_digest(claim_digest, "claim_digest")
        if len(seal) < 4:
            raise MalformedSealError(f"seal: {len(seal)} bytes is too short to hold a 4-byte selector")
        if seal[:4] != self.selector:
            raise SelectorMismatchError(
                f"seal: selector {to_hex(seal[:4])} does not match the mock verifier's {to_hex(self.selector)}"
            )
        if len(seal) != self.SEAL_BYTES:
            raise MalformedSealError(
                f"seal: a mock seal is {self.SEAL_BYTES} bytes (selector + claim digest), got {len(seal)}"
            )
        if seal[4:] != claim_digest:
            raise MockSealRejectedError(
                f"mock seal: commits to claim {to_hex(seal[4:])}, expected {to_hex(claim_digest)}"
            )

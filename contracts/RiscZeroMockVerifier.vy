# pragma version 0.4.3
# pragma evm-version prague
"""
@title Mock (dev-mode) RISC Zero verifier
@notice Accepts exactly seal = 0xFFFFFFFF || claim_digest: it proves nothing.
        It refuses to be deployed outside a devnet (devnet.is_devnet), and the
        router registers it only when constructed in dev mode. Mirrored by
        refute.verifier.mock.MockVerifier.
@dev Named errors: MalformedSeal, SelectorMismatch, MockSealMismatch,
     DevModeNotAllowed.
"""

import devnet
import risc0_claim

MAX_SEAL_BYTES: constant(uint256) = 4096
SEAL_BYTES: constant(uint256) = 36
SELECTOR: public(constant(bytes4)) = 0xFFFFFFFF


@deploy
def __init__():
    assert devnet.is_devnet(), "DevModeNotAllowed"


@internal
@pure
def _verify_integrity(seal: Bytes[MAX_SEAL_BYTES], claim_digest: bytes32):
    assert len(seal) >= 4, "MalformedSeal"
    assert convert(slice(seal, 0, 4), bytes4) == SELECTOR, "SelectorMismatch"
    assert len(seal) == SEAL_BYTES, "MalformedSeal"
    assert extract32(seal, 4) == claim_digest, "MockSealMismatch"


@external
@pure
def verify(seal: Bytes[MAX_SEAL_BYTES], image_id: bytes32, journal_digest: bytes32):
    """IRiscZeroVerifier.verify for mock seals."""
    self._verify_integrity(seal, risc0_claim.ok_claim_digest(image_id, journal_digest))


@external
@pure
def verify_integrity(seal: Bytes[MAX_SEAL_BYTES], claim_digest: bytes32):
    """The mock seal against an arbitrary claim digest."""
    self._verify_integrity(seal, claim_digest)

# pragma version 0.4.3
# pragma evm-version prague
"""
@title RISC Zero verifier router (selector -> verifier)
@notice RiscZeroVerifierRouter semantics: a seal's first four bytes select the
        verifier; an unknown selector reverts; a removed selector is
        tombstoned and can never be registered again; an emergency stop
        (permanent) rejects every seal. Mirrored by refute.verifier.router.Router
        over a refute.verifier.deployment.Deployment.
@dev Dev mode: the mock verifier (selector 0xFFFFFFFF) can be registered only
     by a router constructed with dev_mode = True, which itself is only
     possible on a devnet chain ID. Every registration checks that the
     verifier's own SELECTOR() equals the key it is registered under.
     Named errors: Unauthorized, SelectorInUse, SelectorRemoved,
     SelectorUnknown, SelectorMismatch, DevModeNotAllowed, EmergencyStop,
     MalformedSeal (plus whatever the selected verifier reverts with).
"""

import devnet

interface RiscZeroVerifier:
    def SELECTOR() -> bytes4: view

MAX_SEAL_BYTES: constant(uint256) = 4096
MOCK_SELECTOR: constant(bytes4) = 0xFFFFFFFF
# The value a removed selector maps to (risc0-ethereum uses address(1) too).
TOMBSTONE: constant(address) = 0x0000000000000000000000000000000000000001

event VerifierAdded:
    selector: indexed(bytes4)
    verifier: address

event VerifierRemoved:
    selector: indexed(bytes4)

event EmergencyStopped:
    by: address

owner: public(address)
DEV_MODE: public(immutable(bool))
stopped: public(bool)
verifiers: public(HashMap[bytes4, address])


@deploy
def __init__(dev_mode: bool):
    assert not dev_mode or devnet.is_devnet(), "DevModeNotAllowed"
    DEV_MODE = dev_mode
    self.owner = msg.sender


@external
def add_verifier(selector: bytes4, verifier: address):
    """Routes `selector` to `verifier`, for good unless removed."""
    assert msg.sender == self.owner, "Unauthorized"
    current: address = self.verifiers[selector]
    assert current != TOMBSTONE, "SelectorRemoved"
    assert current == empty(address), "SelectorInUse"
    assert selector != MOCK_SELECTOR or DEV_MODE, "DevModeNotAllowed"
    assert staticcall RiscZeroVerifier(verifier).SELECTOR() == selector, "SelectorMismatch"
    self.verifiers[selector] = verifier
    log VerifierAdded(selector=selector, verifier=verifier)


@external
def remove_verifier(selector: bytes4):
    """Tombstones `selector`: its seals are rejected and it can never be registered again."""
    assert msg.sender == self.owner, "Unauthorized"
    current: address = self.verifiers[selector]
    assert current != TOMBSTONE, "SelectorRemoved"
    assert current != empty(address), "SelectorUnknown"
    self.verifiers[selector] = TOMBSTONE
    log VerifierRemoved(selector=selector)


@external
def estop():
    """Permanent emergency stop: every later verification reverts with EmergencyStop."""
    assert msg.sender == self.owner, "Unauthorized"
    self.stopped = True
    log EmergencyStopped(by=msg.sender)


@internal
@view
def _route(selector: bytes4) -> address:
    assert not self.stopped, "EmergencyStop"
    verifier: address = self.verifiers[selector]
    assert verifier != TOMBSTONE, "SelectorRemoved"
    # The mock selector is never routed without dev mode: say so by name.
    assert verifier != empty(address) or selector != MOCK_SELECTOR, "DevModeNotAllowed"
    assert verifier != empty(address), "SelectorUnknown"
    return verifier


@external
@view
def get_verifier(selector: bytes4) -> address:
    """The verifier `selector` routes to (reverts like verify would)."""
    return self._route(selector)


@external
@view
def verify(seal: Bytes[MAX_SEAL_BYTES], image_id: bytes32, journal_digest: bytes32):
    """IRiscZeroVerifier.verify: returns iff the selected verifier accepts the seal."""
    assert len(seal) >= 4, "MalformedSeal"
    verifier: address = self._route(convert(slice(seal, 0, 4), bytes4))
    # A static raw call re-raises the verifier's revert data unchanged.
    raw_call(
        verifier,
        abi_encode(seal, image_id, journal_digest, method_id=method_id("verify(bytes,bytes32,bytes32)")),
        is_static_call=True,
    )

"""Error types of the receipt verifier.

Every rejection raises a subclass of :class:`VerificationError`; verification
never returns a truthy/falsy "maybe".  Each class carries a short, stable
``code`` (used in ``--json`` output) and the message says what was wrong and
where (e.g. ``"seal: G2 point b is not in the order-r subgroup"``).
"""

from __future__ import annotations

__all__ = [
    "DeploymentError",
    "DevModeNotAllowedError",
    "EmergencyStopError",
    "InvalidPointError",
    "MalformedInputError",
    "MalformedSealError",
    "MockSealRejectedError",
    "ProofRejectedError",
    "PublicInputError",
    "SelectorInUseError",
    "SelectorMismatchError",
    "SelectorRemovedError",
    "UnknownSelectorError",
    "VerificationError",
]


class VerificationError(Exception):
    """Base class: the seal / claim was rejected.  ``str(err)`` is the reason."""

    code = "rejected"

    @property
    def reason(self) -> str:
        return str(self)

    def to_json(self) -> dict:
        """JSON-able rejection record (the shape ``refute verify --json`` prints)."""
        return {"accepted": False, "reason": self.reason, "error": self.code}


class MalformedInputError(VerificationError):
    """An input has the wrong type, length or encoding (bad hex, bad JSON, ...)."""

    code = "malformed_input"


class MalformedSealError(MalformedInputError):
    """The seal bytes do not have the layout the selected verifier expects."""

    code = "malformed_seal"


class InvalidPointError(VerificationError):
    """A proof element is not a valid curve point: a coordinate >= the base field
    modulus, not on the curve, the point at infinity, or (G2) not in the
    order-r subgroup."""

    code = "invalid_point"


class PublicInputError(VerificationError):
    """A Groth16 public input is not a canonical scalar (>= the scalar field order)."""

    code = "invalid_public_input"


class UnknownSelectorError(VerificationError):
    """The seal's 4-byte selector names no known verifier."""

    code = "unknown_selector"


class SelectorRemovedError(VerificationError):
    """The seal's selector was removed from the deployment's router for good (the
    ``SelectorRemoved`` revert of ``RiscZeroVerifierRouter``): a tombstoned
    selector is never routed again, whatever the seal."""

    code = "selector_removed"


class SelectorInUseError(VerificationError):
    """A verifier was added under a selector the router already routes
    (``addVerifier``'s ``SelectorInUse`` revert)."""

    code = "selector_in_use"


class EmergencyStopError(VerificationError):
    """The emergency stop is engaged, for the whole deployment or for the verifier
    the selector routes to (``RiscZeroVerifierEmergencyStop``'s ``EnforcedPause``):
    nothing is accepted through it."""

    code = "emergency_stop"


class DeploymentError(MalformedInputError):
    """A deployment description (router state) is malformed or contradicts itself.

    ``source`` names the file (or object) and ``field`` the offending field, so a
    caller can point at both without parsing the message.
    """

    code = "malformed_deployment"

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


class SelectorMismatchError(VerificationError):
    """A seal was given to a single-parameter-set verifier with another selector
    (the Solidity ``SelectorMismatch`` revert)."""

    code = "selector_mismatch"


class DevModeNotAllowedError(VerificationError):
    """A mock (dev-mode) seal was presented without ``allow_dev=True``."""

    code = "dev_mode_not_allowed"


class MockSealRejectedError(VerificationError):
    """A mock seal does not commit to the expected claim digest."""

    code = "mock_seal_mismatch"


class ProofRejectedError(VerificationError):
    """The Groth16 pairing equation does not hold: the proof is invalid for
    this claim under the selected parameter set."""

    code = "proof_rejected"

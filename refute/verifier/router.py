"""Selector-keyed router over every embedded parameter set (``RiscZeroVerifierRouter``).

``Router.verify(seal, image_id, journal_digest)`` checks, in order:

1. input types and lengths (image ID and journal digest: 32 bytes; seal: bytes);
2. the claim digest ``ReceiptClaim.ok(image_id, journal_digest).digest()``;
3. the seal is at least 4 bytes; its selector is looked up in the router's
   :class:`Deployment` (``default_router()``: :data:`DEFAULT_DEPLOYMENT`, RISC Zero's
   Ethereum mainnet router state; ``Router(ALL_RELEASES)`` routes every embedded set):
   deployment e-stopped -> :class:`EmergencyStopError`;
   removed (tombstoned) selector -> :class:`SelectorRemovedError`;
   mock selector -> rejected unless ``allow_dev=True``, then ``seal == selector || claim``;
   a registered selector -> that parameter set's :class:`RiscZeroGroth16Verifier`,
   unless its verifier is e-stopped (:class:`EmergencyStopError`);
   anything else -> :class:`UnknownSelectorError` listing the deployment's selectors;
4. the verifier's own checks (length, coordinates, curve, subgroup, pairing).

Acceptance returns a :class:`VerifyOutcome`; every rejection raises a
:class:`VerificationError` subclass.
"""

from __future__ import annotations

from dataclasses import dataclass

from .deployment import Deployment
from .deployments import DEFAULT_DEPLOYMENT
from .digests import Pruned, ReceiptClaim, sha256
from .encoding import as_bytes, as_digest, to_hex
from .errors import DevModeNotAllowedError, MalformedInputError, MalformedSealError, UnknownSelectorError
from .groth16 import RiscZeroGroth16Verifier
from .mock import MOCK_SELECTOR, MockVerifier

__all__ = ["Router", "VerifyOutcome", "default_router"]


@dataclass(frozen=True)
class VerifyOutcome:
    """An accepted seal.  (Rejections are exceptions, never an outcome.)"""

    verifier: str  # "groth16" | "mock"
    selector: bytes
    parameter_set: str | None
    claim_digest: bytes
    image_id: bytes | None = None
    journal_digest: bytes | None = None

    @property
    def accepted(self) -> bool:
        return True

    @property
    def dev_mode(self) -> bool:
        return self.verifier == "mock"

    def to_json(self) -> dict:
        out = {
            "accepted": True,
            "verifier": self.verifier,
            "selector": to_hex(self.selector),
            "parameter_set": self.parameter_set,
            "claim_digest": to_hex(self.claim_digest),
            "dev_mode": self.dev_mode,
        }
        if self.image_id is not None:
            out["image_id"] = to_hex(self.image_id)
        if self.journal_digest is not None:
            out["journal_digest"] = to_hex(self.journal_digest)
        return out


class Router:
    """Routes a seal to the verifier its 4-byte selector names in a :class:`Deployment`."""

    def __init__(
        self,
        deployment: Deployment | None = None,
        *,
        mock_selector: bytes | None = MOCK_SELECTOR,
    ):
        self.deployment = DEFAULT_DEPLOYMENT if deployment is None else deployment
        if not isinstance(self.deployment, Deployment):
            raise TypeError(f"deployment: expected a Deployment, got {type(self.deployment).__name__}")
        self._groth16 = {ps.selector: RiscZeroGroth16Verifier(ps) for ps in self.deployment.registered}
        self._mock = MockVerifier(mock_selector) if mock_selector is not None else None
        if self._mock is not None and self._mock.selector in self._groth16:
            raise ValueError("mock selector collides with a Groth16 selector")

    @property
    def groth16_verifiers(self) -> dict[bytes, RiscZeroGroth16Verifier]:
        """Registered Groth16 verifiers by selector (e-stopped ones included)."""
        return dict(self._groth16)

    def known_selectors(self) -> str:
        """The deployment's registered and removed selectors, and the mock one."""
        text = self.deployment.describe()
        if self._mock is not None:
            text += f"; {to_hex(self._mock.selector)} (mock, dev mode only)"
        return text

    def verify_integrity(self, seal: bytes, claim_digest: bytes, *, allow_dev: bool = False) -> VerifyOutcome:
        """Verify a seal against a claim digest (``verifyIntegrity``)."""
        claim_digest = as_digest(claim_digest, "claim_digest")
        seal = as_bytes(seal, "seal")
        if not isinstance(allow_dev, bool):
            raise MalformedInputError(f"allow_dev: expected bool, got {type(allow_dev).__name__}")
        if len(seal) < 4:
            raise MalformedSealError(f"seal: {len(seal)} bytes is too short to hold a 4-byte selector")
        selector = seal[:4]
        if self._mock is not None and selector == self._mock.selector and not self._is_blocked(selector):
            if not allow_dev:
                raise DevModeNotAllowedError(
                    f"seal: selector {to_hex(selector)} is a mock (dev-mode) seal, which proves nothing; "
                    "it is accepted only when dev mode is explicitly allowed (allow_dev=True / --allow-dev)"
                )
            self._mock.verify_integrity(seal, claim_digest)
            return VerifyOutcome("mock", selector, None, claim_digest)
        try:
            params = self.deployment.route(selector)
        except UnknownSelectorError:
            raise UnknownSelectorError(
                f"seal: selector {to_hex(selector)} unknown to deployment {self.deployment.name!r}; "
                f"{self.known_selectors()}"
            ) from None
        verifier = self._groth16[params.selector]
        verifier.verify_integrity(seal, claim_digest)
        return VerifyOutcome("groth16", selector, params.name, claim_digest)

    def _is_blocked(self, selector: bytes) -> bool:
        """True when the deployment's e-stop or a tombstone must reject ``selector``
        before the mock is considered (the router checks its own state first)."""
        return self.deployment.estop or selector in self.deployment.removed

    def verify(self, seal: bytes, image_id: bytes, journal_digest: bytes, *, allow_dev: bool = False) -> VerifyOutcome:
        """``verify(seal, imageId, journalDigest)``: the claim is ``ReceiptClaim.ok``."""
        image_id = as_digest(image_id, "image_id")
        journal_digest = as_digest(journal_digest, "journal_digest")
        claim_digest = ReceiptClaim.ok(image_id, Pruned(journal_digest)).digest()
        out = self.verify_integrity(seal, claim_digest, allow_dev=allow_dev)
        return VerifyOutcome(
            out.verifier,
            out.selector,
            out.parameter_set,
            claim_digest,
            image_id=image_id,
            journal_digest=journal_digest,
        )

    def verify_journal(self, seal: bytes, image_id: bytes, journal: bytes, *, allow_dev: bool = False) -> VerifyOutcome:
        """Like :meth:`verify` with the journal bytes (hashed with SHA-256)."""
        journal = as_bytes(journal, "journal")
        return self.verify(seal, image_id, sha256(journal), allow_dev=allow_dev)

    def warm_up(self) -> None:
        for v in self._groth16.values():
            v.warm_up()


_DEFAULT: Router | None = None


def default_router() -> Router:
    """The router over :data:`DEFAULT_DEPLOYMENT` (RISC Zero's Ethereum mainnet router
    state), with the 0xFFFFFFFF mock selector."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Router()
    return _DEFAULT

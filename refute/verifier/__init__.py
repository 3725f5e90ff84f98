"""refute's pure-Python RISC Zero receipt verifier.

Decides like RISC Zero's on-chain verifiers (``RiscZeroVerifierRouter`` over
``RiscZeroGroth16Verifier`` deployments, plus ``RiscZeroMockVerifier`` seals in
explicit dev mode), using only Python and py_ecc-free integer arithmetic on
the hot path.  Never imports the native core.

Typical use::

    from refute import verifier
    verifier.verify_seal(seal, image_id, journal_digest)          # None, or raises
    outcome = verifier.verify_receipt(seal, image_id, journal)     # VerifyOutcome
    outcome = verifier.verify_artifact("proof.json")
    print(outcome.to_json())

Every rejection raises :class:`VerificationError` (or a subclass, see
``verifier.errors``); nothing returns a truthy "maybe".
"""

from __future__ import annotations

from .artifact import load_artifact, result_json, verify_artifact, verify_cli_inputs
from .deployment import Deployment, deployment_from_json, load_deployment
from .deployments import (
    ALL_RELEASES,
    BUILTIN_DEPLOYMENTS,
    DEFAULT_DEPLOYMENT,
    ETHEREUM_MAINNET,
    builtin_deployment,
    builtin_deployment_path,
)
from .digests import (
    SYSTEM_STATE_ZERO_DIGEST,
    Assumption,
    Assumptions,
    ExitCode,
    Output,
    Pruned,
    ReceiptClaim,
    SystemState,
    sha256,
    tagged_list,
    tagged_struct,
)
from .encoding import parse_hex, parse_hex_or_file
from .errors import (
    DeploymentError,
    DevModeNotAllowedError,
    EmergencyStopError,
    InvalidPointError,
    MalformedInputError,
    MalformedSealError,
    MockSealRejectedError,
    ProofRejectedError,
    PublicInputError,
    SelectorInUseError,
    SelectorMismatchError,
    SelectorRemovedError,
    UnknownSelectorError,
    VerificationError,
)
from .groth16 import Proof, RiscZeroGroth16Verifier
from .journal import FAULT_JOURNAL_LENGTH, FaultJournal
from .mock import MOCK_SELECTOR, MockVerifier, mock_seal
from .params import PARAMETER_SETS, VERIFYING_KEY, ParameterSet, VerifyingKey, parameter_set_by_selector
from .router import Router, VerifyOutcome, default_router

__all__ = [
    # verification
    "verify_seal",
    "verify_receipt",
    "verify_integrity",
    "verify_artifact",
    "verify_cli_inputs",
    "load_artifact",
    "result_json",
    "parse_hex_or_file",
    "parse_hex",
    "VerifyOutcome",
    "Router",
    "default_router",
    "RiscZeroGroth16Verifier",
    "MockVerifier",
    "mock_seal",
    "MOCK_SELECTOR",
    "Proof",
    # parameters
    "PARAMETER_SETS",
    "ParameterSet",
    "VERIFYING_KEY",
    "VerifyingKey",
    "parameter_set_by_selector",
    # deployments (router state)
    "Deployment",
    "deployment_from_json",
    "load_deployment",
    "DEFAULT_DEPLOYMENT",
    "ETHEREUM_MAINNET",
    "ALL_RELEASES",
    "builtin_deployment",
    "BUILTIN_DEPLOYMENTS",
    "builtin_deployment_path",
    # claims
    "ReceiptClaim",
    "SystemState",
    "ExitCode",
    "Output",
    "Assumption",
    "Assumptions",
    "Pruned",
    "SYSTEM_STATE_ZERO_DIGEST",
    "sha256",
    "tagged_struct",
    "tagged_list",
    # fault-proof journal
    "FAULT_JOURNAL_LENGTH",
    "FaultJournal",
    # errors
    "VerificationError",
    "MalformedInputError",
    "MalformedSealError",
    "InvalidPointError",
    "PublicInputError",
    "UnknownSelectorError",
    "SelectorRemovedError",
    "SelectorInUseError",
    "EmergencyStopError",
    "DeploymentError",
    "SelectorMismatchError",
    "DevModeNotAllowedError",
    "MockSealRejectedError",
    "ProofRejectedError",
]


def _router(deployment: Deployment | None) -> Router:
    return default_router() if deployment is None else Router(deployment)


def verify_seal(
    seal: bytes,
    image_id: bytes,
    journal_digest: bytes,
    *,
    allow_dev: bool = False,
    deployment: Deployment | None = None,
) -> None:
    """``IRiscZeroVerifier.verify(seal, imageId, journalDigest)``: returns None if the seal
    proves ``ReceiptClaim.ok(image_id, journal_digest)`` through ``deployment``'s router
    (default: :data:`DEFAULT_DEPLOYMENT`, RISC Zero's Ethereum mainnet router state; pass
    :data:`ALL_RELEASES` to route every embedded parameter set), else raises VerificationError."""
    _router(deployment).verify(seal, image_id, journal_digest, allow_dev=allow_dev)


def verify_receipt(
    seal: bytes,
    image_id: bytes,
    journal: bytes,
    *,
    allow_dev: bool = False,
    deployment: Deployment | None = None,
) -> VerifyOutcome:
    """Like :func:`verify_seal` but takes the journal bytes and returns the outcome."""
    return _router(deployment).verify_journal(seal, image_id, journal, allow_dev=allow_dev)


def verify_integrity(
    seal: bytes, claim_digest: bytes, *, allow_dev: bool = False, deployment: Deployment | None = None
) -> VerifyOutcome:
    """``verifyIntegrity``: the seal against an arbitrary claim digest (through ``deployment``'s
    router; default: :data:`DEFAULT_DEPLOYMENT`)."""
    return _router(deployment).verify_integrity(seal, claim_digest, allow_dev=allow_dev)

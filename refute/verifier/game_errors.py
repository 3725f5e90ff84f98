"""The dispute game's named reverts as exception classes, and the name <-> class table.

Why: the contracts revert with a name (``"AgreedRootMismatch"``); the mirror
raises an exception. :data:`REVERT_ERRORS` pairs every name with exactly one
class so "same decision" is a string comparison: a seal rejection keeps the
receipt verifier's own class (``VerificationFailed`` is
:class:`ProofRejectedError`), a game rule gets a class below.
"""

from __future__ import annotations

import re
from typing import ClassVar

from .errors import (
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
from .kzg_point import KzgOpeningError

__all__ = [
    "REVERT_ERRORS",
    "AgreedRootMismatchError",
    "AlreadyFaultedError",
    "AlreadyResolvedError",
    "BlobBindingMismatchError",
    "BlockNumberMismatchError",
    "ChallengeWindowClosedError",
    "ChallengeWindowOpenError",
    "ConfigHashMismatchError",
    "DuplicateProposalError",
    "FieldElementOutOfRangeError",
    "GameRuleError",
    "L1HeadMismatchError",
    "MalformedBlobOpeningsError",
    "MalformedCalldataError",
    "NoFaultError",
    "NothingToWithdrawError",
    "ParentEliminatedError",
    "ParentNotEliminatedError",
    "ParentNotResolvedError",
    "ProposalPrunedError",
    "SiblingResolvedError",
    "UnknownParentError",
    "UnauthorizedError",
    "UnknownProposalError",
    "WrongBlockNumberError",
    "WrongBondError",
    "revert_name",
]


class GameRuleError(VerificationError):
    """A dispute-game rule rejected the call; ``revert`` is the contract's error name."""

    revert: ClassVar[str] = "GameRule"
    code = "game_rule"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # The JSON code is the revert name in snake case (AgreedRootMismatch -> agreed_root_mismatch).
        cls.code = re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", cls.revert).lower()


class MalformedCalldataError(MalformedInputError):
    """Calldata the contract's ABI decoder refuses (e.g. a seal over 4096 bytes); an empty revert."""

    code = "malformed_calldata"


class MalformedBlobOpeningsError(MalformedInputError):
    """The packed openings are not a whole number of 192-byte records."""

    code = "malformed_blob_openings"


class FieldElementOutOfRangeError(MalformedInputError):
    """An opening's z or y is not below the BLS12-381 scalar field order."""

    code = "field_element_out_of_range"


class UnknownProposalError(GameRuleError):
    """No proposal has this ID (or it is the anchor, which cannot be challenged or resolved)."""

    revert = "UnknownProposal"


class AlreadyResolvedError(GameRuleError):
    """The proposal was already accepted."""

    revert = "AlreadyResolved"


class AlreadyFaultedError(GameRuleError):
    """The proposal was already proven faulty."""

    revert = "AlreadyFaulted"


class ProposalPrunedError(GameRuleError):
    """The proposal was eliminated with its faulty ancestor."""

    revert = "ProposalPruned"


class ChallengeWindowClosedError(GameRuleError):
    """The challenge window of the proposal has passed."""

    revert = "ChallengeWindowClosed"


class ChallengeWindowOpenError(GameRuleError):
    """The proposal cannot resolve before its challenge window has passed."""

    revert = "ChallengeWindowOpen"


class AgreedRootMismatchError(GameRuleError):
    """The journal's agreed output root is not the parent proposal's root."""

    revert = "AgreedRootMismatch"


class BlockNumberMismatchError(GameRuleError):
    """The journal's L2 block number is not the proposal's."""

    revert = "BlockNumberMismatch"


class ConfigHashMismatchError(GameRuleError):
    """The journal's rollup-config hash is not the game's."""

    revert = "ConfigHashMismatch"


class L1HeadMismatchError(GameRuleError):
    """The journal's l1_head is not the one the game recorded at proposal time."""

    revert = "L1HeadMismatch"


class BlobBindingMismatchError(GameRuleError):
    """The journal's blob binding is not the hash of the openings' (versioned_hash, z, y)."""

    revert = "BlobBindingMismatch"


class NoFaultError(GameRuleError):
    """The journal's computed output root equals the proposed one: no fault."""

    revert = "NoFault"


class WrongBondError(GameRuleError):
    """A proposal must carry exactly the game's bond."""

    revert = "WrongBond"


class UnknownParentError(GameRuleError):
    """The parent proposal does not exist."""

    revert = "UnknownParent"


class ParentEliminatedError(GameRuleError):
    """The parent proposal was faulted or pruned."""

    revert = "ParentEliminated"


class WrongBlockNumberError(GameRuleError):
    """A proposal's L2 block must be its parent's block + 1."""

    revert = "WrongBlockNumber"


class SiblingResolvedError(GameRuleError):
    """Another child of the parent has already resolved."""

    revert = "SiblingResolved"


class DuplicateProposalError(GameRuleError):
    """A sibling already proposed this output root."""

    revert = "DuplicateProposal"


class ParentNotResolvedError(GameRuleError):
    """A proposal resolves only after its parent has."""

    revert = "ParentNotResolved"


class ParentNotEliminatedError(GameRuleError):
    """Only a child of a faulted or pruned proposal can be pruned."""

    revert = "ParentNotEliminated"


class NothingToWithdrawError(GameRuleError):
    """``withdraw`` by an account with no credited bond."""

    revert = "NothingToWithdraw"


class UnauthorizedError(GameRuleError):
    """A router administration call (add, remove, e-stop) by an account other than the owner."""

    revert = "Unauthorized"


#: Contract error name -> the exception class the mirror raises for it.
REVERT_ERRORS: dict[str, type[VerificationError]] = {
    "MalformedCalldata": MalformedCalldataError,
    "MalformedBlobOpenings": MalformedBlobOpeningsError,
    "FieldElementOutOfRange": FieldElementOutOfRangeError,
    "BlobOpeningInvalid": KzgOpeningError,
    "MalformedSeal": MalformedSealError,
    "SelectorMismatch": SelectorMismatchError,
    "InvalidPoint": InvalidPointError,
    "PublicInputOutOfRange": PublicInputError,
    "VerificationFailed": ProofRejectedError,
    "MockSealMismatch": MockSealRejectedError,
    "SelectorUnknown": UnknownSelectorError,
    "SelectorRemoved": SelectorRemovedError,
    "SelectorInUse": SelectorInUseError,
    "EmergencyStop": EmergencyStopError,
    "DevModeNotAllowed": DevModeNotAllowedError,
}
for _cls in GameRuleError.__subclasses__():
    REVERT_ERRORS[_cls.revert] = _cls

_NAMES = {cls: name for name, cls in REVERT_ERRORS.items()}


def revert_name(exc: BaseException) -> str:
    """The contract error name for a mirror exception (its most specific class in the table).

    A :class:`MalformedInputError` outside the table (e.g. a journal field of the
    wrong size) is calldata the ABI decoder would refuse: ``MalformedCalldata``.
    """
    for cls in type(exc).__mro__:
        name = _NAMES.get(cls)
        if name is not None:
            return name
    if isinstance(exc, MalformedInputError):
        return "MalformedCalldata"
    raise TypeError(f"{type(exc).__name__} is not a dispute-game rejection: {exc}")

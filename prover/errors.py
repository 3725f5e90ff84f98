"""The project's exception types for the prover side.

Every failure a user can cause (bad input file, receipt that does not verify,
guest that panics) surfaces as a :class:`RefuteError` subclass with a message
that says what went wrong and where; anything else is a bug.
"""

from __future__ import annotations


class RefuteError(Exception):
    """Base class of every error refute raises on purpose."""


class InvalidInputError(RefuteError):
    """The input (program, receipt, blob, block, ...) is malformed or invalid."""


class VerificationFailed(RefuteError):
    """A receipt or proof was checked and rejected."""


class EnvironmentUnavailable(RefuteError):
    """A capability needs something this machine lacks (Docker, CUDA, a guest build)."""


class NativeError(RefuteError):
    """The native core reported an internal error (a bug or an environment problem)."""


class NativeArgumentError(NativeError):
    """The native core was called in violation of its ABI contract (a bug in refute)."""

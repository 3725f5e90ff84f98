"""The project's exception types, each with a stable kind and an exit code.

Every failure a user can cause (bad input file, receipt that does not verify,
guest that panics, node that does not answer) surfaces as a
:class:`RefuteError` subclass whose message says what went wrong and where.
Each class carries the machine-readable ``kind`` printed under ``--json`` and
the CLI exit code it maps to, so the mapping lives with the type and the CLI
catches in one place. Anything that is not a :class:`RefuteError` is a bug
(exit 4).
"""

from __future__ import annotations

from typing import Any, ClassVar

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERNAL = 4


class RefuteError(Exception):
    """Base class of every error refute raises on purpose."""

    #: Stable machine-readable name; an instance may narrow it (e.g. ``missing_node``).
    kind: str = "error"
    exit_code: ClassVar[int] = EXIT_INVALID

    def __init__(self, message: str = "", **fields: Any) -> None:
        super().__init__(message)
        self.fields: dict[str, Any] = fields

    def to_json(self) -> dict[str, Any]:
        """The ``error`` object every command prints under ``--json`` (see README, "Errors")."""
        return {"kind": self.kind, "message": str(self), "exit_code": self.exit_code, "fields": dict(self.fields)}


class InvalidInputError(RefuteError):
    """The input (program, receipt, blob, block, ...) is malformed or invalid."""

    kind = "invalid_input"


class UsageError(RefuteError):
    """The arguments contradict each other or name something that does not exist (exit 2)."""

    kind = "usage"
    exit_code = EXIT_USAGE


class VerificationFailed(RefuteError):
    """A receipt or proof was checked and rejected."""

    kind = "verification_failed"


class EnvironmentUnavailable(RefuteError):
    """A capability needs something this machine lacks (Docker, CUDA, a guest build)."""

    kind = "unavailable"
    exit_code = EXIT_UNAVAILABLE


class ServiceUnreachable(EnvironmentUnavailable):
    """A remote service (L1/L2 JSON-RPC, beacon API) did not answer after every retry.

    ``fields``: ``service`` (URL), ``request`` (method or path), ``attempts``.
    """

    kind = "unreachable"


class NativeError(RefuteError):
    """The native core reported an internal error (a bug or an environment problem)."""

    kind = "internal"
    exit_code = EXIT_INTERNAL


class NativeArgumentError(NativeError):
    """The native core was called in violation of its ABI contract (a bug in refute)."""

    kind = "bad_argument"

"""Errors of the benchmark suite (the project's :class:`RefuteError` types)."""

from __future__ import annotations

from refute.prover.errors import InvalidInputError


class BaselineError(InvalidInputError):
    """The baseline or model file is missing, unreadable or not in the expected shape."""

    kind = "bad_baseline"


class CostRegression(InvalidInputError):
    """A cycle count grew beyond the gate's tolerance over the committed baseline."""

    kind = "cost_regression"


class ProfileFormatError(InvalidInputError):
    """A cycle profile that is not the pprof protobuf the reader expects."""

    kind = "invalid_profile"

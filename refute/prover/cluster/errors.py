"""Errors of distributed proving, and the translation of Ray's into the project's types."""

from __future__ import annotations

from refute.prover.errors import EnvironmentUnavailable, RefuteError


class ClusterError(EnvironmentUnavailable):
    """The cluster could not be reached, or lost work it could not recover (exit 3).

    ``fields``: ``cluster`` (the address) and, for a failed task, ``stage``.
    """

    kind = "cluster"


def from_ray(exc: BaseException, *, stage: str) -> RefuteError:
    """The project's error for what a Ray call raised.

    A task that failed with one of the project's errors (bad segment, guest that
    refused its input) re-raises that error; anything else Ray raises (node died
    beyond the retries, object lost) is a :class:`ClusterError` naming the stage.
    """
    import ray.exceptions

    if isinstance(exc, ray.exceptions.RayTaskError):
        cause = exc.cause
        if isinstance(cause, RefuteError):
            return cause
    if isinstance(exc, RefuteError):
        return exc
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ClusterError(f"{stage} failed on the cluster: {type(exc).__name__}: {first_line}", stage=stage)

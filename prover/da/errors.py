"""Data-availability error types.

Why a structured error: a challenger must be able to say *where* published
data stops making sense. Every decoder failure, native or Python, surfaces as a
:class:`DAError` carrying the layer (blob, frame, channel, batch, tx) and the
byte offset inside that layer's input. The native core reports them as
``"<layer> layer, offset <n>: <why>"``; :func:`from_native` parses that back.
"""

from __future__ import annotations

import re

from prover.errors import InvalidInputError, RefuteError

LAYERS = ("blob", "frame", "channel", "batch", "tx")

_NATIVE = re.compile(r"^(blob|frame|channel|batch|tx) layer, offset (\d+): (.*)$", re.DOTALL)


class DAError(InvalidInputError):
    """Published data is malformed: which layer rejected it, at which offset, and why."""

    def __init__(self, layer: str, offset: int, message: str) -> None:
        if layer not in LAYERS:
            raise ValueError(f"unknown DA layer {layer!r}")
        self.layer = layer
        self.offset = offset
        self.message = message
        super().__init__(f"{layer} layer, offset {offset}: {message}")


class MissingDataError(RefuteError):
    """Data that had to be fetched (beacon sidecars, L1 blocks) could not be obtained.

    ``missing`` lists exactly what is absent (e.g. ``"blob sidecar slot=123 index=2"``).
    """

    def __init__(self, missing: list[str], detail: str = "") -> None:
        self.missing = list(missing)
        text = "missing data: " + "; ".join(self.missing)
        if detail:
            text += f" ({detail})"
        super().__init__(text)


def from_native(exc: InvalidInputError) -> InvalidInputError:
    """Turns the native core's INVALID message into a :class:`DAError` when it names a layer."""
    match = _NATIVE.match(str(exc))
    if match is None:
        return exc
    return DAError(match.group(1), int(match.group(2)), match.group(3))

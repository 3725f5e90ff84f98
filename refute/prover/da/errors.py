"""Data-availability error types.

Why a structured error: a challenger must be able to say *where* published
data stops making sense. Every decoder failure, native or Python, surfaces as a
:class:`DAError` carrying the layer (blob, frame, channel, batch, tx) and the
byte offset inside that layer's input. The native core reports them as error
objects of kind ``da`` with the fields ``layer`` and ``offset``.
"""

from __future__ import annotations

from refute.prover.errors import EnvironmentUnavailable, InvalidInputError

LAYERS = ("blob", "frame", "channel", "batch", "tx")


class DAError(InvalidInputError):
    """Published data is malformed: which layer rejected it, at which offset, and why."""

    kind = "da"

    def __init__(self, layer: str, offset: int, message: str) -> None:
        if layer not in LAYERS:
            raise ValueError(f"unknown DA layer {layer!r}")
        self.layer = layer
        self.offset = offset
        self.message = message
        super().__init__(f"{layer} layer, offset {offset}: {message}", layer=layer, offset=offset)


class MissingDataError(EnvironmentUnavailable):
    """Data that had to be fetched (beacon sidecars, L1 blocks) could not be obtained (exit 3).

    ``missing`` lists exactly what is absent (e.g. ``"blob sidecar slot=123 index=2"``).
    """

    kind = "missing_data"

    def __init__(self, missing: list[str], detail: str = "") -> None:
        self.missing = list(missing)
        text = "missing data: " + "; ".join(self.missing)
        if detail:
            text += f" ({detail})"
        super().__init__(text, missing=self.missing)

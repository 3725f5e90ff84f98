"""Error types of stateless block execution.

The native core reports every rejection as ``"<kind>: <reason>"``;
:func:`raise_for` turns it into one of these so callers (and the CLI) can tell
a bad block from a bad witness without parsing text.
"""

from __future__ import annotations

from prover.errors import InvalidInputError


class InvalidBlockError(InvalidInputError):
    """The block is malformed or invalid (bad RLP, signature, nonce, gas, header field)."""


class InvalidWitnessError(InvalidInputError):
    """The witness is malformed or lacks (or, when strict, has extra) nodes, codes or headers."""


class InvalidChainConfigError(InvalidInputError):
    """The chain configuration is unusable."""


_KINDS: dict[str, type[InvalidInputError]] = {
    "invalid_block": InvalidBlockError,
    "invalid_witness": InvalidWitnessError,
    "invalid_config": InvalidChainConfigError,
}


def classify(exc: InvalidInputError) -> InvalidInputError:
    """Maps a core error message ``"<kind>: <reason>"`` to the matching exception."""
    message = str(exc)
    kind, sep, reason = message.partition(": ")
    cls = _KINDS.get(kind) if sep else None
    if cls is None:
        return InvalidBlockError(message)
    return cls(reason)

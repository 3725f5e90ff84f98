"""Error types of stateless block execution.

The native core reports each rejection as an error object whose ``kind`` names
what is wrong (``missing_node``, ``header_mismatch``, ...); :mod:`refute.prover.native`
builds these exceptions from it, so callers (and the CLI) can tell a bad block
from a bad witness, and read the values (trie node hash and path, header field,
transaction index) from ``fields`` without parsing text.
"""

from __future__ import annotations

from refute.prover.errors import InvalidInputError


class InvalidBlockError(InvalidInputError):
    """The block is malformed or invalid (bad RLP, signature, nonce, gas, header field).

    Kinds: ``malformed_block``, ``invalid_header``, ``invalid_transaction``
    (``index``), ``header_mismatch`` (``field``, ``expected``, ``computed``),
    ``system_call`` (``contract``).
    """

    kind = "invalid_block"


class InvalidWitnessError(InvalidInputError):
    """The witness is malformed or lacks (or, when strict, has extra) nodes, codes or headers.

    Kinds: ``malformed_witness``, ``witness``, ``missing_node`` (``what``,
    ``hash``, ``path``), ``invalid_node`` (``what``, ``hash``).
    """

    kind = "invalid_witness"


class InvalidChainConfigError(InvalidInputError):
    """The chain configuration is unusable."""

    kind = "invalid_config"


#: Native error kinds of block execution and the exception type each becomes.
NATIVE_KINDS: dict[str, type[InvalidInputError]] = {
    "malformed_block": InvalidBlockError,
    "invalid_header": InvalidBlockError,
    "invalid_transaction": InvalidBlockError,
    "header_mismatch": InvalidBlockError,
    "system_call": InvalidBlockError,
    "malformed_witness": InvalidWitnessError,
    "witness": InvalidWitnessError,
    "missing_node": InvalidWitnessError,
    "invalid_node": InvalidWitnessError,
    "invalid_config": InvalidChainConfigError,
}

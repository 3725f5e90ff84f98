"""Why the fault program refuses an input (kinds of ``refute-fault``'s ``FaultError``)."""

from __future__ import annotations

from refute.prover.errors import InvalidInputError


class FaultInputRefused(InvalidInputError):
    """The input breaks a statement of the fault program, so no receipt can exist for it.

    ``kind`` names the statement: ``agreed_state``, ``l1_data``, ``blob_binding``,
    ``derivation``, ``window_start`` (the L1 data read starts too late to rule
    out an earlier batch; ``refute fault bundle`` then starts it earlier),
    ``l2_ancestors`` (a span batch for the block starts before the agreed
    block and the input does not reach back to its parent; the fields
    ``oldest`` and ``transactions_through`` say which L2 blocks to add) or
    ``unsupported`` (a derivation step the program refuses rather than derive
    something the rollup node would not).
    """


class NoFault(InvalidInputError):
    """The claimed output root is the correct one: there is nothing to prove."""

    kind = "no_fault"


FAULT_KINDS = (
    "agreed_state",
    "l1_data",
    "blob_binding",
    "derivation",
    "window_start",
    "l2_ancestors",
    "unsupported",
)

"""The only place :mod:`prover.da` calls the native core.

Wraps :func:`prover.native.call` so every INVALID result becomes a
:class:`~prover.da.errors.DAError` with its layer and offset.
"""

from __future__ import annotations

import json
from typing import Any

from prover import native
from prover.errors import InvalidInputError
from prover.da.errors import from_native


def call(function: str, *args: Any) -> bytes:
    """``refute_da_<function>`` -> output bytes; decoder failures raise DAError."""
    try:
        return native.call(f"da_{function}", *args)
    except InvalidInputError as exc:
        raise from_native(exc) from None


def call_json(function: str, *args: Any) -> Any:
    """Like :func:`call` for functions returning JSON."""
    return json.loads(call(function, *args).decode())

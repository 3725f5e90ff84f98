"""The DA functions of the native core (``refute_da_*``)."""

from __future__ import annotations

import json
from typing import Any

from refute.prover import native


def call(function: str, *args: Any) -> bytes:
    """``refute_da_<function>`` -> output bytes; decoder failures raise :class:`~refute.prover.da.errors.DAError`."""
    return native.call(f"da_{function}", *args)


def call_json(function: str, *args: Any) -> Any:
    """Like :func:`call` for functions returning JSON."""
    return json.loads(call(function, *args).decode())

"""The one door to the Rust core (``refute_native``, cffi, built by maturin).

Every exported C function returns a ``RefuteResult {status, data, error}``
(see ``native/src/ffi.rs``). :func:`call` passes ``bytes`` arguments as
``(pointer, length)`` pairs, copies the output out, frees both Rust buffers
exactly once, and turns a non-zero status into the project's exception types.
Nothing else in Python touches cffi.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from prover.errors import EnvironmentUnavailable, InvalidInputError, NativeArgumentError, NativeError

STATUS_OK = 0
STATUS_INVALID = 1
STATUS_INTERNAL = 2
STATUS_BAD_ARGUMENT = 3
STATUS_UNAVAILABLE = 4


@lru_cache(maxsize=1)
def _lib() -> tuple[Any, Any]:
    try:
        from refute_native import ffi, lib  # type: ignore[import-not-found]
    except ImportError as exc:  # pragma: no cover - only without a built package
        raise NativeError(
            "the native core (refute_native) is not built; run `make install` (or `pip install .`)"
        ) from exc
    return ffi, lib


def _expand(ffi: Any, args: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        if isinstance(arg, (bytes, bytearray, memoryview)):
            data = bytes(arg)
            out.append(ffi.from_buffer("uint8_t[]", data) if data else ffi.NULL)
            out.append(len(data))
        else:
            out.append(arg)
    return out


def call(function: str, *args: Any, invalid: type[Exception] = InvalidInputError) -> bytes:
    """Calls ``refute_<function>`` and returns its output bytes.

    ``bytes``/``str`` arguments become ``(ptr, len)``; ints and bools pass as is.
    Status 1 raises ``invalid`` (default :class:`InvalidInputError`) with the
    core's message; status 2 raises :class:`NativeError`; status 3
    :class:`NativeArgumentError`; status 4 :class:`EnvironmentUnavailable`.
    """
    ffi, lib = _lib()
    func = getattr(lib, f"refute_{function}")
    # Keep the expanded cdata alive until the call returns.
    expanded = _expand(ffi, args)
    result = ffi.new("RefuteResult *")
    result[0] = func(*expanded)
    try:
        status = result.status
        data = bytes(ffi.buffer(result.data.ptr, result.data.len)) if result.data.len else b""
        error = bytes(ffi.buffer(result.error.ptr, result.error.len)).decode("utf-8", "replace") if result.error.len else ""
    finally:
        lib.refute_result_free(result)
    if status == STATUS_OK:
        return data
    if status == STATUS_INVALID:
        raise invalid(error)
    if status == STATUS_BAD_ARGUMENT:
        raise NativeArgumentError(error)
    if status == STATUS_UNAVAILABLE:
        raise EnvironmentUnavailable(error)
    raise NativeError(error or f"native call refute_{function} failed with status {status}")


def call_json(function: str, *args: Any, invalid: type[Exception] = InvalidInputError) -> Any:
    """Like :func:`call` for functions whose output is UTF-8 JSON."""
    return json.loads(call(function, *args, invalid=invalid).decode())

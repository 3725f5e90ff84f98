"""The one door to the Rust core (``refute._native``, cffi, built by maturin).

Every exported C function returns a ``RefuteResult {status, data, error}``
(see ``native/src/ffi.rs``). :func:`call` passes ``bytes`` arguments as
``(pointer, length)`` pairs, copies the output out, frees both Rust buffers
exactly once, and turns a failure into the project's exception types. A
failure carries a versioned error object ``{"version", "kind", "message",
"fields"}``; :func:`error_from_native` maps its ``kind`` through one table
(:data:`NATIVE_ERROR_KINDS`) to an exception that keeps the fields. Nothing
else in Python touches cffi or parses the core's messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from refute.prover.errors import (
    EnvironmentUnavailable,
    InvalidInputError,
    NativeArgumentError,
    NativeError,
    RefuteError,
    VerificationFailed,
)

STATUS_OK = 0
STATUS_INVALID = 1
STATUS_INTERNAL = 2
STATUS_BAD_ARGUMENT = 3
STATUS_UNAVAILABLE = 4


@lru_cache(maxsize=1)
def _lib() -> tuple[Any, Any]:
    try:
        from refute._native import ffi, lib
    except ImportError as exc:  # pragma: no cover - only without a built package
        raise NativeError(
            "the native core (refute._native) is not built; run `make install` (or `pip install .`)"
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


ERROR_FORMAT_VERSION = 1

ErrorFactory = Callable[[str, dict[str, Any]], RefuteError]


def _plain(cls: type[RefuteError]) -> ErrorFactory:
    return lambda message, fields: cls(message, **fields)


def _da_error(message: str, fields: dict[str, Any]) -> RefuteError:
    from refute.prover.da.errors import LAYERS, DAError

    layer, offset = fields.get("layer"), fields.get("offset")
    if layer not in LAYERS or not isinstance(offset, int):
        return NativeError(f"malformed da error object (layer={layer!r}, offset={offset!r}): {message}")
    prefix = f"{layer} layer, offset {offset}: "
    return DAError(layer, offset, message.removeprefix(prefix))


@lru_cache(maxsize=1)
def native_error_kinds() -> dict[str, ErrorFactory]:
    """Every error kind the core reports (``native/src/errors.rs``) and what it becomes."""
    from refute.prover.execute.errors import NATIVE_KINDS
    from refute.prover.fault.errors import FAULT_KINDS, FaultInputRefused

    kinds: dict[str, ErrorFactory] = {
        "invalid_input": _plain(InvalidInputError),
        "invalid_program": _plain(InvalidInputError),
        "guest_failed": _plain(InvalidInputError),
        "verification_failed": _plain(VerificationFailed),
        "da": _da_error,
        "unavailable": _plain(EnvironmentUnavailable),
        "bad_argument": _plain(NativeArgumentError),
        "internal": _plain(NativeError),
        "panic": _plain(NativeError),
    }
    kinds.update({kind: _plain(cls) for kind, cls in NATIVE_KINDS.items()})
    kinds.update({kind: _plain(FaultInputRefused) for kind in FAULT_KINDS})
    return kinds


def error_from_native(function: str, status: int, error: bytes) -> RefuteError:
    """The exception for a failed call: by ``kind``; an unknown kind or shape is an internal error."""
    try:
        obj = json.loads(error.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return NativeError(f"refute_{function} failed (status {status}) with an unreadable error: {error[:200]!r}")
    if not isinstance(obj, dict) or obj.get("version") != ERROR_FORMAT_VERSION:
        return NativeError(
            f"refute_{function} failed (status {status}) with an error object of unknown format: {obj!r}"
        )
    kind, message, fields = obj.get("kind"), str(obj.get("message", "")), obj.get("fields") or {}
    factory = native_error_kinds().get(kind) if isinstance(kind, str) else None
    if not isinstance(kind, str) or factory is None or not isinstance(fields, dict):
        return NativeError(f"refute_{function} failed with unknown error kind {kind!r}: {message}")
    exc = factory(message, fields)
    exc.kind = kind
    return exc


def call(function: str, *args: Any) -> bytes:
    """Calls ``refute_<function>`` and returns its output bytes.

    ``bytes``/``str`` arguments become ``(ptr, len)``; ints and bools pass as is.
    A failure raises the exception :func:`error_from_native` builds.
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
        error = bytes(ffi.buffer(result.error.ptr, result.error.len)) if result.error.len else b""
    finally:
        lib.refute_result_free(result)
    if status == STATUS_OK:
        return data
    raise error_from_native(function, status, error)


def call_json(function: str, *args: Any) -> Any:
    """Like :func:`call` for functions whose output is UTF-8 JSON."""
    return json.loads(call(function, *args).decode())

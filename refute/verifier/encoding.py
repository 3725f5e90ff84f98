"""Input coercion helpers: every malformed input becomes a MalformedInputError."""

from __future__ import annotations

import os

from refute import hexutil
from refute.hexutil import to_hex

from .errors import MalformedInputError

__all__ = ["as_bytes", "as_digest", "parse_hex", "parse_hex_or_file", "to_hex"]


def as_bytes(value: object, what: str) -> bytes:
    """Return ``value`` as ``bytes`` if it is bytes-like, else raise."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise MalformedInputError(
        f"{what}: expected bytes, got {type(value).__name__}"
        + (" (use verifier.parse_hex_or_file for hex text)" if isinstance(value, str) else "")
    )


def as_digest(value: object, what: str) -> bytes:
    """Return ``value`` as exactly 32 bytes, else raise."""
    b = as_bytes(value, what)
    if len(b) != 32:
        raise MalformedInputError(f"{what}: expected 32 bytes, got {len(b)}")
    return b


def parse_hex(text: object, what: str = "value") -> bytes:
    """Decode hex text, with or without a ``0x`` prefix; surrounding whitespace is ignored."""
    try:
        return hexutil.parse_hex(text, what)
    except hexutil.HexError as exc:
        raise MalformedInputError(str(exc)) from None


def _read_file(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:  # missing file, directory, permission, ...
        raise MalformedInputError(f"{what}: cannot read file {path!r}: {exc.strerror or exc}") from None


def _file_content(data: bytes, what: str) -> bytes:
    """A file holds hex text iff, stripped of surrounding whitespace, it starts with
    ``0x`` and the rest is hex; anything else is taken as raw bytes."""
    digits = hexutil.hex_digits(data, require_prefix=True)
    return data if digits is None else parse_hex(digits, what)


def parse_hex_or_file(arg: object, what: str = "argument") -> bytes:
    """Decode a CLI argument into bytes.

    * ``@PATH`` reads the file PATH: if its content (ignoring surrounding
      whitespace) is ``0x`` followed by hex digits it is hex-decoded, otherwise
      the file's raw bytes are used as they are.
    * anything else is hex, with or without ``0x`` (``""``/``"0x"`` is empty).

    Raises MalformedInputError naming ``what`` on any problem.
    """
    if isinstance(arg, os.PathLike):
        return _file_content(_read_file(os.fspath(arg), what), what)
    if not isinstance(arg, str):
        raise MalformedInputError(f"{what}: expected hex text or @FILE, got {type(arg).__name__}")
    if arg.startswith("@"):
        path = arg[1:]
        if not path:
            raise MalformedInputError(f"{what}: '@' must be followed by a file path")
        return _file_content(_read_file(path, what), what)
    return parse_hex(arg, what)

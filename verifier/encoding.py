"""Input coercion helpers: every malformed input becomes a MalformedInputError."""

from __future__ import annotations

import os
import string

from .errors import MalformedInputError

__all__ = ["as_bytes", "as_digest", "parse_hex", "parse_hex_or_file", "to_hex"]

_HEXDIGITS = frozenset(string.hexdigits)


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
    if not isinstance(text, str):
        raise MalformedInputError(f"{what}: expected hex text, got {type(text).__name__}")
    s = text.strip()
    if s[:2] in ("0x", "0X"):
        s = s[2:]
    for i, ch in enumerate(s):
        if ch not in _HEXDIGITS:
            raise MalformedInputError(f"{what}: invalid hex character {ch!r} at position {i}")
    if len(s) % 2:
        raise MalformedInputError(f"{what}: hex has an odd number of digits ({len(s)})")
    return bytes.fromhex(s)


def _read_file(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:  # missing file, directory, permission, ...
        raise MalformedInputError(f"{what}: cannot read file {path!r}: {exc.strerror or exc}") from None


def _file_content(data: bytes, what: str) -> bytes:
    """A file holds hex text iff, stripped of surrounding whitespace, it starts with
    ``0x`` and the rest is hex; anything else is taken as raw bytes."""
    stripped = data.strip()
    if stripped[:2] in (b"0x", b"0X"):
        try:
            text = stripped.decode("ascii")
        except UnicodeDecodeError:
            return data
        body = text[2:]
        if all(ch in _HEXDIGITS for ch in body):
            return parse_hex(text, what)
    return data


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


def to_hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()

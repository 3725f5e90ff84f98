"""Hex text and bytes, one way for the whole package.

Both the prover and the pure-Python verifier read hex (CLI arguments, artifact
fields, RPC answers, hex dumps of blobs), so this module imports nothing but the
standard library. A malformed value raises :class:`HexError` naming what was
parsed and what is wrong with it; each caller turns that into its own error type
(the verifier's ``MalformedInputError``, the prover's ``InvalidInputError`` or
``DAError``) without changing the message.
"""

from __future__ import annotations

import re

__all__ = ["HexError", "hex_digits", "parse_hex", "to_hex"]

_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_TEXT = re.compile(rb"[0-9a-fA-F]*")


class HexError(ValueError):
    """Text that should be hex is not: ``str(err)`` says what was parsed and why it was refused."""


def parse_hex(text: object, what: str = "value") -> bytes:
    """Decodes hex text, with or without a ``0x``/``0X`` prefix; surrounding whitespace is ignored.

    ``""`` and ``"0x"`` are the empty string. Anything else that is not an even
    number of hex digits raises :class:`HexError` naming ``what``.
    """
    if not isinstance(text, str):
        raise HexError(f"{what}: expected hex text, got {type(text).__name__}")
    s = text.strip()
    if s[:2] in ("0x", "0X"):
        s = s[2:]
    try:
        out = bytes.fromhex(s)
    except ValueError:
        out = None
    # fromhex also skips whitespace between bytes: the length check refuses that.
    if out is not None and 2 * len(out) == len(s):
        return out
    for at, ch in enumerate(s):
        if ch not in _DIGITS:
            raise HexError(f"{what}: invalid hex character {ch!r} at position {at}")
    raise HexError(f"{what}: hex has an odd number of digits ({len(s)})")


def hex_digits(data: bytes, *, require_prefix: bool = False) -> str | None:
    """The hex digits ``data`` spells when it is hex text, else None.

    Hex text is ASCII hex digits with surrounding whitespace, after a ``0x``
    prefix that is optional unless ``require_prefix``. Used to tell a hex dump
    from raw bytes in a file; the digits still go through :func:`parse_hex`,
    which refuses an odd count.
    """
    s = data.strip()
    if s[:2] in (b"0x", b"0X"):
        s = s[2:]
    elif require_prefix or not s:
        return None
    if _HEX_TEXT.fullmatch(s) is None:
        return None
    return s.decode("ascii")


def to_hex(data: bytes | bytearray | memoryview) -> str:
    """``0x`` followed by lowercase hex digits."""
    return "0x" + bytes(data).hex()

"""refute.hexutil: the hex parsing shared by the prover and the pure-Python verifier."""

from __future__ import annotations

import pytest

from refute.hexutil import HexError, hex_digits, parse_hex, to_hex
from refute.verifier import MalformedInputError
from refute.verifier import parse_hex as verifier_parse_hex


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0xdeadBEEF", b"\xde\xad\xbe\xef"),
        ("deadbeef", b"\xde\xad\xbe\xef"),
        ("  0X00ff\n", b"\x00\xff"),
        ("", b""),
        ("0x", b""),
    ],
)
def test_parse_hex(text: str, expected: bytes) -> None:
    assert parse_hex(text) == expected


@pytest.mark.parametrize(
    "value,match",
    [
        ("0xzz", "field: invalid hex character 'z' at position 0"),
        ("abc", "field: hex has an odd number of digits \\(3\\)"),
        ("ab cd", "invalid hex character ' ' at position 2"),
        ("0x0x", "invalid hex character 'x' at position 1"),
        (b"\x00", "field: expected hex text, got bytes"),
        (None, "expected hex text, got NoneType"),
    ],
)
def test_parse_hex_errors_name_the_field(value: object, match: str) -> None:
    with pytest.raises(HexError, match=match) as e:
        parse_hex(value, "field")
    assert isinstance(e.value, ValueError)
    # The verifier raises its own type with the same message.
    with pytest.raises(MalformedInputError) as v:
        verifier_parse_hex(value, "field")
    assert str(v.value) == str(e.value)


def test_hex_digits() -> None:
    assert hex_digits(b" 0xab\n") == "ab" and hex_digits(b"abcd") == "abcd"
    assert hex_digits(b"abcd", require_prefix=True) is None and hex_digits(b"0xabcd", require_prefix=True) == "abcd"
    assert hex_digits(b"0x") == "" and hex_digits(b"") is None and hex_digits(b"  ") is None
    assert hex_digits(b"\x00\x01") is None and hex_digits(b"0xnothex") is None and hex_digits("0xé".encode()) is None
    assert hex_digits(b"abc") == "abc"  # an odd count is still hex text: parse_hex refuses it


def test_to_hex() -> None:
    assert to_hex(b"\x00\xff") == "0x00ff" and to_hex(bytearray(b"\x01")) == "0x01" and to_hex(b"") == "0x"

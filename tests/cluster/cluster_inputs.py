"""Inputs shared by the cluster tests: the `digest` guest on an input that spans several segments."""

from __future__ import annotations

import hashlib

#: Segment size of the tests: small, so real proving of each segment takes seconds.
TEST_PO2 = 16
#: Enough input for three segments of 2**16 cycles with the digest guest.
MULTI_SEGMENT_INPUT = bytes(range(256)) * 32


def expected_journal(data: bytes) -> bytes:
    """The digest guest's journal: SHA-256 of the input, then its length (u64 little endian)."""
    return hashlib.sha256(data).digest() + len(data).to_bytes(8, "little")


#: Enough input for exactly two segments (2**16 and 2**15 cycles).
TWO_SEGMENT_INPUT = bytes(range(256)) * 16

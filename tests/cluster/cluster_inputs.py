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


def expected_keccak_journal(data: bytes) -> bytes:
    """The keccak guest's journal: Keccak-256 of the input, then its length (u64 little endian)."""
    from eth_hash.auto import keccak

    return keccak(data) + len(data).to_bytes(8, "little")


#: Keccak request size of the tests: the smallest RISC Zero accepts (81 permutations per request).
TEST_KECCAK_PO2 = 14
#: Input for the keccak guest that needs three keccak requests of 2**14 cycles (200 permutations of 136 bytes).
THREE_REQUEST_INPUT = bytes(range(256)) * 106
#: Input for the keccak guest that needs exactly two keccak requests of 2**14 cycles (83 permutations)
#: and fits one segment of 2**18 cycles: the cheapest real proof with a keccak union.
TWO_REQUEST_INPUT = bytes(range(256)) * 43 + bytes(range(144))
#: Segment size for TWO_REQUEST_INPUT: one segment (smaller segments multiply the fixed per-segment costs).
KECCAK_SEGMENT_PO2 = 18

"""Blob codecs: the OP Stack blob encoding (version 0) and EigenDA's payload encoding.

Both are implemented once in Rust (``refute-da``), shared with the zkVM guest;
these functions only move bytes across the FFI.
"""

from __future__ import annotations

from refute.prover.da import _native
from refute.prover.da.errors import DAError

#: Bytes in an EIP-4844 blob.
BLOB_SIZE = 131_072
#: Largest payload an OP v0 blob carries.
MAX_BLOB_DATA_SIZE = (4 * 31 + 3) * 1024 - 4


def op_encode(payload: bytes) -> bytes:
    """Payload (<= 130044 bytes) -> 131072-byte blob in the OP v0 encoding."""
    return _native.call("blob_encode", bytes(payload))


def op_decode(blob: bytes) -> bytes:
    """OP v0 blob -> payload; any non-canonical blob raises :class:`DAError` (layer ``blob``)."""
    return _native.call("blob_decode", bytes(blob))


def eigenda_encode(payload: bytes) -> bytes:
    """Payload -> EigenDA blob (32-byte header, 0x00 per 31 bytes, power-of-two symbols)."""
    return _native.call("eigenda_encode", bytes(payload))


def eigenda_decode(blob: bytes) -> bytes:
    """EigenDA blob -> payload, strict (every padding byte must be zero)."""
    return _native.call("eigenda_decode", bytes(blob))


def encode(payload: bytes, *, eigenda: bool = False) -> bytes:
    """The codec the CLI's ``--eigenda`` flag selects."""
    return eigenda_encode(payload) if eigenda else op_encode(payload)


def decode(blob: bytes, *, eigenda: bool = False) -> bytes:
    """The codec the CLI's ``--eigenda`` flag selects."""
    return eigenda_decode(blob) if eigenda else op_decode(blob)


__all__ = [
    "BLOB_SIZE",
    "MAX_BLOB_DATA_SIZE",
    "DAError",
    "decode",
    "eigenda_decode",
    "eigenda_encode",
    "encode",
    "op_decode",
    "op_encode",
]

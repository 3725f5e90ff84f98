"""OP Stack derivation layers, one call each: frames, decompression, batches.

These wrap the Rust decoders one layer at a time (for inspection, tests and
tools); :mod:`refute.prover.da.reconstruct` runs the whole pipeline in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refute.hexutil import parse_hex
from refute.prover.da import _native

#: op-node ``MaxRLPBytesPerChannel`` before / after Fjord: the decompression cap.
MAX_RLP_BYTES_BEDROCK = 10_000_000
MAX_RLP_BYTES_FJORD = 100_000_000


@dataclass(frozen=True)
class Frame:
    """One frame of a channel."""

    channel_id: bytes
    number: int
    data: bytes
    is_last: bool


def parse_frames(batcher_data: bytes) -> list[Frame]:
    """Batcher transaction payload (version byte 0 + frames) -> frames; bad input raises DAError(frame)."""
    return [
        Frame(parse_hex(f["channel_id"], "channel_id"), f["number"], parse_hex(f["data"], "frame data"), f["is_last"])
        for f in _native.call_json("parse_frames", bytes(batcher_data))
    ]


@dataclass(frozen=True)
class Decompressed:
    """Decompressed channel bytes and how the stream ended."""

    algorithm: str
    data: bytes
    status: str

    @property
    def complete(self) -> bool:
        return self.status == "complete"


def decompress(channel: bytes, *, max_output: int = MAX_RLP_BYTES_FJORD, fjord: bool = True) -> Decompressed:
    """zlib or (Fjord) brotli channel -> bytes, never more than ``max_output``."""
    out = _native.call_json("decompress", bytes(channel), int(max_output), bool(fjord))
    return Decompressed(out["algorithm"], parse_hex(out["data"], "decompressed data"), out["status"])


def read_batches(data: bytes, *, complete: bool = True, delta: bool = True) -> dict[str, Any]:
    """Decompressed channel -> ``{"batches": [...], "tail": None | reason}``."""
    return _native.call_json("read_batches", bytes(data), bool(complete), bool(delta))


def decode_span_batch(content: bytes) -> dict[str, Any]:
    """Span batch content (after the 0x01 type byte) -> its fields."""
    return _native.call_json("decode_span_batch", bytes(content))


def reencode_span_batch(content: bytes) -> bytes:
    """Decode then encode a span batch: equal to the input for every valid span batch."""
    return _native.call("span_batch_reencode", bytes(content))


def reencode_batches(data: bytes, *, delta: bool = True) -> bytes:
    """Decode then encode every batch of a decompressed channel."""
    return _native.call("batches_reencode", bytes(data), bool(delta))

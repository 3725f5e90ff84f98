"""Builds the binary request the native pipeline and the zkVM guest both read.

The layout is defined in ``native/crates/refute-da/src/wire.rs``; keeping the
encoder here small and byte-for-byte documented lets tests and the guest
conformance check send the *same* bytes to both.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from prover.da.config import RollupConfig

MAGIC = b"RDA1"
KIND_BATCHER_DATA = 0
KIND_OP_BLOB = 1


@dataclass(frozen=True)
class PipelineInput:
    """One piece of published data and the L1 block that included it."""

    l1_block: int
    kind: int
    data: bytes
    #: Where it came from (file path, tx hash, sidecar), for reports.
    source: str = ""


def encode_request(config: RollupConfig, inputs: list[PipelineInput]) -> bytes:
    flags = (1 if config.canyon else 0) | (2 if config.holocene else 0) | (4 if config.fjord else 0) | (8 if config.delta else 0)
    out = bytearray(MAGIC)
    out += struct.pack(
        ">QQQQQBI",
        config.chain_id,
        config.l2_genesis_time,
        config.block_time,
        config.channel_timeout,
        config.max_rlp_bytes,
        flags,
        len(inputs),
    )
    for item in inputs:
        out += struct.pack(">QBI", item.l1_block, item.kind, len(item.data))
        out += item.data
    return bytes(out)

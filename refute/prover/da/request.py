"""Builds the binary request the native pipeline and the zkVM guest both read.

The layout is defined in ``native/crates/refute-da/src/wire.rs``; keeping the
encoder here small and byte-for-byte documented lets tests and the guest
conformance check send the *same* bytes to both. The request carries the fork
schedule and the time its rules are evaluated at, not the rules themselves.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from refute.prover.da.config import RollupConfig

MAGIC = b"RDA2"
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


def encode_request(config: RollupConfig, inputs: list[PipelineInput], *, rules_time: int | None = None) -> bytes:
    """``"RDA2" chain_id l2_genesis_time block_time channel_timeout rules_time`` (u64 each),
    ``forks_len`` (u32) and the schedule's RLP, ``count`` (u32), then per input
    ``l1_block`` (u64), ``kind`` (u8), ``len`` (u32), data. ``rules_time`` defaults
    to :meth:`RollupConfig.rules_time`."""
    forks = config.forks.rlp()
    out = bytearray(MAGIC)
    out += struct.pack(
        ">QQQQQI",
        config.chain_id,
        config.l2_genesis_time,
        config.block_time,
        config.channel_timeout_bedrock,
        config.rules_time() if rules_time is None else rules_time,
        len(forks),
    )
    out += forks
    out += struct.pack(">I", len(inputs))
    for item in inputs:
        out += struct.pack(">QBI", item.l1_block, item.kind, len(item.data))
        out += item.data
    return bytes(out)

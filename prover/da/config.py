"""Rollup parameters the DA pipeline needs, with presets for known chains.

Why explicit flags instead of fork timestamps: which derivation rules applied
to a piece of data is a property of when it was published; the caller (or a
preset) states it, and the same flags go into the zkVM guest's request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RollupConfig:
    """What reconstruction depends on."""

    name: str
    chain_id: int
    l2_genesis_time: int
    block_time: int
    #: Channel timeout in L1 blocks (300 before Granite, 50 after).
    channel_timeout: int = 50
    canyon: bool = True
    delta: bool = True
    fjord: bool = True
    holocene: bool = True
    batch_inbox: str = ""
    batcher: str = ""

    @property
    def max_rlp_bytes(self) -> int:
        return 100_000_000 if self.fjord else 10_000_000

    def with_(self, **changes: object) -> "RollupConfig":
        return replace(self, **changes)  # type: ignore[arg-type]


PRESETS: dict[str, RollupConfig] = {
    # All forks through Holocene active (current mainnet rules).
    "op-mainnet": RollupConfig(
        "op-mainnet", 10, 1_686_068_903, 2,
        batch_inbox="0xff00000000000000000000000000000000000010",
        batcher="0x6887246668a3b87f54deb3b94ba47a6f63f32985",
    ),
    # OP Mainnet as derived in 2023 (Bedrock/Regolith: no span batches, zlib only).
    "op-mainnet-bedrock": RollupConfig(
        "op-mainnet-bedrock", 10, 1_686_068_903, 2, channel_timeout=300,
        canyon=False, delta=False, fjord=False, holocene=False,
        batch_inbox="0xff00000000000000000000000000000000000010",
        batcher="0x6887246668a3b87f54deb3b94ba47a6f63f32985",
    ),
    "unichain-mainnet": RollupConfig(
        "unichain-mainnet", 130, 1_730_748_359, 1,
        batch_inbox="0xff00000000000000000000000000000000000130",
        batcher="0x2f60a5184c63ca94f82a27100643dbabe4f3f7fd",
    ),
}


def preset(name: str) -> RollupConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown rollup preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None

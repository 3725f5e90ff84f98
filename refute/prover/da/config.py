"""Rollup parameters the DA pipeline needs, with presets for known chains.

Which derivation rules apply to a piece of data (span batches, brotli,
Holocene's strict frame order, the channel timeout) follows from the chain's
fork schedule and the time the data was published. A config therefore holds
the schedule and that time (``at``); the zkVM guest's request carries both and
the Rust pipeline evaluates the rules, so host and guest cannot disagree. Fork
times of the presets come from the native core's named-chain table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from refute.prover.da.derivation import MAX_RLP_BYTES_BEDROCK, MAX_RLP_BYTES_FJORD
from refute.prover.forks import OpForkSchedule, named_op_schedule

#: op-node ``ChannelTimeoutGranite``: the channel timeout from Granite on (L1 blocks).
CHANNEL_TIMEOUT_GRANITE = 50

#: Forks that may be switched on or off with a boolean in :meth:`RollupConfig.with_`.
_RULE_FORKS = ("canyon", "delta", "fjord", "granite", "holocene")


@dataclass(frozen=True)
class RollupConfig:
    """What reconstruction depends on."""

    name: str
    chain_id: int
    l2_genesis_time: int
    block_time: int
    forks: OpForkSchedule = field(default_factory=OpForkSchedule)
    #: When the data was published (unix seconds): the derivation rules are the
    #: schedule's at this time. ``None``: the first L1 block's timestamp when the
    #: data is fetched over RPC, otherwise the current time.
    at: int | None = None
    #: Channel timeout before Granite (L1 blocks; op-node's ``channel_timeout``).
    channel_timeout_bedrock: int = 300
    batch_inbox: str = ""
    batcher: str = ""

    def rules_time(self, fallback: int | None = None) -> int:
        """The time the rules are evaluated at: ``at``, else ``fallback``, else now."""
        if self.at is not None:
            return self.at
        return fallback if fallback is not None else int(time.time())

    def is_active(self, fork: str) -> bool:
        """Whether ``fork`` is active at :meth:`rules_time`."""
        return self.forks.is_active(fork, self.rules_time())

    @property
    def canyon(self) -> bool:
        return self.is_active("canyon")

    @property
    def delta(self) -> bool:
        return self.is_active("delta")

    @property
    def fjord(self) -> bool:
        return self.is_active("fjord")

    @property
    def holocene(self) -> bool:
        return self.is_active("holocene")

    @property
    def channel_timeout(self) -> int:
        """The channel timeout in force (L1 blocks)."""
        return CHANNEL_TIMEOUT_GRANITE if self.is_active("granite") else self.channel_timeout_bedrock

    @property
    def max_rlp_bytes(self) -> int:
        return MAX_RLP_BYTES_FJORD if self.fjord else MAX_RLP_BYTES_BEDROCK

    def with_(self, **changes: object) -> RollupConfig:
        """A copy with fields replaced. ``canyon``/``delta``/``fjord``/``granite``/``holocene``
        take a boolean: ``True`` schedules the fork from genesis, ``False`` never;
        ``channel_timeout`` sets the pre-Granite timeout."""
        fork_changes = {k: (0 if changes.pop(k) else None) for k in _RULE_FORKS if k in changes}
        if fork_changes:
            changes["forks"] = self.forks.with_(**fork_changes)
        if "channel_timeout" in changes:
            changes["channel_timeout_bedrock"] = changes.pop("channel_timeout")
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Preset:
    """A preset's rollup-config values; its chain ID and fork times are the native core's."""

    l2_genesis_time: int
    block_time: int
    batch_inbox: str
    batcher: str
    channel_timeout_bedrock: int = 300


_PRESETS: dict[str, _Preset] = {
    "op-mainnet": _Preset(
        1_686_068_903,
        2,
        batch_inbox="0xff00000000000000000000000000000000000010",
        batcher="0x6887246668a3b87f54deb3b94ba47a6f63f32985",
    ),
    "unichain-mainnet": _Preset(
        1_730_748_359,
        1,
        batch_inbox="0xff00000000000000000000000000000000000130",
        batcher="0x2f60a5184c63ca94f82a27100643dbabe4f3f7fd",
    ),
}

PRESET_NAMES: tuple[str, ...] = tuple(sorted(_PRESETS))


def preset(name: str, *, at: int | None = None) -> RollupConfig:
    """A shipped rollup (``op-mainnet``, ``unichain-mainnet``) with its fork schedule,
    rules evaluated at ``at`` (see :attr:`RollupConfig.at`)."""
    try:
        p = _PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown rollup preset {name!r}; known: {', '.join(PRESET_NAMES)}") from None
    chain_id, forks = named_op_schedule(name)
    return RollupConfig(
        name,
        chain_id,
        p.l2_genesis_time,
        p.block_time,
        forks=forks,
        at=at,
        channel_timeout_bedrock=p.channel_timeout_bedrock,
        batch_inbox=p.batch_inbox,
        batcher=p.batcher,
    )

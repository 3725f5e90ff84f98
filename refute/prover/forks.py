"""Fork schedules: when each hardfork of a chain activates (unix seconds, ``None`` = never).

The Python side of the Rust crate ``refute-forks``, which block execution and
derivation share. Shipped chains' schedules are read from the native core's
named-chain table (:func:`named_op_schedule`), so every activation time exists
once, in Rust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any

import rlp

#: OP Stack forks after Bedrock, in activation order (op-node's ``<name>_time`` keys).
#: Delta changes derivation only (span batches).
OP_FORKS: tuple[str, ...] = (
    "regolith",
    "canyon",
    "delta",
    "ecotone",
    "fjord",
    "granite",
    "holocene",
    "isthmus",
    "jovian",
    "karst",
)


@dataclass(frozen=True)
class OpForkSchedule:
    """Activation time of each OP Stack fork; Bedrock is active from genesis."""

    regolith: int | None = None
    canyon: int | None = None
    delta: int | None = None
    ecotone: int | None = None
    fjord: int | None = None
    granite: int | None = None
    holocene: int | None = None
    isthmus: int | None = None
    jovian: int | None = None
    karst: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            t = getattr(self, f.name)
            if t is not None and (isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < 2**64):
                raise ValueError(f"{f.name}: activation time must be a u64 or None, not {t!r}")

    def times(self) -> tuple[int | None, ...]:
        """The times in :data:`OP_FORKS` order."""
        return tuple(getattr(self, name) for name in OP_FORKS)

    def activation(self, fork: str) -> int | None:
        """When ``fork`` activates (0 for Bedrock)."""
        if fork == "bedrock":
            return 0
        if fork not in OP_FORKS:
            raise ValueError(f"unknown OP fork {fork!r}; known: bedrock, {', '.join(OP_FORKS)}")
        return getattr(self, fork)

    def is_active(self, fork: str, timestamp: int) -> bool:
        """Whether ``fork`` is active at ``timestamp``."""
        t = self.activation(fork)
        return t is not None and timestamp >= t

    def fork_at(self, timestamp: int) -> str:
        """The newest fork with execution rules active at ``timestamp`` (Delta is skipped)."""
        for name in reversed(OP_FORKS):
            if name != "delta" and self.is_active(name, timestamp):
                return name
        return "bedrock"

    def with_(self, **times: int | None) -> OpForkSchedule:
        """A copy with some activation times replaced (``None`` = never)."""
        for name in times:
            self.activation(name)
        return replace(self, **times)

    def to_json(self) -> dict[str, int | None]:
        """``{"<fork>_time": t}``, the keys of op-node's rollup config and refute's chain JSON."""
        return {f"{name}_time": t for name, t in zip(OP_FORKS, self.times(), strict=True)}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> OpForkSchedule:
        """Reads ``<fork>_time`` keys (missing or ``null`` = never), at the top level or
        under ``hardforks``, like op-node's rollup config."""
        hardforks = value.get("hardforks")
        nested: Mapping[str, Any] = hardforks if isinstance(hardforks, Mapping) else {}
        times = {}
        for name in OP_FORKS:
            key = f"{name}_time"
            times[name] = value.get(key, nested.get(key))
        return cls(**times)

    def rlp(self) -> bytes:
        """The RLP form ``refute-forks`` decodes: one item per fork, the time or ``[]`` for never."""
        return rlp.encode([[] if t is None else t for t in self.times()])


def parse_fork_time(text: str) -> tuple[str, int | None]:
    """``NAME=TIMESTAMP`` or ``NAME=never`` (the ``--fork-time`` option)."""
    name, sep, value = text.partition("=")
    name = name.strip().lower()
    if not sep or name not in OP_FORKS:
        raise ValueError(f"expected FORK=TIMESTAMP or FORK=never with FORK one of {', '.join(OP_FORKS)}: {text!r}")
    value = value.strip().lower()
    if value == "never":
        return name, None
    try:
        t = int(value, 0)
    except ValueError:
        raise ValueError(f"{name}: not a timestamp: {value!r}") from None
    if not 0 <= t < 2**64:
        raise ValueError(f"{name}: timestamp out of range: {t}")
    return name, t


@cache
def named_op_schedule(name: str) -> tuple[int, OpForkSchedule]:
    """(chain id, schedule) of a shipped OP chain from the native core's table; an
    unknown or non-OP chain raises :class:`~refute.prover.execute.errors.InvalidChainConfigError`."""
    from refute.prover.execute.api import _call_json, chain_bytes
    from refute.prover.execute.errors import InvalidChainConfigError

    spec = _call_json("stf_chain_spec", chain_bytes(name))
    if spec.get("type") != "op":
        raise InvalidChainConfigError(f"chain {name!r} is not an OP Stack chain")
    return int(spec["chain_id"]), OpForkSchedule.from_json(spec)

"""The dispute game's state as plain data: what ``FaultDisputeGame`` and its router store.

Why separate from the rules (``verifier.dispute``): a watcher builds this
state from chain reads (or from events), and the conformance harness compares
it field by field with what the contract stores after each call. Everything
here is a value; the rules return a new :class:`GameState` and never mutate
the one they were given.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .deployment import Deployment
from .encoding import as_digest
from .errors import MalformedInputError
from .mock import MOCK_SELECTOR
from .params import ParameterSet
from .router import Router

__all__ = ["FAULTED", "PENDING", "PRUNED", "RESOLVED", "GameState", "Proposal", "RouterState"]

PENDING = 1
RESOLVED = 2
FAULTED = 3
PRUNED = 4
STATUS_NAMES = {PENDING: "pending", RESOLVED: "resolved", FAULTED: "faulted", PRUNED: "pruned"}
ZERO_ADDRESS = bytes(20)


@dataclass(frozen=True)
class RouterState:
    """A ``RiscZeroVerifierRouter``: registered Groth16 parameter sets, tombstones, e-stop, dev mode
    (dev mode means the mock verifier is registered at ``0xFFFFFFFF``).

    It is the state of the router the game was deployed with (``refute l1 deploy``
    registers every embedded set: the ``all-releases`` deployment), never the
    verifier's default deployment (RISC Zero's mainnet router)."""

    registered: tuple[ParameterSet, ...]
    removed: frozenset[bytes] = frozenset()
    estop: bool = False
    dev_mode: bool = False

    def router(self) -> Router:
        """The pure-Python router that decides like this on-chain router."""
        deployment = Deployment(
            name="dispute-game router",
            registered=tuple(ps for ps in self.registered if ps.selector not in self.removed),
            removed=self.removed,
            estop=self.estop,
        )
        return Router(deployment, mock_selector=MOCK_SELECTOR)


@dataclass(frozen=True)
class Proposal:
    """One proposal; the fields of the contract's ``Proposal`` struct."""

    parent: int
    l2_block_number: int
    output_root: bytes
    l1_head: bytes
    proposer: bytes
    created_at: int
    bond: int
    status: int
    eliminated_for: bytes = ZERO_ADDRESS

    def to_json(self) -> dict[str, Any]:
        return {
            "parent": self.parent,
            "l2_block_number": self.l2_block_number,
            "output_root": "0x" + self.output_root.hex(),
            "l1_head": "0x" + self.l1_head.hex(),
            "proposer": "0x" + self.proposer.hex(),
            "created_at": self.created_at,
            "bond": self.bond,
            "status": STATUS_NAMES.get(self.status, str(self.status)),
            "eliminated_for": "0x" + self.eliminated_for.hex(),
        }


@dataclass
class GameState:
    """Everything ``FaultDisputeGame`` decides on: its immutables, router and storage."""

    router: RouterState
    fault_image_id: bytes
    rollup_config_hash: bytes
    bond: int
    challenge_window: int
    proposals: list[Proposal] = field(default_factory=list)
    successor: dict[int, int] = field(default_factory=dict)
    proposed: set[tuple[int, bytes]] = field(default_factory=set)
    credit: dict[bytes, int] = field(default_factory=dict)

    @classmethod
    def genesis(
        cls,
        router: RouterState,
        *,
        fault_image_id: bytes,
        rollup_config_hash: bytes,
        anchor_output_root: bytes,
        anchor_l2_block_number: int,
        bond: int,
        challenge_window: int,
        created_at: int = 0,
    ) -> GameState:
        """The state right after deployment: proposal 0 is the resolved anchor."""
        if not 0 <= anchor_l2_block_number < 2**64:
            raise MalformedInputError(f"anchor_l2_block_number: expected a uint64, got {anchor_l2_block_number}")
        anchor = Proposal(
            parent=0,
            l2_block_number=anchor_l2_block_number,
            output_root=as_digest(anchor_output_root, "anchor_output_root"),
            l1_head=bytes(32),
            proposer=ZERO_ADDRESS,
            created_at=created_at,
            bond=0,
            status=RESOLVED,
        )
        return cls(
            router=router,
            fault_image_id=as_digest(fault_image_id, "fault_image_id"),
            rollup_config_hash=as_digest(rollup_config_hash, "rollup_config_hash"),
            bond=bond,
            challenge_window=challenge_window,
            proposals=[anchor],
        )

    def copy(self) -> GameState:
        return copy.deepcopy(self)

    def to_json(self) -> dict[str, Any]:
        """The observable state (what the conformance harness compares with the chain)."""
        return {
            "proposals": [p.to_json() for p in self.proposals],
            "successor": {str(k): v for k, v in sorted(self.successor.items())},
            "credit": {"0x" + a.hex(): v for a, v in sorted(self.credit.items()) if v},
        }

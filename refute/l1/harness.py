"""One deployed dispute game driven in lockstep with its pure-Python mirror.

Why: "the mirror decides like the contract" is only testable call by call.
:class:`GameHarness` sends each call to the chain and to
:mod:`refute.verifier.dispute` with the same inputs (the block timestamp and
``l1_head`` the transaction will see), and reports both outcomes; after an
accepted call :meth:`GameHarness.chain_state` reads back the contract's
storage in the mirror's JSON shape so the state change can be compared too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3

from refute.verifier import dispute
from refute.verifier.dispute import Challenge, Decision
from refute.verifier.game import STATUS_NAMES, GameState, RouterState
from refute.verifier.params import PARAMETER_SETS

from .contracts import L1Deployment, Reverted, contract_at, send

__all__ = ["GameHarness", "Step"]


@dataclass(frozen=True)
class Step:
    """One call on both sides: the contract's outcome, the mirror's, and whether the states agree."""

    contract: str
    mirror: str
    states_agree: bool
    gas_used: int | None = None
    result: Any = None

    @property
    def agree(self) -> bool:
        return self.contract == self.mirror and self.states_agree


def prove_fault_args(challenge: Challenge) -> list[Any]:
    """The arguments of the game's ``prove_fault`` for ``challenge``, in ABI order."""
    j = challenge.journal
    return [
        challenge.proposal_id,
        challenge.seal,
        Web3.to_checksum_address(j.payout_recipient),
        j.l1_head,
        j.agreed_output_root,
        j.computed_output_root,
        j.l2_block_number,
        j.rollup_config_hash,
        j.blob_binding,
        challenge.openings,
    ]


def _addr(a: str) -> bytes:
    return bytes.fromhex(a[2:])


class GameHarness:
    """A ``FaultDisputeGame`` deployment and the :class:`GameState` that mirrors it."""

    def __init__(self, w3: Web3, deployment: L1Deployment):
        if deployment.game is None or deployment.game_config is None:
            raise ValueError("the deployment has no dispute game")
        self.w3 = w3
        self.deployment = deployment
        self.game = contract_at(w3, "FaultDisputeGame", deployment.game)
        self.router = contract_at(w3, "RiscZeroVerifierRouter", deployment.router)
        registered = tuple(ps for ps in PARAMETER_SETS if "0x" + ps.selector.hex() in deployment.groth16)
        cfg = deployment.game_config
        anchor = self.game.functions.proposals(0).call()
        self.state = GameState.genesis(
            RouterState(registered=registered, dev_mode=deployment.dev_mode),
            fault_image_id=cfg.fault_image_id,
            rollup_config_hash=cfg.rollup_config_hash,
            anchor_output_root=cfg.anchor_output_root,
            anchor_l2_block_number=cfg.anchor_l2_block_number,
            bond=cfg.bond,
            challenge_window=cfg.challenge_window,
            created_at=anchor[5],
        )

    # -- chain reads ----------------------------------------------------------------

    def next_timestamp(self) -> int:
        """The timestamp the next transaction's block will carry."""
        return int(self.w3.eth.get_block("pending")["timestamp"])

    def latest_hash(self) -> bytes:
        return bytes(self.w3.eth.get_block("latest")["hash"])

    def chain_state(self) -> dict[str, Any]:
        """The contract's storage in :meth:`GameState.to_json`'s shape."""
        fn = self.game.functions
        count = fn.proposal_count().call()
        proposals = []
        for i in range(count):
            parent, number, root, l1_head, proposer, created, bond, status, elim = fn.proposals(i).call()
            proposals.append(
                {
                    "parent": parent,
                    "l2_block_number": number,
                    "output_root": "0x" + bytes(root).hex(),
                    "l1_head": "0x" + bytes(l1_head).hex(),
                    "proposer": proposer.lower(),
                    "created_at": created,
                    "bond": bond,
                    "status": STATUS_NAMES.get(status, str(status)),
                    "eliminated_for": elim.lower(),
                }
            )
        successor = {str(i): s for i in range(count) if (s := fn.successor(i).call())}
        accounts = {p["proposer"] for p in proposals} | {p["eliminated_for"] for p in proposals}
        accounts |= {"0x" + a.hex() for a in self.state.credit}
        credit = {}
        for a in sorted(accounts):
            value = fn.credit(Web3.to_checksum_address(a)).call()
            if value:
                credit[a] = value
        return {"proposals": proposals, "successor": successor, "credit": credit}

    # -- lockstep calls ---------------------------------------------------------------

    def _step(self, send_call: Callable[[], Any], mirror_call: Callable[[], Any]) -> Step:
        decision: Decision = dispute.decide(mirror_call, self.state)
        gas = None
        try:
            receipt = send_call()
            contract = "accept"
            gas = int(receipt["gasUsed"])
        except Reverted as exc:
            contract = f"revert {exc.reason}"
        if decision.accepted:
            self.state = decision.state
        agree = self.chain_state() == self.state.to_json() if contract == "accept" or decision.accepted else True
        return Step(contract, decision.outcome, agree, gas, decision.result)

    def propose(
        self, sender: str, parent: int, l2_block_number: int, output_root: bytes, value: int | None = None
    ) -> Step:
        value = self.state.bond if value is None else value
        now, l1_head = self.next_timestamp(), self.latest_hash()
        return self._step(
            lambda: send(self.game.functions.propose(parent, l2_block_number, output_root), sender=sender, value=value),
            lambda: dispute.propose(
                self.state,
                sender=_addr(sender.lower()),
                value=value,
                parent=parent,
                l2_block_number=l2_block_number,
                output_root=output_root,
                now=now,
                l1_head=l1_head,
            ),
        )

    def prove_fault(self, challenge: Challenge, sender: str) -> Step:
        now = self.next_timestamp()
        fn = self.game.functions.prove_fault(*prove_fault_args(challenge))
        return self._step(lambda: send(fn, sender=sender), lambda: dispute.prove_fault(self.state, challenge, now=now))

    def resolve(self, proposal_id: int, sender: str) -> Step:
        now = self.next_timestamp()
        return self._step(
            lambda: send(self.game.functions.resolve(proposal_id), sender=sender),
            lambda: dispute.resolve(self.state, proposal_id, now=now),
        )

    def prune(self, proposal_id: int, sender: str) -> Step:
        return self._step(
            lambda: send(self.game.functions.prune(proposal_id), sender=sender),
            lambda: dispute.prune(self.state, proposal_id),
        )

    def withdraw(self, sender: str) -> Step:
        return self._step(
            lambda: send(self.game.functions.withdraw(), sender=sender),
            lambda: dispute.withdraw(self.state, _addr(sender.lower())),
        )

    # -- router administration (owner calls, mirrored in the router state) ---------------

    def remove_selector(self, selector: bytes) -> None:
        send(self.router.functions.remove_verifier(selector))
        r = self.state.router
        self.state.router = RouterState(r.registered, r.removed | {selector}, r.estop, r.dev_mode)

    def estop(self) -> None:
        send(self.router.functions.estop())
        r = self.state.router
        self.state.router = RouterState(r.registered, r.removed, True, r.dev_mode)

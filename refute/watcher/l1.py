"""The watcher's view of L1: a retrying connection, the dispute game's proposals, and the
pure-Python mirror of the game built from what the chain holds.

Why a mirror before every challenge: the watcher submits only what the L1
contract will accept, and says why not otherwise. :func:`mirror_state` reads
the game's immutables, its proposals and its router's registrations, so
:func:`refute.verifier.dispute.prove_fault` decides on exactly the state the
transaction will meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from web3 import HTTPProvider, Web3
from web3.providers.rpc.utils import REQUEST_RETRY_ALLOWLIST, ExceptionRetryConfiguration

from refute.l1.contracts import contract_at
from refute.prover.errors import ServiceUnreachable
from refute.verifier.game import GameState, Proposal, RouterState
from refute.verifier.mock import MOCK_SELECTOR
from refute.verifier.params import PARAMETER_SETS

__all__ = ["GameView", "OnChainProposal", "connect_l1"]

#: Transport failures a node may answer with (drops, timeouts, HTTP 429 and 5xx); retried with backoff.
TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.HTTPError)


def connect_l1(url: str, *, retries: int = 8, backoff: float = 0.25, timeout: float = 10.0) -> Web3:
    """A ``Web3`` for ``url`` whose requests are retried on transient failures.

    ``eth_sendRawTransaction`` is retried too: resending the same signed bytes is
    harmless (a node answers "already known"), and the durable sender settles by hash.
    """
    retry = ExceptionRetryConfiguration(
        errors=TRANSIENT,
        retries=retries,
        backoff_factor=backoff,
        method_allowlist=[*REQUEST_RETRY_ALLOWLIST, "eth_sendRawTransaction", "eth_getLogs"],
    )
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": timeout}, exception_retry_configuration=retry))
    try:
        w3.eth.chain_id  # noqa: B018 - the probe
    except Exception as exc:
        raise ServiceUnreachable(
            f"L1 RPC {url} did not answer: {exc}", service=url, request="eth_chainId", attempts=retries
        ) from None
    return w3


@dataclass(frozen=True)
class OnChainProposal:
    """A proposal's fields as the game stores them."""

    id: int
    parent: int
    l2_block: int
    output_root: bytes
    l1_head: bytes
    proposer: str
    created_at: int
    bond: int
    status: int
    eliminated_for: str


class GameView:
    """Reads of one ``FaultDisputeGame`` (and its router) through ``w3``."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.game = contract_at(w3, "FaultDisputeGame", Web3.to_checksum_address(address))
        self.router = contract_at(w3, "RiscZeroVerifierRouter", self.game.functions.ROUTER().call())

    @property
    def address(self) -> str:
        return str(self.game.address)

    def count(self) -> int:
        return int(self.game.functions.proposal_count().call())

    def proposal(self, proposal_id: int) -> OnChainProposal:
        parent, number, root, l1_head, proposer, created, bond, status, elim = self.game.functions.proposals(
            proposal_id
        ).call()
        return OnChainProposal(
            id=proposal_id,
            parent=int(parent),
            l2_block=int(number),
            output_root=bytes(root),
            l1_head=bytes(l1_head),
            proposer=str(proposer),
            created_at=int(created),
            bond=int(bond),
            status=int(status),
            eliminated_for=str(elim),
        )

    def credit(self, address: str) -> int:
        return int(self.game.functions.credit(Web3.to_checksum_address(address)).call())

    def challenge_window(self) -> int:
        return int(self.game.functions.CHALLENGE_WINDOW().call())

    def fault_image_id(self) -> bytes:
        return bytes(self.game.functions.FAULT_IMAGE_ID().call())

    def dev_mode(self) -> bool:
        """Whether the router routes the dev-mode mock verifier (a devnet)."""
        return bool(self.router.functions.DEV_MODE().call()) and self._registered(MOCK_SELECTOR)

    def _registered(self, selector: bytes) -> bool:
        return int(self.router.functions.verifiers(selector).call(), 16) != 0

    def next_timestamp(self) -> int:
        """A lower bound on the timestamp the next transaction's block carries."""
        return int(self.w3.eth.get_block("latest")["timestamp"]) + 1

    def mirror_state(self) -> GameState:
        """The pure-Python :class:`GameState` of the game as it is now on L1."""
        fn = self.game.functions
        registered = tuple(ps for ps in PARAMETER_SETS if self._registered(ps.selector))
        router = RouterState(
            registered=registered, estop=bool(self.router.functions.stopped().call()), dev_mode=self.dev_mode()
        )
        state = GameState(
            router=router,
            fault_image_id=bytes(fn.FAULT_IMAGE_ID().call()),
            rollup_config_hash=bytes(fn.ROLLUP_CONFIG_HASH().call()),
            bond=int(fn.BOND().call()),
            challenge_window=int(fn.CHALLENGE_WINDOW().call()),
        )
        for i in range(self.count()):
            p = self.proposal(i)
            state.proposals.append(
                Proposal(
                    parent=p.parent,
                    l2_block_number=p.l2_block,
                    output_root=p.output_root,
                    l1_head=p.l1_head,
                    proposer=bytes.fromhex(p.proposer[2:]),
                    created_at=p.created_at,
                    bond=p.bond,
                    status=p.status,
                    eliminated_for=bytes.fromhex(p.eliminated_for[2:]),
                )
            )
        return state

    def revert_reason(self, tx: dict[str, Any], block: int) -> str | None:
        """Why ``tx`` reverted, by replaying it as a call at its block (None if it does not revert there)."""
        from refute.l1.contracts import revert_reason

        try:
            self.w3.eth.call(tx, block)  # type: ignore[arg-type]
        except Exception as exc:
            return revert_reason(exc) or str(exc)
        return None

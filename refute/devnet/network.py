"""The live devnet: an L1 with the dispute game, an OP Stack L2, its batcher and a (possibly faulty) proposer.

One clock drives everything, one L1 slot per tick: seal the pending L1
transactions into a block; build the next L2 block on the canonical chain and
on the proposer's node; post the block's batch as a blob; propose every L2
block whose batch is now on L1; resolve proposals whose challenge window is
over. The proposer's node is another :class:`~refute.devnet.sequencer.L2Chain`
that executed different transactions at the scenario's faulty block (how the
devnet reproduces an incident), so from that block on it proposes roots that
correct execution of the batched transactions does not give.

The dispute game on this L1 is wired to RISC Zero's dev-mode mock verifier
(``dev_mode`` in :meth:`Devnet.describe`): it accepts ``0xFFFFFFFF ‖ claim
digest`` for a claim, so the L1 step checks the journal and the claim, not a
Groth16 seal. Where the challenger made a real receipt, that receipt is what
proves the claim; the devnet says so wherever it reports.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from refute.devnet.actors import Batcher, Proposer
from refute.devnet.apps import ScenarioPlan
from refute.devnet.faults import FailurePlan
from refute.devnet.l1node import SECONDS_PER_SLOT, DevnetL1
from refute.devnet.l2node import DevnetL2
from refute.devnet.sequencer import ChainParams, L2Block, L2Chain
from refute.devnet.server import DevnetServer
from refute.l1.chain import local_chain
from refute.l1.contracts import GameConfig, L1Deployment, contract_at, deploy_contract, deploy_stack
from refute.prover.errors import EnvironmentUnavailable, InvalidInputError

__all__ = ["Devnet", "devnet_key"]

#: The L2's message passer predeploy (its storage root is part of every output root).
MESSAGE_PASSER = "0x4200000000000000000000000000000000000016"
#: The L2 block the dispute game is anchored at (agreed by construction; proposals start after it).
ANCHOR_BLOCK = 1
#: Funding of each devnet L1 account (batcher, proposer, watcher).
L1_FUNDING = 1_000 * 10**18


def devnet_key(role: str) -> LocalAccount:
    """The devnet's fixed key for ``role`` (publicly known: never use it on a real chain)."""
    return Account.from_key(keccak(f"refute devnet {role}".encode()))


class LiveNodes:
    """The devnet's three nodes behind one server: L1 and beacon at ``/``, L2 and rollup at ``/l2``."""

    def __init__(self, l1: DevnetL1, l2: DevnetL2) -> None:
        self._l1, self._l2 = l1, l2

    def l1(self, method: str, params: list[Any]) -> Any:
        return self._l1.l1(method, params)

    def l2(self, method: str, params: list[Any]) -> Any:
        return self._l2.l2(method, params)

    def beacon(self, path: str) -> tuple[int, Any]:
        return self._l1.beacon(path)


class Devnet:
    """The whole devnet; :meth:`start` deploys and starts the clock, :meth:`stop` stops it (a context manager).

    ``block_interval`` is wall-clock seconds per 12-second L1 slot;
    ``challenge_window`` is in L1 seconds (whole slots); ``span_blocks`` is how
    many L2 blocks the batcher posts per span batch (see :class:`Batcher`).
    """

    def __init__(
        self,
        plan: ScenarioPlan,
        *,
        fault_image_id: bytes,
        challenge_window: int = 3_600,
        bond: int = 10**17,
        block_interval: float = 0.5,
        failures: FailurePlan | None = None,
        port: int = 0,
        span_blocks: int = 1,
    ) -> None:
        if plan.faulty_block <= ANCHOR_BLOCK:
            raise InvalidInputError(
                f"the faulty block must come after the anchor block {ANCHOR_BLOCK}, not {plan.faulty_block}",
                field="faulty_block",
            )
        if challenge_window <= 0 or challenge_window % SECONDS_PER_SLOT:
            raise InvalidInputError(
                f"challenge_window must be a positive multiple of {SECONDS_PER_SLOT} s, not {challenge_window}",
                field="challenge_window",
            )
        self.plan = plan
        self.fault_image_id = fault_image_id
        self.challenge_window = challenge_window
        self.bond = bond
        self.block_interval = block_interval
        self.failures = failures
        self.port = port
        if span_blocks < 1:
            raise InvalidInputError(f"span_blocks must be at least 1, not {span_blocks}", field="span_blocks")
        self.span_blocks = span_blocks
        self.watcher = devnet_key("watcher")
        self.errors: list[BaseException] = []
        self.events: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._tick_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[dict[str, Any]], None]] = []

    # ---- set-up ----

    def start(self) -> Devnet:
        chain = local_chain()
        self.l1 = DevnetL1(chain)
        w3 = chain.w3
        batcher, proposer = devnet_key("batcher"), devnet_key("proposer")
        for account in (batcher, proposer, self.watcher):
            w3.eth.send_transaction({"to": account.address, "value": Web3.to_wei(L1_FUNDING, "wei")})
        stack = deploy_stack(w3, None, dev_mode=True)
        origin = w3.eth.block_number
        params = ChainParams(
            l1_chain_id=w3.eth.chain_id,
            l1_genesis_header=self.l1.raw_header(origin),
            genesis_time=int(w3.eth.get_block(origin)["timestamp"]),
            batcher=batcher.address,
            block_time=SECONDS_PER_SLOT,
        )
        alloc = {**self.plan.alloc, MESSAGE_PASSER: {"storage": {"0x1": "0x7"}}}
        self.canonical = L2Chain(params, alloc)
        self.proposer_node = L2Chain(params, alloc)
        # The anchor is block 1, not genesis: a disputed block's parent must carry the
        # L1-info deposit the fault program reads its L1 origin from, and genesis has none.
        first = self.plan.transactions(ANCHOR_BLOCK, faulty_node=False)
        for node in (self.canonical, self.proposer_node):
            node.append(node.next_block(params.l1_genesis_header, first))
        config = GameConfig(
            fault_image_id=self.fault_image_id,
            rollup_config_hash=bytes.fromhex(self.canonical.genesis.config_hash[2:]),
            anchor_output_root=bytes.fromhex(self.canonical.output_root(ANCHOR_BLOCK)[2:]),
            anchor_l2_block_number=ANCHOR_BLOCK,
            bond=self.bond,
            challenge_window=self.challenge_window,
        )
        game = deploy_contract(
            w3,
            "FaultDisputeGame",
            stack.router,
            config.fault_image_id,
            config.rollup_config_hash,
            config.anchor_output_root,
            ANCHOR_BLOCK,
            config.bond,
            config.challenge_window,
        )
        stack.game, stack.game_config = game.address, config
        self.deployment: L1Deployment = stack
        self.game = contract_at(w3, "FaultDisputeGame", game.address)
        self.l1.start_clock()
        self.l2 = DevnetL2(self.canonical, self._l1_hash)
        self.batcher = Batcher(
            self.l1,
            batcher,
            params.batch_inbox,
            w3.eth.get_transaction_count(batcher.address),
            config=self.canonical.genesis.config,
            span_blocks=self.span_blocks,
        )
        self.proposer = Proposer(
            self.l1, proposer, self.game, self.bond, w3.eth.get_transaction_count(proposer.address), ANCHOR_BLOCK
        )
        self.batcher.post(self.canonical.block(ANCHOR_BLOCK))
        self.server = DevnetServer(LiveNodes(self.l1, self.l2), port=self.port, failures=self.failures).start()
        self._thread = threading.Thread(target=self._run, name="refute-devnet-clock", daemon=True)
        self._thread.start()
        return self

    def _l1_hash(self, number: int) -> str:
        return Web3.to_hex(keccak(self.l1.raw_header(number)))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if hasattr(self, "server"):
            self.server.stop()

    def __enter__(self) -> Devnet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- the clock ----

    def _run(self) -> None:
        while not self._stop.wait(self.block_interval):
            if self._paused.is_set():
                continue
            try:
                self.tick()
            except BaseException as exc:  # the clock stops; callers see it through raise_if_failed
                self.errors.append(exc)
                self._emit({"event": "devnet_error", "error": f"{type(exc).__name__}: {exc}"})
                return

    def raise_if_failed(self) -> None:
        if self.errors:
            raise EnvironmentUnavailable(f"the devnet stopped: {self.errors[0]}") from self.errors[0]

    def on_event(self, listener: Callable[[dict[str, Any]], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        for listener in self._listeners:
            listener(event)

    def tick(self, warp: int = 0) -> None:
        """One slot (and ``warp`` more seconds): mine, settle and resolve proposals, sequence and batch, propose."""
        with self._tick_lock:
            number = self.l1.warp(warp) if warp else self.l1.mine()
            with self.l1.lock:
                now = int(self.l1.w3.eth.get_block("latest")["timestamp"])
            self.proposer.settle()
            self.proposer.resolve_due(now + SECONDS_PER_SLOT, self.challenge_window)
            self._propose_batched()
            self._sequence(number, now)
            self.batcher.flush_due(now, SECONDS_PER_SLOT)

    def _sequence(self, l1_head: int, now: int) -> None:
        head = self.canonical.head_number
        pending = self.l2.mempool
        if head >= len(self.plan.blocks) and not pending:
            return
        timestamp = self.canonical.params.genesis_time + self.canonical.params.block_time * (head + 1)
        if timestamp > now:
            return
        parent_origin = self.canonical.block(head).l1_origin if head else self.canonical.params.l1_genesis_number
        origin = parent_origin
        if parent_origin + 1 <= l1_head:
            with self.l1.lock:
                next_ts = int(self.l1.w3.eth.get_block(parent_origin + 1)["timestamp"])
            if next_ts <= timestamp:
                origin = parent_origin + 1
        header = self.l1.raw_header(origin)
        receipts = self.l1.raw_receipts(origin) if origin != parent_origin else []
        extra = self.l2.take_mempool()
        blocks: list[L2Block] = []
        for node, faulty in ((self.canonical, False), (self.proposer_node, True)):
            txs = self.plan.transactions(head + 1, faulty)
            try:
                blocks.append(node.next_block(header, txs + extra, receipts))
            except InvalidInputError as exc:
                if not extra:
                    raise
                self._emit({"event": "mempool_dropped", "transactions": len(extra), "reason": str(exc)})
                extra = []
                blocks.append(node.next_block(header, txs, receipts))
        canonical, node_block = blocks
        self.canonical.append(canonical)
        self.proposer_node.append(node_block)
        self.batcher.post(canonical)
        self._emit(
            {
                "event": "l2_block",
                "number": canonical.number,
                "l1_origin": origin,
                "transactions": len(canonical.transactions),
                "output_root": canonical.output_root,
                "proposer_node_root": node_block.output_root,
            }
        )

    def _propose_batched(self) -> None:
        proposed = {p.l2_block for p in self.proposer.proposals}
        for n in range(ANCHOR_BLOCK + 1, self.canonical.head_number + 1):
            if n in proposed:
                continue
            if self.batcher.mined_in(n) is None or (n > ANCHOR_BLOCK + 1 and n - 1 not in self.proposer.ids):
                return
            root = self.proposer_node.output_root(n)
            proposal = self.proposer.propose(n, root)
            self._emit(
                {
                    "event": "proposed",
                    "l2_block": n,
                    "output_root": root,
                    "correct": root == self.canonical.output_root(n),
                    "tx": proposal.tx_hash,
                }
            )

    # ---- control ----

    def warp(self, seconds: int) -> None:
        """Moves L1 time forward by ``seconds`` (rounded up to whole slots) in one block."""
        slots = max(1, -(-seconds // SECONDS_PER_SLOT))
        self.tick(warp=slots * SECONDS_PER_SLOT)

    def reorg(self, to_block: int) -> list[str]:
        """An L1 reorg back to ``to_block``: the devnet's batcher and proposer transactions in the
        orphaned blocks are sent again (into new blocks, so proposals get new L1 heads); anyone
        else's are dropped and returned. The L2 chain must not depend on the orphaned blocks."""
        with self._tick_lock:
            for n in range(self.canonical.head_number + 1):
                origin = self.canonical.block(n).l1_origin if n else self.canonical.params.l1_genesis_number
                if origin > to_block:
                    raise InvalidInputError(
                        f"L2 block {n} has L1 origin {origin}, after the reorg point {to_block}", field="to_block"
                    )
            keep = {self.batcher.account.address.lower(), self.proposer.account.address.lower()}
            dropped = self.l1.reorg(to_block, keep)
        self._emit({"event": "l1_reorg", "to_block": to_block, "dropped": dropped})
        return dropped

    def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Waits until ``predicate()`` holds; raises if the devnet stopped or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        while not predicate():
            self.raise_if_failed()
            if time.monotonic() > deadline:
                raise EnvironmentUnavailable(f"devnet: {what} did not happen within {timeout:.0f} s")
            time.sleep(0.1)

    def game_proposals(self) -> list[dict[str, Any]]:
        """The game's proposals as the contract stores them."""
        out = []
        with self.l1.lock:
            count = int(self.game.functions.proposal_count().call())
            for i in range(1, count):
                fields = self.game.functions.proposals(i).call()
                parent, number, root, status, elim = fields[0], fields[1], fields[2], fields[7], fields[8]
                out.append(
                    {
                        "id": i,
                        "parent": parent,
                        "l2_block": number,
                        "output_root": Web3.to_hex(root),
                        "status": status,
                        "eliminated_for": elim,
                        "correct": Web3.to_hex(root) == self.canonical.output_root(number)
                        if number <= self.canonical.head_number
                        else None,
                    }
                )
        return out

    def describe(self) -> dict[str, Any]:
        """What a watcher needs to connect, and what this devnet is (``dev_mode``: the mock verifier)."""
        return {
            "l1_rpc": self.server.url,
            "l2_rpc": self.server.l2_url,
            "beacon_rpc": self.server.url,
            "game_address": self.game.address,
            "watcher_key": "0x" + bytes(self.watcher.key).hex(),
            "watcher_address": self.watcher.address,
            "scenario": self.plan.name,
            "faulty_block": self.plan.faulty_block,
            "l2_blocks": len(self.plan.blocks),
            "anchor_block": ANCHOR_BLOCK,
            "proposals_expected": len(self.plan.blocks) - ANCHOR_BLOCK,
            "challenge_window_seconds": self.challenge_window,
            "bond_wei": self.bond,
            "fault_image_id": "0x" + self.fault_image_id.hex(),
            "rollup_config_hash": self.canonical.genesis.config_hash,
            "dev_mode_verifier": True,
        }

"""The devnet's batcher and proposer: the two L1 writers of an OP Stack chain.

Both sign locally and broadcast without waiting: on the devnet's L1 a
transaction is mined at the next slot, by the same clock that calls them, so
waiting here would stall that clock. Each remembers what it sent and checks
the receipts one slot later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from refute.devnet.l1node import DevnetL1
from refute.devnet.sequencer import L2Block, batch_blobs
from refute.prover.errors import EnvironmentUnavailable

__all__ = ["Batcher", "Proposal", "Proposer"]

#: Gas for a proposal, a resolution and a withdrawal (measured well below; explicit so no estimate races the clock).
PROPOSE_GAS = 400_000
RESOLVE_GAS = 200_000
#: Fees the devnet's writers pay (py-evm's base fee starts at 1 gwei and only falls on an idle chain).
MAX_FEE = 50 * 10**9
PRIORITY_FEE = 10**9
MAX_BLOB_FEE = 10**10

#: Game statuses (``FaultDisputeGame.vy``).
PENDING, RESOLVED, FAULTED, PRUNED = 1, 2, 3, 4


def _send(l1: DevnetL1, account: LocalAccount, tx: dict[str, Any], nonce: int, blobs: list[bytes] | None = None) -> str:
    """Signs and broadcasts ``tx`` (caller holds no lock); returns the transaction hash."""
    full = {**tx, "nonce": nonce, "chainId": l1.w3.eth.chain_id}
    signed = account.sign_transaction(full, blobs=blobs) if blobs else account.sign_transaction(full)
    return l1.send_raw(bytes(signed.raw_transaction), blobs)


@dataclass
class Batcher:
    """Posts L2 blocks' batches to the batch inbox, one blob transaction (one channel) per post.

    With ``span_blocks`` above 1 it holds blocks and posts them together as one
    span batch once it holds that many, or once the oldest has waited that many
    slots (op-batcher's channel duration, so the last blocks of a quiet chain
    are posted too): a disputed block may then sit in the middle of a span, as
    on a real chain, and its proof needs the blocks before the agreed one.
    """

    l1: DevnetL1
    account: LocalAccount
    inbox: str
    nonce: int
    posted: dict[int, str] = field(default_factory=dict)
    #: The rollup config (RLP, ``Genesis.config``): when given, batches are posted as span batches.
    config: bytes = b""
    #: Blocks per channel (at most; see the class docstring).
    span_blocks: int = 1
    held: list[L2Block] = field(default_factory=list)

    def post(self, block: L2Block) -> str | None:
        """Takes ``block``; returns the blob transaction's hash when this posts it (else it is held)."""
        self.held.append(block)
        return self.flush() if len(self.held) >= self.span_blocks else None

    def flush_due(self, now: int, slot_seconds: int) -> str | None:
        """Posts the held blocks once the oldest has waited ``span_blocks`` slots at L1 time ``now``."""
        if self.held and now >= self.held[0].timestamp + self.span_blocks * slot_seconds:
            return self.flush()
        return None

    def flush(self) -> str:
        """Posts every held block as one channel."""
        blocks, self.held = self.held, []
        first = blocks[0]
        channel = keccak(b"refute devnet channel" + first.number.to_bytes(8, "big"))[:16]
        batches = [b.batch for b in blocks]
        if self.config:
            # op-batcher posts span batches since Delta.
            posted = batch_blobs(
                batches, channel, config=self.config, encoding="span", first_opens_epoch=first.sequence_number == 0
            )
        else:
            posted = batch_blobs(batches, channel, encoding="singular")
        blobs = [b.blob for b in posted]
        tx = {
            "type": 3,
            "to": Web3.to_checksum_address(self.inbox),
            "value": 0,
            "data": b"",
            "gas": 21_000,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": PRIORITY_FEE,
            "maxFeePerBlobGas": MAX_BLOB_FEE,
        }
        tx_hash = _send(self.l1, self.account, tx, self.nonce, blobs)
        self.nonce += 1
        for block in blocks:
            self.posted[block.number] = tx_hash
        return tx_hash

    def mined_in(self, l2_number: int) -> int | None:
        """The L1 block that holds block ``l2_number``'s batch, once mined."""
        tx_hash = self.posted.get(l2_number)
        if tx_hash is None:
            return None
        receipt = self.l1.receipt(tx_hash)
        if receipt is None:
            return None
        if receipt["status"] != 1:
            raise EnvironmentUnavailable(f"the batcher's blob transaction {tx_hash} for L2 block {l2_number} reverted")
        return int(receipt["blockNumber"])


@dataclass(frozen=True)
class Proposal:
    """One proposal this proposer made (``proposal_id`` is known once it is mined)."""

    l2_block: int
    output_root: str
    tx_hash: str


@dataclass
class Proposer:
    """Proposes its node's output root of every L2 block, chained on its own previous proposal, and
    resolves each once its challenge window is over (refunding its bond)."""

    l1: DevnetL1
    account: LocalAccount
    game: Any
    bond: int
    nonce: int
    anchor_block: int
    proposals: list[Proposal] = field(default_factory=list)
    ids: dict[int, int] = field(default_factory=dict)  # l2 block -> proposal id
    resolved: set[int] = field(default_factory=set)
    _resolving: dict[int, str] = field(default_factory=dict)
    _withdrawing: str | None = None

    def propose(self, l2_block: int, output_root: str) -> Proposal:
        parent = 0 if l2_block == self.anchor_block + 1 else self.ids.get(l2_block - 1)
        if parent is None:
            raise EnvironmentUnavailable(f"the proposal for L2 block {l2_block - 1} is not mined yet")
        fn = self.game.functions.propose(parent, l2_block, bytes.fromhex(output_root[2:]))
        tx = self._tx(fn, PROPOSE_GAS, self.bond)
        proposal = Proposal(l2_block, output_root, _send(self.l1, self.account, tx, self.nonce))
        self.nonce += 1
        self.proposals.append(proposal)
        return proposal

    def _tx(self, fn: Any, gas: int, value: int = 0) -> dict[str, Any]:
        return {
            "to": self.game.address,
            "data": fn._encode_transaction_data(),
            "value": value,
            "gas": gas,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": PRIORITY_FEE,
            "type": 2,
        }

    def settle(self) -> None:
        """Learns the ids of mined proposals (from their ``Proposed`` logs)."""
        for p in self.proposals:
            if p.l2_block in self.ids:
                continue
            receipt = self.l1.receipt(p.tx_hash)
            if receipt is None:
                continue
            if receipt["status"] != 1:
                raise EnvironmentUnavailable(f"the proposal for L2 block {p.l2_block} reverted ({p.tx_hash})")
            (event,) = self.game.events.Proposed().process_receipt(receipt)
            self.ids[p.l2_block] = int(event["args"]["proposal_id"])

    def resolve_due(self, now: int, window: int) -> None:
        """Resolves, in order, the proposals whose window closed before ``now``; withdraws refunded bonds."""
        for l2_block in sorted(self.ids):
            pid = self.ids[l2_block]
            if pid in self.resolved or pid in self._resolving:
                continue
            with self.l1.lock:
                p = self.game.functions.proposals(pid).call()
                parent_status = self.game.functions.proposals(p[0]).call()[7]
            status, created = p[7], p[5]
            if status != PENDING:
                self.resolved.add(pid)
                continue
            if now < created + window or parent_status != RESOLVED:
                break
            self._resolving[pid] = _send(
                self.l1, self.account, self._tx(self.game.functions.resolve(pid), RESOLVE_GAS), self.nonce
            )
            self.nonce += 1
            break
        for pid, tx_hash in list(self._resolving.items()):
            if self._mined(tx_hash):
                del self._resolving[pid]
                self.resolved.add(pid)
        if self._withdrawing is not None and self._mined(self._withdrawing):
            self._withdrawing = None
        with self.l1.lock:
            credit = int(self.game.functions.credit(self.account.address).call())
        if credit and self._withdrawing is None and not self._resolving:
            self._withdrawing = _send(
                self.l1, self.account, self._tx(self.game.functions.withdraw(), RESOLVE_GAS), self.nonce
            )
            self.nonce += 1

    def _mined(self, tx_hash: str) -> bool:
        return self.l1.receipt(tx_hash) is not None

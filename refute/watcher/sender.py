"""An L1 transaction sender that acts once per intent across crashes.

The rule that makes it idempotent: a transaction is signed and **recorded**
before it is broadcast, and a restarted sender settles every recorded one
before it signs anything new. A recorded transaction is then in one of three
places, each with one right action:

- mined (its receipt exists): record the receipt; nothing is sent again;
- still pending or never broadcast (the sender's nonce has not passed it):
  broadcast the *same* signed bytes again (a node that already has them
  answers "already known", which is success);
- dropped (the nonce was used by another transaction of the same key, e.g.
  the operator's): sign it again with a fresh nonce, recorded first as before.

Intents name what a transaction is for (``prove_fault:12``), so "prove this
fault" can never become two transactions, whatever the crash point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import TimeExhausted, TransactionNotFound, Web3RPCError

from refute.prover.errors import EnvironmentUnavailable
from refute.watcher.failpoints import failpoint
from refute.watcher.store import SubmissionRecord, WatcherStore

__all__ = ["DurableSender", "Submission"]

#: Node answers that mean "this exact transaction is already in hand".
_ALREADY_KNOWN = ("already known", "known transaction", "already imported", "alreadyknown")
#: Node answers that mean "this nonce is taken" (by this transaction once mined, or by another).
_NONCE_USED = ("nonce too low", "invalid transaction nonce", "nonce has already been used")


@dataclass(frozen=True)
class Submission:
    """A settled transaction: its hash, where it landed, and whether this call sent it."""

    intent: str
    tx_hash: str
    success: bool
    block_number: int
    gas_used: int
    attempts: int


def _submission(record: SubmissionRecord) -> Submission:
    assert record.block_number is not None and record.gas_used is not None
    return Submission(
        intent=record.intent,
        tx_hash=record.tx_hash,
        success=record.state == "mined",
        block_number=record.block_number,
        gas_used=record.gas_used,
        attempts=record.attempts,
    )


class DurableSender:
    """Sends L1 transactions for ``account`` through ``w3``, recording each in ``store`` first."""

    def __init__(self, w3: Web3, account: LocalAccount, store: WatcherStore, *, receipt_timeout: float = 120.0):
        self.w3 = w3
        self.account = account
        self.store = store
        self.receipt_timeout = receipt_timeout

    @property
    def address(self) -> str:
        return str(self.account.address)

    def _receipt(self, tx_hash: str) -> Any | None:
        try:
            return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None

    def on_chain(self, tx_hash: str) -> bool:
        """Whether ``tx_hash`` is in a block of the canonical chain now."""
        return self._receipt(tx_hash) is not None

    def _settle(self, record: SubmissionRecord, receipt: Any) -> Submission:
        settled = self.store.record_settled(
            record.intent,
            success=receipt["status"] == 1,
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
        )
        failpoint("sender.settled")
        return _submission(settled)

    def _broadcast(self, record: SubmissionRecord) -> Submission:
        try:
            self.w3.eth.send_raw_transaction(record.raw)
        except (ValueError, Web3RPCError) as exc:
            text = str(exc).lower()
            if any(marker in text for marker in _NONCE_USED):
                # Mined between our nonce check and this broadcast, or replaced: the receipt decides.
                receipt = self._receipt(record.tx_hash)
                if receipt is not None:
                    return self._settle(record, receipt)
                raise EnvironmentUnavailable(
                    f"transaction {record.tx_hash} for {record.intent!r}: its nonce {record.nonce} is already used "
                    "and it is not mined; settled on the next pass"
                ) from None
            if not any(marker in text for marker in _ALREADY_KNOWN):
                raise
        failpoint("sender.broadcast")
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                record.tx_hash,  # type: ignore[arg-type]
                timeout=self.receipt_timeout,
            )
        except TimeExhausted as exc:
            raise EnvironmentUnavailable(
                f"transaction {record.tx_hash} for {record.intent!r} not mined within {self.receipt_timeout:.0f} s; "
                "it stays recorded and is settled on the next run"
            ) from exc
        return self._settle(record, receipt)

    def _sign(self, intent: str, tx: dict[str, Any]) -> SubmissionRecord:
        chain_nonce = self.w3.eth.get_transaction_count(self.account.address, "pending")
        recorded = self.store.highest_nonce(self.address)
        nonce = max(chain_nonce, 0 if recorded is None else recorded + 1)
        signed = self.account.sign_transaction({**tx, "nonce": nonce, "chainId": self.w3.eth.chain_id})
        record = self.store.record_signed(
            intent, self.address, nonce, Web3.to_hex(signed.hash), bytes(signed.raw_transaction)
        )
        failpoint("sender.signed")
        return record

    def _resume(self, record: SubmissionRecord, tx: dict[str, Any] | None) -> Submission | None:
        """Settles one recorded transaction; None when it was dropped and ``tx`` is not given to re-sign."""
        receipt = self._receipt(record.tx_hash)
        if receipt is not None:
            return self._settle(record, receipt)
        if self.w3.eth.get_transaction_count(self.account.address, "latest") > record.nonce:
            # The nonce went to another transaction of this key: ours can never be mined.
            if tx is None:
                return None
            return self._broadcast(self._sign(record.intent, tx))
        return self._broadcast(record)

    def resume(self) -> list[Submission]:
        """Settles every transaction recorded but not seen settled (run once at start-up)."""
        settled = []
        for record in self.store.open_submissions(self.address):
            result = self._resume(record, None)
            if result is not None:
                settled.append(result)
        return settled

    def submit(self, intent: str, tx: dict[str, Any]) -> Submission:
        """Sends ``tx`` (without nonce or chain ID) once for ``intent``; a repeated call returns the first result.

        Open transactions are settled first, lowest nonce first (this intent's own
        included), so a gap in the nonces never blocks a later one.
        """
        record = self.store.submission(intent)
        if record is not None and record.settled:
            return _submission(record)
        mine: Submission | None = None
        for other in self.store.open_submissions(self.address):
            result = self._resume(other, tx if other.intent == intent else None)
            if other.intent == intent:
                mine = result
        if mine is not None:
            return mine
        return self._broadcast(self._sign(intent, tx))

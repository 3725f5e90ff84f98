"""``refute watch``: follow a dispute game's proposals, judge each by re-executing its block,
prove the first fault of a chain of proposals, and collect the bonds.

One pass (:meth:`Watcher.poll`) runs five phases, each a function of what the
store holds and what L1 says, so a watcher killed at any point and restarted
carries on from its last committed step:

1. **sync**: new proposals are recorded; a recorded proposal whose fields
   changed on L1 (a reorg) is judged again;
2. **judge**: in id order, a proposal whose parent is faulty is a
   ``descendant`` (pruned, never proven); otherwise its block is rebuilt from
   L1 and blobs (``refute fault bundle``) and executed natively: ``valid`` if the
   roots agree, ``fault`` if not;
3. **prove**: each fault still pending on L1 is proven (``refute fault prove``),
   the receipt verified against the fault program's image ID, the artifact's
   dispute call checked against the proven journal;
4. **challenge**: the pure-Python mirror of the game decides the call first;
   then the challenge is sent once (:class:`~refute.watcher.sender.DurableSender`);
   a fault someone else already proved is noticed and left alone;
5. **collect**: descendants of eliminated proposals are pruned and the payout's
   credited bonds withdrawn.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3
from web3.exceptions import Web3Exception

from refute.hexutil import parse_hex, to_hex
from refute.prover.artifacts import read_receipt_file
from refute.prover.da.errors import MissingDataError
from refute.prover.errors import RefuteError, UsageError
from refute.prover.fault import api as fault_api
from refute.prover.fault.artifact import check_fault_section
from refute.prover.fault.bundle import write_bundle
from refute.prover.fault.collect import collect, endpoints_from_urls
from refute.prover.zkvm import verify as verify_receipt
from refute.verifier import dispute, mock_seal
from refute.verifier.dispute import Challenge
from refute.verifier.errors import VerificationError
from refute.verifier.journal import FaultJournal
from refute.watcher.failpoints import failpoint
from refute.watcher.l1 import GameView, OnChainProposal, connect_l1
from refute.watcher.sender import DurableSender
from refute.watcher.store import ProposalRecord, SubmissionRecord, WatcherStore

__all__ = ["WatchSettings", "Watcher"]

PENDING, RESOLVED, FAULTED, PRUNED = 1, 2, 3, 4
#: Outcomes after which a proposal needs nothing more from this watcher.
FINAL = ("challenged", "challenged_by_other", "pruned", "pruned_by_other", "closed", "rejected", "reorged")
#: Priority fee the watcher offers (the base fee is read from the chain).
PRIORITY_FEE = 10**9

Event = Callable[[dict[str, Any]], None]


def _ignore(event: dict[str, Any]) -> None:
    """The default event sink: nothing."""


@dataclass(frozen=True)
class WatchSettings:
    """What ``refute watch`` is told (flags or ``REFUTE_*`` environment variables)."""

    l1_rpc: str
    l2_rpc: str
    beacon_rpc: str
    game_address: str
    key: str
    data_dir: Path
    rollup_rpc: str | None = None
    payout: str | None = None
    dev_mode: bool = False
    receipt_kind: str = "succinct"
    poll_interval: float = 2.0


class Watcher:
    """One watcher: its store, its L1 sender, and the phases of :meth:`poll`."""

    def __init__(self, settings: WatchSettings, events: Event = _ignore) -> None:
        try:
            self.account = Account.from_key(settings.key)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"--key: not a private key ({exc})") from None
        self.settings = settings
        self.events = events
        self.payout = Web3.to_checksum_address(settings.payout or self.account.address)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = WatcherStore(settings.data_dir / "watcher.sqlite")
        self.w3 = connect_l1(settings.l1_rpc)
        self.game = GameView(self.w3, settings.game_address)
        self.sender = DurableSender(self.w3, self.account, self.store)
        self.endpoints = endpoints_from_urls(settings.l1_rpc, settings.l2_rpc, settings.beacon_rpc, settings.rollup_rpc)
        self.image_id = self.game.fault_image_id()

    def close(self) -> None:
        self.store.close()

    # ---- the loop ----

    def poll(self) -> None:
        """One pass of every phase; a phase that meets a transient failure is retried on the next pass."""
        for submission in self.sender.resume():
            self.events({"event": "resumed", "intent": submission.intent, "tx": submission.tx_hash})
        self.sync()
        self.judge()
        self.prove()
        self.challenge()
        self.collect()

    def try_poll(self) -> str | None:
        """:meth:`poll`, reporting (not raising) a failure the next pass may get past: an RPC
        outage, a node without the data yet, a transaction not mined in time."""
        try:
            self.poll()
        except (RefuteError, OSError, ValueError, Web3Exception) as exc:
            error = f"{type(exc).__name__}: {exc}"
            self.events({"event": "retry", "error": error})
            return error
        return None

    def run(self, *, until_settled: int | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Polls until interrupted, or (``until_settled``) until that many proposals are settled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.try_poll()
            if until_settled is not None and self.settled(until_settled):
                return self.summary()
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"the watcher did not settle {until_settled} proposals within {timeout} s")
            time.sleep(self.settings.poll_interval)

    def settled(self, proposals: int) -> bool:
        """At least ``proposals`` proposals seen, every one judged and acted on, no bond left unclaimed."""
        records = self.store.proposals()
        if len(records) < proposals:
            return False
        for r in records:
            if r.verdict is None:
                return False
            if r.verdict in ("fault", "descendant") and r.outcome not in FINAL:
                return False
        return not (self._ours() and self.game.credit(self.payout) > 0)

    def _ours(self) -> bool:
        return self.payout.lower() == self.account.address.lower()

    # ---- 1. sync ----

    def sync(self) -> None:
        self._reopen_orphaned()
        count = self.game.count()
        for record in self.store.proposals():
            if record.id >= count:
                if record.outcome != "reorged":
                    self.store.update_proposal(record.id, outcome="reorged", detail="no longer on L1 (reorg)")
                    self.events({"event": "reorg", "proposal": record.id, "detail": "the proposal left L1"})
                continue
            if record.outcome in FINAL and record.outcome != "reorged":
                continue
            now = self.game.proposal(record.id)
            fields = (to_hex(now.output_root), to_hex(now.l1_head), now.l2_block, now.parent)
            if record.outcome == "reorged" or fields != (
                record.output_root,
                record.l1_head,
                record.l2_block,
                record.parent,
            ):
                self.store.record_proposal(self._record(now))
                self.events({"event": "reorg", "proposal": record.id, "detail": "back on L1 or changed: judged again"})
        for pid in range(self.store.max_proposal_id() + 1, count):
            p = self.game.proposal(pid)
            self.store.record_proposal(self._record(p))
            self.events(
                {
                    "event": "proposal_seen",
                    "proposal": pid,
                    "l2_block": p.l2_block,
                    "output_root": to_hex(p.output_root),
                }
            )
            failpoint("watch.synced")

    def _reopen_orphaned(self) -> None:
        """Transactions of ours that a reorg took off L1 are opened again (and re-sent by the
        sender's resume); the act they recorded is undone in the store, to be redone."""
        for sub in self.store.settled_submissions(self.sender.address):
            if self.sender.on_chain(sub.tx_hash):
                continue
            self.store.record_orphaned(sub.intent)
            action, _, rest = sub.intent.partition(":")
            proposal = rest.split(":")[0]
            if action in ("prove_fault", "prune") and proposal.isdigit():
                self.store.update_proposal(int(proposal), outcome=None, detail=f"reorged out: {sub.tx_hash}")
            self.events({"event": "reorg", "intent": sub.intent, "detail": f"{sub.tx_hash} left L1; sending again"})

    @staticmethod
    def _record(p: OnChainProposal) -> ProposalRecord:
        return ProposalRecord(
            id=p.id, parent=p.parent, l2_block=p.l2_block, output_root=to_hex(p.output_root), l1_head=to_hex(p.l1_head)
        )

    # ---- 2. judge ----

    def judge(self) -> None:
        for record in self.store.proposals():
            if record.verdict is not None or record.outcome in FINAL:
                continue
            parent = self.store.proposal(record.parent) if record.parent else None
            if parent is not None and parent.verdict is None:
                return  # judged in order: the parent first
            if parent is not None and parent.verdict in ("fault", "descendant"):
                self.store.update_proposal(record.id, verdict="descendant")
                self.events({"event": "verdict", "proposal": record.id, "verdict": "descendant", "parent": parent.id})
                failpoint("watch.judged")
                continue
            try:
                self._judge_one(record)
            except MissingDataError as exc:
                self.events({"event": "waiting", "proposal": record.id, "detail": str(exc)})
                return

    def _judge_one(self, record: ProposalRecord) -> None:
        self.events({"event": "rebuilding", "proposal": record.id, "l2_block": record.l2_block})
        collected = collect(self.endpoints, record.l2_block, record.l1_head, payout=self.payout)
        computed = str(collected.description["computed_output_root"])
        verdict = "valid" if computed.lower() == record.output_root.lower() else "fault"
        bundle = None
        if verdict == "fault":
            path = self.settings.data_dir / "bundles" / str(record.id)
            shutil.rmtree(path, ignore_errors=True)
            write_bundle(path, collected.input, {**collected.description, "claimed_output_root": record.output_root})
            bundle = str(path)
        self.store.update_proposal(record.id, verdict=verdict, computed_root=computed, bundle=bundle)
        self.events(
            {
                "event": "verdict",
                "proposal": record.id,
                "l2_block": record.l2_block,
                "verdict": verdict,
                "proposed_root": record.output_root,
                "correct_root": computed,
            }
        )
        failpoint("watch.judged")

    # ---- 3. prove ----

    def _still_open(self, record: ProposalRecord) -> bool:
        """Whether the proposal is still pending on L1; records why not otherwise."""
        p = self.game.proposal(record.id)
        if p.status == PENDING:
            return True
        ours = p.eliminated_for.lower() == self.payout.lower()
        outcome = {
            FAULTED: "challenged" if ours else "challenged_by_other",
            PRUNED: "pruned" if ours else "pruned_by_other",
        }.get(p.status, "closed")
        self.store.update_proposal(record.id, outcome=outcome)
        self.events({"event": outcome if not ours else "eliminated_earlier", "proposal": record.id, "outcome": outcome})
        return False

    def prove(self) -> None:
        for record in self.store.proposals():
            if record.verdict != "fault" or record.proof is not None or record.outcome in FINAL:
                continue
            if not self._still_open(record):
                continue
            assert record.bundle is not None
            out = self.settings.data_dir / "proofs" / f"{record.id}.proof.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_suffix(".partial")
            self.events(
                {
                    "event": "proving",
                    "proposal": record.id,
                    "dev_mode": self.settings.dev_mode,
                    "estimate": None if self.settings.dev_mode else self._estimate(record),
                }
            )
            summary = fault_api.prove(
                Path(record.bundle),
                record.output_root,
                self.payout,
                partial,
                receipt_kind=self.settings.receipt_kind,
                dev_mode=self.settings.dev_mode,
            )
            partial.replace(out)
            failpoint("watch.proved")
            summary["verified"] = self._verify(out)
            summary["out"] = str(out)
            self.store.update_proposal(record.id, proof=str(out), proof_summary=summary)
            self.events({"event": "proved", "proposal": record.id, **summary})
            failpoint("watch.verified")

    def _estimate(self, record: ProposalRecord) -> dict[str, Any] | None:
        """Predicted cycles and proving time on this machine (``refute fault prove --estimate``), for the log."""
        from refute.bench.command import estimate_bundle
        from refute.bench.cost import price

        assert record.bundle is not None
        try:
            predicted = estimate_bundle(Path(record.bundle), record.output_root, self.payout, price())
        except RefuteError:
            return None
        return {
            k: predicted.get(k) for k in ("predicted_total_cycles", "predicted_segments", "predicted_prove_seconds")
        }

    def _verify(self, artifact: Path) -> dict[str, Any]:
        """The receipt against the fault program's image ID, and the artifact's dispute call against its journal."""
        receipt, _ = read_receipt_file(artifact)
        verified = verify_receipt(receipt, self.image_id, allow_dev=self.settings.dev_mode)
        check_fault_section(artifact, verified.journal)
        return {
            "image_id": to_hex(self.image_id),
            "receipt_kind": verified.receipt_kind,
            "dev_mode": verified.dev_mode,
            "claim_digest": to_hex(verified.claim_digest),
        }

    # ---- 4. challenge ----

    def _challenge_for(self, record: ProposalRecord) -> Challenge:
        assert record.proof is not None and record.proof_summary is not None
        import json

        artifact = json.loads(Path(record.proof).read_text())
        call = artifact["fault"]["dispute_call"]
        receipt, _ = read_receipt_file(Path(record.proof))
        verified = verify_receipt(receipt, self.image_id, allow_dev=self.settings.dev_mode)
        if verified.receipt_kind == "groth16":
            seal = parse_hex(call["seal"], "seal")
        elif self.game.dev_mode():
            # The devnet's router routes RISC Zero's dev-mode mock verifier: it accepts
            # 0xFFFFFFFF ‖ claim digest. The receipt verified above is what proves this claim.
            seal = mock_seal(verified.claim_digest)
        else:
            raise UsageError(
                f"proposal {record.id}: this game's router needs a Groth16 seal and the receipt is "
                f"{verified.receipt_kind}; prove with --receipt groth16 on a machine with a Groth16 prover"
            )
        return Challenge(
            proposal_id=record.id,
            seal=seal,
            journal=FaultJournal.decode(verified.journal),
            openings=parse_hex(call["openings"], "openings"),
        )

    def _landed(self, record: ProposalRecord, sent: SubmissionRecord | None, outcome: str) -> bool:
        """Whether our transaction for this act was mined before a restart; if so, records ``outcome``
        (checking L1 instead would read a faulted proposal as someone else's work)."""
        if sent is None or sent.state != "mined":
            return False
        self.store.update_proposal(record.id, outcome=outcome, detail=sent.tx_hash)
        self.events(
            {
                "event": outcome,
                "proposal": record.id,
                "tx": sent.tx_hash,
                "gas_used": sent.gas_used,
                "block": sent.block_number,
            }
        )
        return True

    def challenge(self) -> None:
        from refute.l1.harness import prove_fault_args

        for record in self.store.proposals():
            if record.verdict != "fault" or record.proof is None or record.outcome in FINAL:
                continue
            intent = f"prove_fault:{record.id}:{record.l1_head}"
            sent_before = self.store.submission(intent)
            if self._landed(record, sent_before, "challenged"):
                continue
            if sent_before is None and not self._still_open(record):
                continue
            challenge = self._challenge_for(record)
            try:
                dispute.prove_fault(self.game.mirror_state(), challenge, now=self.game.next_timestamp())
            except VerificationError as exc:
                if self._still_open(record):
                    self.store.update_proposal(record.id, outcome="rejected", detail=f"mirror: {exc}")
                    self.events({"event": "rejected", "proposal": record.id, "reason": str(exc)})
                continue
            self.events({"event": "mirror_accepts", "proposal": record.id})
            fn = self.game.game.functions.prove_fault(*prove_fault_args(challenge))
            sent = self.sender.submit(intent, self._tx(fn))
            if sent.success:
                self.store.update_proposal(record.id, outcome="challenged", detail=sent.tx_hash)
                self.events(
                    {
                        "event": "challenged",
                        "proposal": record.id,
                        "tx": sent.tx_hash,
                        "gas_used": sent.gas_used,
                        "block": sent.block_number,
                    }
                )
            elif self._still_open(record):
                self.store.update_proposal(record.id, outcome="rejected", detail=f"reverted: {sent.tx_hash}")
                self.events({"event": "rejected", "proposal": record.id, "tx": sent.tx_hash})
            failpoint("watch.challenged")

    def _tx(self, fn: Any) -> dict[str, Any]:
        data = fn._encode_transaction_data()
        to = self.game.address
        gas = int(self.w3.eth.estimate_gas({"from": self.account.address, "to": to, "data": data}) * 13 // 10)
        base = int(self.w3.eth.get_block("latest").get("baseFeePerGas", 0))
        return {
            "type": 2,
            "to": to,
            "data": data,
            "value": 0,
            "gas": gas,
            "maxFeePerGas": 2 * base + PRIORITY_FEE,
            "maxPriorityFeePerGas": PRIORITY_FEE,
        }

    # ---- 5. collect ----

    def collect(self) -> None:
        for record in self.store.proposals():
            if record.verdict != "descendant" or record.outcome in FINAL:
                continue
            intent = f"prune:{record.id}:{record.l1_head}"
            sent_before = self.store.submission(intent)
            if self._landed(record, sent_before, "pruned"):
                continue
            p = self.game.proposal(record.id)
            if p.status != PENDING and sent_before is None:
                self._still_open(record)
                continue
            if self.game.proposal(p.parent).status not in (FAULTED, PRUNED):
                continue  # the parent is not eliminated on L1 yet
            sent = self.sender.submit(intent, self._tx(self.game.game.functions.prune(record.id)))
            if sent.success:
                self.store.update_proposal(record.id, outcome="pruned", detail=sent.tx_hash)
                self.events({"event": "pruned", "proposal": record.id, "tx": sent.tx_hash, "gas_used": sent.gas_used})
            else:
                self._still_open(record)
            failpoint("watch.pruned")
        if not self._ours():
            return
        credit = self.game.credit(self.payout)
        if credit == 0:
            return
        intent = f"withdraw:{self.store.settled_count('withdraw:')}"
        sent = self.sender.submit(intent, self._tx(self.game.game.functions.withdraw()))
        self.events(
            {"event": "withdrawn", "amount_wei": credit if sent.success else 0, "tx": sent.tx_hash, "ok": sent.success}
        )
        failpoint("watch.withdrawn")

    # ---- report ----

    def summary(self) -> dict[str, Any]:
        return {
            "game": self.game.address,
            "watcher": self.account.address,
            "payout": self.payout,
            "dev_mode": self.settings.dev_mode,
            "l1_verifier_dev_mode": self.game.dev_mode(),
            "proposals": [
                {
                    "id": r.id,
                    "l2_block": r.l2_block,
                    "proposed_root": r.output_root,
                    "correct_root": r.computed_root,
                    "verdict": r.verdict,
                    "outcome": r.outcome,
                    "proof": r.proof_summary,
                    "detail": r.detail,
                }
                for r in self.store.proposals()
            ],
            "submissions": self.store.submissions_json(),
        }

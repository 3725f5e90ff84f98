"""The watcher's state in SQLite: the proposals it judged, the proofs it made, and what it
sent to L1, each recorded before it is acted on.

Why SQLite with ``synchronous=FULL``: a committed row survives ``kill -9`` and
power loss, and one ``BEGIN IMMEDIATE`` transaction per step makes each
transition atomic, so a restarted watcher never sees half a decision.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.prover.errors import InvalidInputError

__all__ = ["SCHEMA_VERSION", "ProposalRecord", "SubmissionRecord", "WatcherStore"]

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    intent TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    nonce INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    raw BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('signed', 'mined', 'reverted')),
    attempts INTEGER NOT NULL,
    block_number INTEGER,
    gas_used INTEGER,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_open ON submissions (sender, nonce) WHERE state = 'signed';
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY,
    parent INTEGER NOT NULL,
    l2_block INTEGER NOT NULL,
    output_root TEXT NOT NULL,
    l1_head TEXT NOT NULL,
    verdict TEXT CHECK (verdict IN ('valid', 'fault', 'descendant')),
    computed_root TEXT,
    bundle TEXT,
    proof TEXT,
    proof_summary TEXT,
    outcome TEXT,
    detail TEXT,
    updated_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class SubmissionRecord:
    """One L1 transaction the watcher signed for ``intent`` (what it is for, e.g. ``prove_fault:12``)."""

    intent: str
    sender: str
    nonce: int
    tx_hash: str
    raw: bytes
    state: str
    attempts: int
    block_number: int | None
    gas_used: int | None

    @property
    def settled(self) -> bool:
        return self.state in ("mined", "reverted")


@dataclass(frozen=True)
class ProposalRecord:
    """One proposal as the watcher saw it on L1, and what it decided and did about it.

    ``verdict``: ``valid`` (correct execution gives the proposed root), ``fault``
    (it does not; this proposal is proven), ``descendant`` (its parent is faulty:
    it is pruned, never proven). ``outcome`` is the final act: ``challenged``,
    ``challenged_by_other``, ``pruned``, ``pruned_by_other`` or ``closed`` (no longer pending).
    """

    id: int
    parent: int
    l2_block: int
    output_root: str
    l1_head: str
    verdict: str | None = None
    computed_root: str | None = None
    bundle: str | None = None
    proof: str | None = None
    proof_summary: dict[str, Any] | None = None
    outcome: str | None = None
    detail: str | None = None


class WatcherStore:
    """The watcher's database (one file; safe to reopen after a crash)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        # Idempotent (IF NOT EXISTS); executescript commits on its own, so it runs outside a transaction.
        self._db.executescript(_SCHEMA)
        with self.transaction():
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise InvalidInputError(
                    f"{self.path}: watcher database schema {row[0]}, this refute reads {SCHEMA_VERSION}",
                    field="database",
                )

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic step: everything inside commits together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @staticmethod
    def _record(row: tuple[object, ...]) -> SubmissionRecord:
        intent, sender, nonce, tx_hash, raw, state, attempts, block_number, gas_used = row
        return SubmissionRecord(
            intent=str(intent),
            sender=str(sender),
            nonce=int(nonce),  # type: ignore[call-overload]
            tx_hash=str(tx_hash),
            raw=bytes(raw),  # type: ignore[call-overload]
            state=str(state),
            attempts=int(attempts),  # type: ignore[call-overload]
            block_number=None if block_number is None else int(block_number),  # type: ignore[call-overload]
            gas_used=None if gas_used is None else int(gas_used),  # type: ignore[call-overload]
        )

    _COLUMNS = "intent, sender, nonce, tx_hash, raw, state, attempts, block_number, gas_used"

    def submission(self, intent: str) -> SubmissionRecord | None:
        row = self._db.execute(f"SELECT {self._COLUMNS} FROM submissions WHERE intent = ?", (intent,)).fetchone()
        return None if row is None else self._record(row)

    def open_submissions(self, sender: str) -> list[SubmissionRecord]:
        """Signed but not yet seen settled on L1, lowest nonce first."""
        rows = self._db.execute(
            f"SELECT {self._COLUMNS} FROM submissions WHERE sender = ? AND state = 'signed' ORDER BY nonce",
            (sender,),
        ).fetchall()
        return [self._record(r) for r in rows]

    def highest_nonce(self, sender: str) -> int | None:
        row = self._db.execute("SELECT MAX(nonce) FROM submissions WHERE sender = ?", (sender,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def record_signed(self, intent: str, sender: str, nonce: int, tx_hash: str, raw: bytes) -> SubmissionRecord:
        """Records a signed transaction for ``intent`` before it is broadcast (a re-sign replaces the old one)."""
        with self.transaction() as db:
            previous = self.submission(intent)
            if previous is not None and previous.settled:
                raise InvalidInputError(f"intent {intent!r} is already settled on L1 ({previous.tx_hash})")
            attempts = 1 if previous is None else previous.attempts + 1
            db.execute(
                "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, 'signed', ?, NULL, NULL, ?)",
                (intent, sender, nonce, tx_hash, raw, attempts, time.time()),
            )
        record = self.submission(intent)
        assert record is not None
        return record

    def record_settled(self, intent: str, *, success: bool, block_number: int, gas_used: int) -> SubmissionRecord:
        with self.transaction() as db:
            updated = db.execute(
                "UPDATE submissions SET state = ?, block_number = ?, gas_used = ?, updated_at = ? WHERE intent = ?",
                ("mined" if success else "reverted", block_number, gas_used, time.time(), intent),
            ).rowcount
            if updated != 1:
                raise InvalidInputError(f"no signed transaction recorded for intent {intent!r}")
        record = self.submission(intent)
        assert record is not None
        return record

    # ---- proposals ----

    _PROPOSAL_COLUMNS = "id, parent, l2_block, output_root, l1_head, verdict, computed_root, bundle, proof, proof_summary, outcome, detail"

    @staticmethod
    def _proposal(row: tuple[Any, ...]) -> ProposalRecord:
        pid, parent, l2_block, root, l1_head, verdict, computed, bundle, proof, summary, outcome, detail = row
        return ProposalRecord(
            id=int(pid),
            parent=int(parent),
            l2_block=int(l2_block),
            output_root=str(root),
            l1_head=str(l1_head),
            verdict=verdict,
            computed_root=computed,
            bundle=bundle,
            proof=proof,
            proof_summary=None if summary is None else json.loads(summary),
            outcome=outcome,
            detail=detail,
        )

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self._db.execute(
            f"SELECT {self._PROPOSAL_COLUMNS} FROM proposals WHERE id = ?", (proposal_id,)
        ).fetchone()
        return None if row is None else self._proposal(row)

    def proposals(self) -> list[ProposalRecord]:
        rows = self._db.execute(f"SELECT {self._PROPOSAL_COLUMNS} FROM proposals ORDER BY id").fetchall()
        return [self._proposal(r) for r in rows]

    def max_proposal_id(self) -> int:
        row = self._db.execute("SELECT MAX(id) FROM proposals").fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def record_proposal(self, record: ProposalRecord) -> None:
        """Inserts a newly seen proposal, or replaces one whose on-chain fields changed (a reorg)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO proposals (id, parent, l2_block, output_root, l1_head, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (record.id, record.parent, record.l2_block, record.output_root, record.l1_head, time.time()),
            )

    def update_proposal(self, proposal_id: int, **fields: Any) -> ProposalRecord:
        """Sets some of ``verdict``, ``computed_root``, ``bundle``, ``proof``, ``proof_summary``, ``outcome``, ``detail``."""
        allowed = {"verdict", "computed_root", "bundle", "proof", "proof_summary", "outcome", "detail"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInputError(f"unknown proposal fields {sorted(unknown)}", field="proposal")
        values = [json.dumps(v) if k == "proof_summary" and v is not None else v for k, v in fields.items()]
        assignments = ", ".join(f"{k} = ?" for k in fields)
        with self.transaction() as db:
            updated = db.execute(
                f"UPDATE proposals SET {assignments}, updated_at = ? WHERE id = ?",
                (*values, time.time(), proposal_id),
            ).rowcount
            if updated != 1:
                raise InvalidInputError(f"no proposal {proposal_id} recorded", field="proposal")
        record = self.proposal(proposal_id)
        assert record is not None
        return record

    # ---- reports ----

    def settled_count(self, intent_prefix: str) -> int:
        """How many transactions for intents starting with ``intent_prefix`` were mined successfully."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM submissions WHERE intent LIKE ? AND state = 'mined'", (intent_prefix + "%",)
        ).fetchone()
        return int(row[0])

    def submissions_json(self) -> list[dict[str, Any]]:
        """Every transaction the watcher signed: intent, hash, nonce, state, attempts, block and gas."""
        rows = self._db.execute(
            "SELECT intent, tx_hash, nonce, state, attempts, block_number, gas_used FROM submissions ORDER BY nonce"
        ).fetchall()
        keys = ("intent", "tx", "nonce", "state", "attempts", "block", "gas_used")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def settled_submissions(self, sender: str) -> list[SubmissionRecord]:
        """Transactions seen mined or reverted (a reorg may have taken them off the chain since)."""
        rows = self._db.execute(
            f"SELECT {self._COLUMNS} FROM submissions WHERE sender = ? AND state != 'signed' ORDER BY nonce",
            (sender,),
        ).fetchall()
        return [self._record(r) for r in rows]

    def record_orphaned(self, intent: str) -> SubmissionRecord:
        """A settled transaction that is no longer on the chain: open again, so it is settled anew
        (the same signed bytes are broadcast again; its nonce is free once more)."""
        with self.transaction() as db:
            updated = db.execute(
                "UPDATE submissions SET state = 'signed', block_number = NULL, gas_used = NULL, updated_at = ? "
                "WHERE intent = ? AND state != 'signed'",
                (time.time(), intent),
            ).rowcount
            if updated != 1:
                raise InvalidInputError(f"no settled transaction recorded for intent {intent!r}")
        record = self.submission(intent)
        assert record is not None
        return record

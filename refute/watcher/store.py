"""The watcher's state in SQLite: what it sent to L1, recorded before it is sent.

Why SQLite with ``synchronous=FULL``: a committed row survives ``kill -9`` and
power loss, and one ``BEGIN IMMEDIATE`` transaction per step makes each
transition atomic, so a restarted watcher never sees half a decision.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from refute.prover.errors import InvalidInputError

__all__ = ["SCHEMA_VERSION", "SubmissionRecord", "WatcherStore"]

SCHEMA_VERSION = 1

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

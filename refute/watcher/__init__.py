"""``refute watch`` (:mod:`refute.watcher.watch`) and its durable parts: its SQLite state and an
idempotent transaction sender.

A watcher must survive ``kill -9`` at any point without losing or duplicating
a challenge. Everything it decides is written to SQLite before it acts on it
(:mod:`refute.watcher.store`), and every L1 transaction is signed and recorded
before it is broadcast (:mod:`refute.watcher.sender`), so a restarted watcher
finds each transaction either mined, pending, or never sent, and acts once.
"""

from refute.watcher.sender import DurableSender, Submission
from refute.watcher.store import WatcherStore

__all__ = ["DurableSender", "Submission", "WatcherStore"]

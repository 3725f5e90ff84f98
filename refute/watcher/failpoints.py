"""Failpoints: named places where a test can make the process die as ``kill -9`` would.

Crash-recovery tests need the watcher to die *between* two specific durable
steps (after a transaction is recorded but before it is broadcast, after it is
broadcast but before its receipt is recorded, ...), every time, not when a
timer happens to fire. ``REFUTE_FAILPOINTS=name[@n],...`` kills the process
with SIGKILL the ``n``-th time (default the first) execution reaches ``name``.
Unset, a failpoint is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

__all__ = ["ENV", "failpoint"]

ENV = "REFUTE_FAILPOINTS"
_reached: Counter[str] = Counter()


def _armed() -> dict[str, int]:
    spec = os.environ.get(ENV, "")
    armed: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, count = item.partition("@")
        armed[name] = int(count) if count else 1
    return armed


def failpoint(name: str) -> None:
    """Dies with SIGKILL here if ``REFUTE_FAILPOINTS`` arms ``name`` for this occurrence."""
    armed = _armed()
    if name not in armed:
        return
    _reached[name] += 1
    if _reached[name] == armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)

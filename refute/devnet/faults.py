"""Failures the devnet injects, so clients' retry and error paths meet a real server.

A :class:`FailurePlan` holds, per request name (a JSON-RPC method, or a beacon
path prefix such as ``/eth/v1/beacon/blob_sidecars``), a queue of failures to
answer with before answering normally. Each failure is used once, so a plan of
two HTTP 429s followed by success tests backoff without making the run flaky.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from enum import Enum


class Failure(Enum):
    """How one request fails."""

    DROP = "drop"  #: close the connection without an answer
    TIMEOUT = "timeout"  #: answer only after the client's timeout has passed
    RATE_LIMITED = "429"  #: HTTP 429 Too Many Requests
    SERVER_ERROR = "500"  #: HTTP 500
    UNAVAILABLE = "503"  #: HTTP 503


@dataclass
class FailurePlan:
    """Queues of failures by request name; thread-safe (the server answers on many threads)."""

    timeout_seconds: float = 1.0
    _queues: dict[str, deque[Failure]] = field(default_factory=lambda: defaultdict(deque), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    injected: list[tuple[str, Failure]] = field(default_factory=list, init=False)

    def add(self, request: str, *failures: Failure) -> None:
        """Answers the next ``len(failures)`` requests named ``request`` with these failures, in order."""
        with self._lock:
            self._queues[request].extend(failures)

    def take(self, request: str) -> Failure | None:
        """The failure for this request, if one is queued for its name or for a prefix of it."""
        with self._lock:
            for name, queue in self._queues.items():
                if queue and (request == name or request.startswith(name + "/")):
                    failure = queue.popleft()
                    self.injected.append((request, failure))
                    return failure
        return None

    def pending(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._queues.values())

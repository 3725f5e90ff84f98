"""The progress display of ``refute fault bundle``: one rich status line on stderr.

Collection is a sequence of small requests whose count is not known up front
(the L1 window grows until derivation succeeds), so it shows the current step
and what it is fetching rather than a bar. Silent when stderr is not a terminal.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


class CollectProgress:
    """A context manager that is also the collector's ``progress(step, detail)`` callback."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._status: Any = None

    def __enter__(self) -> CollectProgress:
        if self.console.is_terminal:
            self._status = self.console.status("collecting the fault bundle")
            self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)
            self._status = None

    def __call__(self, step: str, detail: str) -> None:
        if self._status is not None:
            self._status.update(f"{step}: {detail}")

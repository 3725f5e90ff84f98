"""A watcher process for crash tests: ``refute watch`` in dev mode until the game's proposals are settled.

Run as ``python watch_worker.py SETTINGS_JSON``, where the JSON object holds
:class:`~refute.watcher.watch.WatchSettings` fields (``l1_rpc``, ``l2_rpc``,
``beacon_rpc``, ``game_address``, ``key``, ``data_dir``, optionally ``payout``
and ``poll_interval``) and ``until_settled`` / ``timeout`` for
:meth:`~refute.watcher.watch.Watcher.run`. ``dev_mode`` is always on (the
devnet's router accepts the mock verifier's seal).

Each watcher event is written to stderr as one JSON line as it happens (so a
test can see how far a killed process got); on success the run's summary is
printed to stdout as JSON and the exit status is 0. ``REFUTE_FAILPOINTS``
makes the process die with SIGKILL at a chosen step, as a crashed watcher would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from refute.watcher.watch import Watcher, WatchSettings

#: Prefix of an event line on stderr (other output, e.g. the prover's warnings, goes there too).
EVENT = "EVENT "


def settings_json(settings: WatchSettings, *, until_settled: int, timeout: float) -> str:
    """The worker's argument for ``settings`` (the inverse of :func:`main`'s parsing)."""
    fields = {
        "l1_rpc": settings.l1_rpc,
        "l2_rpc": settings.l2_rpc,
        "beacon_rpc": settings.beacon_rpc,
        "game_address": settings.game_address,
        "key": settings.key,
        "data_dir": str(settings.data_dir),
        "payout": settings.payout,
        "poll_interval": settings.poll_interval,
    }
    return json.dumps({**fields, "until_settled": until_settled, "timeout": timeout})


def events_of(stderr: str) -> list[dict[str, Any]]:
    """The events a worker wrote to stderr, in order (the last line may be cut by the kill)."""
    events = []
    for line in stderr.splitlines():
        if line.startswith(EVENT):
            try:
                events.append(json.loads(line[len(EVENT) :]))
            except json.JSONDecodeError:
                pass
    return events


def _emit(event: dict[str, Any]) -> None:
    sys.stderr.write(EVENT + json.dumps(event, default=str) + "\n")
    sys.stderr.flush()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: watch_worker.py SETTINGS_JSON\n")
        return 2
    spec = json.loads(argv[0])
    settings = WatchSettings(
        l1_rpc=spec["l1_rpc"],
        l2_rpc=spec["l2_rpc"],
        beacon_rpc=spec["beacon_rpc"],
        game_address=spec["game_address"],
        key=spec["key"],
        data_dir=Path(spec["data_dir"]),
        payout=spec.get("payout"),
        dev_mode=True,
        poll_interval=float(spec.get("poll_interval", 0.5)),
    )
    watcher = Watcher(settings, events=_emit)
    try:
        summary = watcher.run(until_settled=int(spec["until_settled"]), timeout=float(spec["timeout"]))
    finally:
        watcher.close()
    sys.stdout.write(json.dumps(summary, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

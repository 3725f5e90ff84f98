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

The helpers below the worker (:func:`start_devnet`, :func:`watch_settings`,
:func:`roles`) are for the tests that drive a devnet; they import the devnet
lazily so the worker itself starts as fast as ``refute watch`` does.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refute.watcher.watch import Watcher, WatchSettings

if TYPE_CHECKING:
    from refute.devnet.faults import FailurePlan
    from refute.devnet.network import Devnet

#: Prefix of an event line on stderr (other output, e.g. the prover's warnings, goes there too).
EVENT = "EVENT "
#: Statuses of a proposal in the game (``FaultDisputeGame.vy``).
PENDING, RESOLVED, FAULTED, PRUNED = 1, 2, 3, 4
#: Long enough that no proposal resolves while a test runs (L1 seconds).
CHALLENGE_WINDOW = 86_400
#: Wall seconds per 12-second L1 slot.
BLOCK_INTERVAL = 0.5


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


# ---- for the tests that drive this worker ----


def settings_json(settings: WatchSettings, *, until_settled: int, timeout: float) -> str:
    """The worker's argument for ``settings``."""
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
    """The events a worker wrote to stderr, in order (a line cut by the kill is skipped)."""
    events = []
    for line in stderr.splitlines():
        if line.startswith(EVENT):
            with contextlib.suppress(json.JSONDecodeError):
                events.append(json.loads(line[len(EVENT) :]))
    return events


def start_devnet(scenario: str, *, failures: FailurePlan | None = None) -> Devnet:
    """A running devnet for ``scenario`` whose proposals are all on L1 (none can resolve during a test)."""
    from refute.devnet.apps import scenario as scenario_plan
    from refute.devnet.network import Devnet
    from refute.prover.guests_registry import load_guest

    devnet = Devnet(
        scenario_plan(scenario),
        fault_image_id=load_guest("fault").image_id,
        challenge_window=CHALLENGE_WINDOW,
        block_interval=BLOCK_INTERVAL,
        failures=failures,
    )
    devnet.start()
    try:
        expected = int(devnet.describe()["proposals_expected"])
        devnet.wait_for(lambda: len(devnet.game_proposals()) >= expected, 120, f"{expected} proposals on L1")
    except BaseException:
        devnet.stop()
        raise
    return devnet


def watch_settings(
    devnet: Devnet, data_dir: Path, *, key: str | None = None, poll_interval: float = 0.25
) -> WatchSettings:
    """Settings for a dev-mode watcher of ``devnet`` (the devnet's watcher key unless ``key``)."""
    info = devnet.describe()
    return WatchSettings(
        l1_rpc=info["l1_rpc"],
        l2_rpc=info["l2_rpc"],
        beacon_rpc=info["beacon_rpc"],
        game_address=info["game_address"],
        key=key or info["watcher_key"],
        data_dir=data_dir,
        dev_mode=True,
        poll_interval=poll_interval,
    )


def roles(devnet: Devnet) -> dict[int, str]:
    """What each proposal on L1 is by construction: ``valid``, ``fault`` (first wrong root of its
    chain) or ``descendant`` (a proposal on top of a wrong one)."""
    proposals = {p["id"]: p for p in devnet.game_proposals()}
    out: dict[int, str] = {}
    for pid in sorted(proposals):
        p = proposals[pid]
        parent = out.get(int(p["parent"]), "valid")
        if parent != "valid":
            out[pid] = "descendant"
        else:
            out[pid] = "valid" if p["correct"] else "fault"
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

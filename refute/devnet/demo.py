"""``refute demo``: one of the founding incidents on the devnet, caught and disproven by the watcher.

The steps, each reported as it happens: the devnet starts with the scenario's
fault injected into the proposer's node; the watcher sees the proposals,
rebuilds each block from L1 and blobs and re-executes it; the first faulty
block is proven (a real succinct receipt unless ``dev_mode``), verified against
the fault program's image ID and checked by the pure-Python mirror of the game;
the challenge lands on L1, the faulty proposal's descendant is pruned and the
bonds withdrawn; then L1 time moves past the challenge window and the honest
proposal resolves untouched.

The devnet's game routes RISC Zero's dev-mode mock verifier (no Groth16 prover
exists on a machine without Docker or CUDA), so the L1 step checks the journal
and the claim digest the receipt proved, not a Groth16 seal; the report says so.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from refute.devnet.apps import scenario as scenario_plan
from refute.devnet.network import ANCHOR_BLOCK, Devnet
from refute.prover.errors import EnvironmentUnavailable
from refute.prover.guests_registry import load_guest
from refute.watcher.watch import Watcher, WatchSettings

__all__ = ["L1_VERIFIER_NOTE", "first_difference", "run_demo"]

L1_VERIFIER_NOTE = (
    "the devnet's dispute game routes RISC Zero's dev-mode mock verifier: L1 accepted 0xFFFFFFFF || claim digest "
    "for the claim the receipt proves; no Groth16 seal was made (no Groth16 prover on this machine)"
)
#: Challenge window (L1 seconds) and L1 slot pace (wall seconds per 12 s slot) of the demo's devnet:
#: a day of L1 time, so real proving on a slow machine still lands inside the window.
CHALLENGE_WINDOW = 86_400
BLOCK_INTERVAL = 0.5
#: Blocks per span batch the demo's batcher posts: the faulty block sits mid-span, so its
#: proof reaches back past the agreed block to the span's parent (the L2 genesis block).
SPAN_BLOCKS = 3

Step = Callable[[dict[str, Any]], None]
#: OP Stack predeploys (fee vaults among them) live at 0x4200…; they differ whenever gas use does.
PREDEPLOY_PREFIX = "0x42000000000000000000000000000000000000"


def _hex_int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value or 0)


def _differences(correct: dict[str, Any], posted: dict[str, Any]) -> list[dict[str, Any]]:
    """Every differing field of every account, by address (storage slot by slot)."""
    out: list[dict[str, Any]] = []
    for address in sorted(set(correct) | set(posted)):
        a, b = correct.get(address) or {}, posted.get(address) or {}
        for field in ("balance", "nonce"):
            if _hex_int(a.get(field)) != _hex_int(b.get(field)):
                out.append({"account": address, "field": field, "correct": a.get(field), "posted": b.get(field)})
        if (a.get("code") or "0x") != (b.get("code") or "0x"):
            out.append({"account": address, "field": "code"})
        sa, sb = a.get("storage") or {}, b.get("storage") or {}
        for slot in sorted(set(sa) | set(sb), key=_hex_int):
            if _hex_int(sa.get(slot)) != _hex_int(sb.get(slot)):
                out.append(
                    {
                        "account": address,
                        "field": "storage",
                        "slot": slot,
                        "correct": sa.get(slot, "0x0"),
                        "posted": sb.get(slot, "0x0"),
                    }
                )
    return out


def first_difference(correct: dict[str, Any], posted: dict[str, Any]) -> dict[str, Any] | None:
    """Where two full states (the sequencer's ``post_state`` shape) first differ; None when equal.

    Storage comes first and the fee vaults last: a wrong state also moves gas
    fees, and a reader wants the slot that shows what went wrong, not the fee change.
    """

    def rank(d: dict[str, Any]) -> int:
        if d["account"].lower().startswith(PREDEPLOY_PREFIX):
            return 3
        return {"storage": 0, "code": 1}.get(d["field"], 2)

    found = _differences(correct, posted)
    if not found:
        return None
    best = min(found, key=rank)
    return {**best, "accounts_differing": len({d["account"] for d in found})}


def run_demo(
    scenario: str = "seeding",
    *,
    dev_mode: bool = False,
    step: Step | None = None,
    data_dir: Path | None = None,
    timeout: float = 4 * 3600,
) -> dict[str, Any]:
    """Runs the scenario end to end; returns the account of every step (``step`` sees each as it happens)."""
    steps: list[dict[str, Any]] = []

    def report(name: str, **fields: Any) -> None:
        entry = {"step": name, "t": round(time.monotonic() - started, 1), **fields}
        steps.append(entry)
        if step is not None:
            step(entry)

    started = time.monotonic()
    plan = scenario_plan(scenario)
    guest = load_guest("fault")
    devnet = Devnet(
        plan,
        fault_image_id=guest.image_id,
        challenge_window=CHALLENGE_WINDOW,
        block_interval=BLOCK_INTERVAL,
        span_blocks=SPAN_BLOCKS,
    )
    with devnet, tempfile.TemporaryDirectory(prefix="refute-demo-") as tmp:
        info = devnet.describe()
        report(
            "devnet",
            scenario=plan.name,
            title=plan.title,
            injected=plan.describe.get("faulty", ""),
            faulty_block=plan.faulty_block,
            l1_rpc=info["l1_rpc"],
            l2_rpc=info["l2_rpc"],
            game=info["game_address"],
            bond_wei=devnet.bond,
        )
        settings = WatchSettings(
            l1_rpc=info["l1_rpc"],
            l2_rpc=info["l2_rpc"],
            beacon_rpc=info["beacon_rpc"],
            game_address=info["game_address"],
            key=info["watcher_key"],
            data_dir=data_dir or Path(tmp),
            dev_mode=dev_mode,
            poll_interval=0.5,
        )
        watcher = Watcher(settings, events=lambda e: _watch_event(e, devnet, report))
        try:
            expected = info["proposals_expected"]
            deadline = time.monotonic() + timeout
            while not watcher.settled(expected):
                devnet.raise_if_failed()
                if time.monotonic() > deadline:
                    raise EnvironmentUnavailable(f"demo: the watcher did not settle within {timeout:.0f} s")
                error = watcher.try_poll()
                if error is not None:
                    report("retry", error=error)
                time.sleep(settings.poll_interval)
            summary = watcher.summary()
        finally:
            watcher.close()
        report("warp", seconds=devnet.challenge_window, note="L1 time moves past the challenge window")
        devnet.warp(devnet.challenge_window + 12)
        devnet.wait_for(
            lambda: all(p["status"] != 1 for p in devnet.game_proposals()), 120, "the honest proposals resolving"
        )
        final = devnet.game_proposals()
        honest = [p for p in final if p["correct"]]
        report(
            "honest_untouched",
            proposals=[p["id"] for p in honest],
            resolved=all(p["status"] == 2 for p in honest),
        )
    return {
        "scenario": plan.name,
        "title": plan.title,
        "dev_mode": dev_mode,
        "l1_verifier": "dev-mode mock verifier (see note)",
        "note": L1_VERIFIER_NOTE,
        "anchor_block": ANCHOR_BLOCK,
        "steps": steps,
        "proposals": final,
        "watcher": summary,
        "seconds": round(time.monotonic() - started, 1),
    }


def _watch_event(event: dict[str, Any], devnet: Devnet, report: Callable[..., None]) -> None:
    """Turns the watcher's events into the demo's steps (adding what only the devnet knows)."""
    kind = event["event"]
    if kind == "proposal_seen":
        report("proposal_seen", proposal=event["proposal"], l2_block=event["l2_block"], root=event["output_root"])
    elif kind == "verdict" and event["verdict"] == "fault":
        n = event["l2_block"]
        diff = first_difference(devnet.canonical.state(n), devnet.proposer_node.state(n))
        names = {address.lower(): name for name, address in devnet.plan.accounts.items()}
        if diff is not None and diff["account"].lower() in names:
            diff["name"] = names[diff["account"].lower()]
        report(
            "fault_found",
            proposal=event["proposal"],
            l2_block=n,
            correct_root=event["correct_root"],
            proposed_root=event["proposed_root"],
            first_difference=diff,
        )
    elif kind == "verdict":
        report("verdict", proposal=event["proposal"], verdict=event["verdict"])
    elif kind == "proving":
        report("proving", proposal=event["proposal"], dev_mode=event["dev_mode"], estimate=event.get("estimate"))
    elif kind == "proved":
        report(
            "proved",
            proposal=event["proposal"],
            receipt_kind=event["receipt_kind"],
            dev_mode=event["dev_mode"],
            total_cycles=event["total_cycles"],
            segments=event["segments"],
            prove_seconds=event["prove_seconds"],
            verified_against=event["verified"]["image_id"],
        )
    elif kind == "mirror_accepts":
        report("mirror_accepts", proposal=event["proposal"])
    elif kind in ("challenged", "pruned", "withdrawn", "rejected", "challenged_by_other", "reorg"):
        report(kind, **{k: v for k, v in event.items() if k != "event"})

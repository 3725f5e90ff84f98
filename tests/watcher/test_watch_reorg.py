"""An L1 reorg that takes a proposal and the watcher's challenge off the chain.

The devnet reorgs its py-evm L1 back to just before the descendant proposal was
mined: the proposer's transactions come back in new blocks (so that proposal
has a new L1 head), the watcher's challenge, prune and withdrawal are dropped.
The watcher must notice both, judge the changed proposal again, and send its
dropped transactions again (the same signed bytes), ending with the same
outcome on L1 and still exactly one challenge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from refute.devnet.apps import scenario
from refute.devnet.network import Devnet
from refute.prover.guests_registry import load_guest
from refute.watcher.watch import Watcher, WatchSettings

PENDING, RESOLVED, FAULTED, PRUNED = 1, 2, 3, 4


def _watcher(devnet: Devnet, data_dir: Path, events: list[dict[str, Any]]) -> Watcher:
    info = devnet.describe()
    settings = WatchSettings(
        l1_rpc=info["l1_rpc"],
        l2_rpc=info["l2_rpc"],
        beacon_rpc=info["beacon_rpc"],
        game_address=info["game_address"],
        key=info["watcher_key"],
        data_dir=data_dir,
        dev_mode=True,
        poll_interval=0.3,
    )
    return Watcher(settings, events=events.append)


def _mined_in(devnet: Devnet, tx_hash: str) -> int:
    with devnet.l1.lock:
        return int(devnet.l1.w3.eth.get_transaction_receipt(tx_hash)["blockNumber"])  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_reorged_proposal_is_judged_again_and_a_dropped_challenge_sent_again(tmp_path: Path) -> None:
    plan = scenario("seeding")
    events: list[dict[str, Any]] = []
    with Devnet(plan, fault_image_id=load_guest("fault").image_id, challenge_window=86_400) as devnet:
        watcher = _watcher(devnet, tmp_path, events)
        first = watcher.run(until_settled=3, timeout=300)
        challenge = next(s for s in first["submissions"] if s["intent"].startswith("prove_fault:"))
        before = {p["id"]: p for p in devnet.game_proposals()}
        assert before[2]["status"] == FAULTED and before[3]["status"] == PRUNED

        descendant_tx = devnet.proposer.proposals[-1].tx_hash
        to_block = _mined_in(devnet, descendant_tx) - 1
        assert _mined_in(devnet, challenge["tx"]) > to_block, "the challenge must be in the orphaned blocks"
        dropped = devnet.reorg(to_block)
        assert challenge["tx"] in dropped
        after_reorg = {p["id"]: p for p in devnet.game_proposals()}
        assert after_reorg[2]["status"] == PENDING, "the challenge left L1 with the reorg"

        second = watcher.run(until_settled=3, timeout=300)
        watcher.close()

        final = {p["id"]: p for p in devnet.game_proposals()}
        address = devnet.watcher.address.lower()
        assert final[1]["status"] == PENDING and final[1]["correct"]
        assert final[2]["status"] == FAULTED and final[2]["eliminated_for"].lower() == address
        assert final[3]["status"] == PRUNED and final[3]["eliminated_for"].lower() == address
        with devnet.l1.lock:
            credit = devnet.game.functions.credit(devnet.watcher.address).call()
            nonce = devnet.l1.w3.eth.get_transaction_count(devnet.watcher.address)
        assert credit == 0

    reorgs = [e for e in events if e["event"] == "reorg"]
    assert any(e.get("intent", "").startswith("prove_fault:") for e in reorgs), reorgs
    assert any(e.get("proposal") == 3 for e in reorgs), ("the re-proposed descendant was not noticed", events)
    challenges = [s for s in second["submissions"] if s["intent"].startswith("prove_fault:")]
    assert [c["tx"] for c in challenges] == [challenge["tx"]], "one challenge, the same signed bytes"
    assert all(s["state"] == "mined" for s in second["submissions"]), second["submissions"]
    # Every transaction the watcher signed is on L1, none twice: its nonce counts them.
    assert nonce == len({s["nonce"] for s in second["submissions"]})

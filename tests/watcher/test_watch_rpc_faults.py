"""The watcher settles the same way while its nodes drop, stall, rate-limit and fail requests.

The devnet's server answers requests from a :class:`FailurePlan`: dozens of
failures (connection drops, stalls that end in a dropped connection, HTTP 429,
500 and 503), chosen by a seeded :class:`random.Random`, across the L1 methods
the watcher and the bundle collector call, the L2 and rollup node's methods and
the beacon API's blob sidecars. Some are queued before the watcher starts (the
L2 and beacon requests all happen while it judges), the rest are fed in while
it runs so they land in every later phase (proving checks, the mirror's reads,
gas estimates, nonces, broadcasts, receipts). The watcher must settle with the
result an undisturbed watcher reaches: the fault proven by one transaction,
its descendant pruned, the bonds withdrawn, the correct proposal untouched,
and nothing sent twice.
"""

from __future__ import annotations

import random
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from refute.devnet.faults import Failure, FailurePlan
from refute.watcher.watch import FINAL, Watcher

sys.path.insert(0, str(Path(__file__).parent))
from watch_worker import FAULTED, PENDING, PRUNED, roles, start_devnet, watch_settings

SEED = 7_340_117
L1_METHODS = (
    "eth_call",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getBlockReceipts",
    "eth_sendRawTransaction",
    "eth_getTransactionReceipt",
    "eth_estimateGas",
    "eth_getTransactionCount",
)
#: ``eth_getBlockByNumber`` is also an L2 method: the plan names requests, not nodes.
L2_METHODS = ("debug_executionWitness", "optimism_outputAtBlock", "eth_getBlockByNumber", "optimism_rollupConfig")
BEACON = ("/eth/v1/beacon/blob_sidecars",)
KINDS = tuple(Failure)
#: Seconds a stalled request is held before its connection is dropped (below every client's timeout,
#: so a stall costs the watcher seconds, not its clients' 10-15 s timeouts).
STALL = 1.0
#: Failures fed in while the watcher runs, one every FEED_INTERVAL seconds on average.
FED = 45
FEED_INTERVAL = 0.4
#: At least this many failures must have been served (typically 60-70 are).
MIN_SERVED = 35


def _initial_failures(rng: random.Random, plan: FailurePlan) -> int:
    """Up to three failures for every method and path, queued before the watcher starts."""
    queued = 0
    for name in dict.fromkeys((*L1_METHODS, *L2_METHODS, *BEACON)):
        failures = [rng.choice(KINDS) for _ in range(rng.randint(1, 3))]
        plan.add(name, *failures)
        queued += len(failures)
    return queued


class Feeder(threading.Thread):
    """Adds one L1 failure (method and kind from ``rng``) at a time while the watcher runs."""

    def __init__(self, rng: random.Random, plan: FailurePlan, count: int) -> None:
        super().__init__(name="failure-feeder", daemon=True)
        self.rng, self.plan, self.count = rng, plan, count
        self.stop = threading.Event()
        self.fed = 0

    def run(self) -> None:
        while self.fed < self.count and not self.stop.wait(self.rng.uniform(0.5, 1.5) * FEED_INTERVAL):
            self.plan.add(self.rng.choice(L1_METHODS), self.rng.choice(KINDS))
            self.fed += 1


@pytest.mark.slow
def test_the_watcher_settles_the_same_through_dozens_of_node_failures(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    plan = FailurePlan(timeout_seconds=STALL)
    devnet = start_devnet("seeding", failures=plan)
    try:
        proposal_roles = roles(devnet)
        info = devnet.describe()
        ours = Web3.to_checksum_address(info["watcher_address"])
        bond = int(info["bond_wei"])
        with devnet.l1.lock:
            balance_before = devnet.l1.w3.eth.get_balance(ours)

        queued = _initial_failures(rng, plan)
        events: list[dict[str, Any]] = []
        watcher = Watcher(watch_settings(devnet, tmp_path / "watcher"), events=events.append)
        feeder = Feeder(rng, plan, FED)
        feeder.start()
        try:
            summary = watcher.run(until_settled=len(proposal_roles), timeout=150)
        finally:
            feeder.stop.set()
            feeder.join()
            watcher.close()
        served = list(plan.injected)

        with devnet.l1.lock:
            w3 = devnet.l1.w3
            nonce = w3.eth.get_transaction_count(ours)
            balance_after = w3.eth.get_balance(ours)
            credit = devnet.game.functions.credit(ours).call()
            receipts = [w3.eth.get_transaction_receipt(s["tx"]) for s in summary["submissions"]]
        statuses = {p["id"]: (p["status"], p["eliminated_for"]) for p in devnet.game_proposals()}
    finally:
        devnet.stop()

    # The failures were served, of every kind, to the L1, L2 and beacon clients alike.
    kinds = Counter(failure for _, failure in served)
    names = Counter("blob_sidecars" if name.startswith(BEACON[0]) else name for name, _ in served)
    print(
        f"\n{len(served)} failures served of {queued + feeder.fed} queued; by kind "
        f"{ {k.value: n for k, n in kinds.items()} }; by request {dict(names)}; "
        f"{sum(e['event'] == 'retry' for e in events)} passes retried"
    )
    assert len(served) >= MIN_SERVED
    assert set(kinds) == set(Failure)
    assert {n for n, _ in served} >= {"debug_executionWitness", "optimism_outputAtBlock", "optimism_rollupConfig"}
    assert any(n.startswith(BEACON[0]) for n, _ in served)
    assert len({n for n, _ in served} & set(L1_METHODS)) >= 6

    # The same result as without failures: on L1 ...
    for pid, role in proposal_roles.items():
        status, eliminated_for = statuses[pid]
        if role == "valid":
            assert status == PENDING
        else:
            assert (status, eliminated_for) == ((FAULTED if role == "fault" else PRUNED), ours), (pid, statuses)
    assert credit == 0
    fees = sum(int(r["gasUsed"]) * int(r["effectiveGasPrice"]) for r in receipts)
    assert balance_after - balance_before == 2 * bond - fees
    # ... and in the store: the right verdicts, one mined transaction per act, none lost or doubled.
    assert {p["id"]: p["verdict"] for p in summary["proposals"]} == proposal_roles
    for p in summary["proposals"]:
        assert p["verdict"] == "valid" or p["outcome"] in FINAL, p
    acts = sorted(s["intent"].split(":")[0] for s in summary["submissions"])
    assert acts == ["prove_fault", "prune", "withdraw"], summary["submissions"]
    assert all(s["state"] == "mined" for s in summary["submissions"]), summary["submissions"]
    assert all(r["status"] == 1 for r in receipts)
    assert nonce == len(summary["submissions"])

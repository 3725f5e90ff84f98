"""The watcher settles the same way while its nodes drop, stall, rate-limit and fail requests.

The devnet's server answers requests from a :class:`FailurePlan`: dozens of
failures (connection drops, stalls that end in a dropped connection, HTTP 429,
500 and 503), chosen by a seeded :class:`random.Random`, across the L1 methods
the watcher and the bundle collector call, the L2 and rollup node's methods and
the beacon API's blob sidecars. Some are queued before the watcher starts (the
L2 and beacon requests all come while it judges), one of them more often than
its client retries, so a whole pass fails and is retried; the rest are fed in
one at a time per method while it runs, so they land in every later phase
(the mirror's reads, gas estimates, nonces, broadcasts, receipts). The watcher
must settle with the result an undisturbed watcher reaches: the fault proven
by one transaction, its descendant pruned, the bonds withdrawn, the correct
proposal untouched, and nothing sent twice.
"""

from __future__ import annotations

import random
import sys
import threading
import time
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
BEACON = "/eth/v1/beacon/blob_sidecars"
KINDS = tuple(Failure)
#: Seconds a stalled request is held before its connection is dropped: below every client's
#: timeout (10 s for L1, 15 s for the others), so a stall costs seconds, not a client timeout.
STALL = 1.0
#: Failures fed in while the watcher runs: at most one outstanding per method, and one per
#: COOLDOWN seconds per method (so a client's backoff ends before the next incident begins).
FED = 40
FEED_INTERVAL = 0.4
COOLDOWN = 3.0
#: At least this many failures must have been served.
MIN_SERVED = 35
#: This request fails five times in a row, more than its client retries (``RpcClient``: four), so
#: the watcher's pass fails and is retried whole.
EXHAUSTED = "optimism_rollupConfig"


class Plan:
    """The devnet's :class:`FailurePlan` and what was queued on it, per request name."""

    def __init__(self) -> None:
        self.failures = FailurePlan(timeout_seconds=STALL)
        self.queued: Counter[str] = Counter()

    def add(self, name: str, *failures: Failure) -> None:
        self.failures.add(name, *failures)
        self.queued[name] += len(failures)

    def served(self) -> list[tuple[str, Failure]]:
        return list(self.failures.injected)

    def outstanding(self, name: str) -> int:
        """Failures queued for ``name`` and not served yet."""
        return self.queued[name] - sum(served == name for served, _ in self.served())


def queue_initial_failures(rng: random.Random, plan: Plan) -> None:
    """One to three failures for every method and path, five for :data:`EXHAUSTED`."""
    for name in dict.fromkeys((*L1_METHODS, *L2_METHODS, BEACON)):
        if name == EXHAUSTED:
            plan.add(name, *(rng.choice((Failure.RATE_LIMITED, Failure.UNAVAILABLE)) for _ in range(5)))
        else:
            plan.add(name, *(rng.choice(KINDS) for _ in range(rng.randint(1, 3))))


class Feeder(threading.Thread):
    """Adds L1 failures (method and kind from ``rng``) while the watcher runs, only to a method with
    none outstanding and none added for :data:`COOLDOWN` seconds, so they spread over the phases
    instead of piling up on one method or chaining into one long outage."""

    def __init__(self, rng: random.Random, plan: Plan, count: int) -> None:
        super().__init__(name="failure-feeder", daemon=True)
        self.rng, self.plan, self.count = rng, plan, count
        self.stop = threading.Event()
        self.fed = 0
        self.added: dict[str, float] = {}

    def run(self) -> None:
        while self.fed < self.count and not self.stop.wait(self.rng.uniform(0.5, 1.5) * FEED_INTERVAL):
            method, kind = self.rng.choice(L1_METHODS), self.rng.choice(KINDS)
            now = time.monotonic()
            if self.plan.outstanding(method) == 0 and now - self.added.get(method, -COOLDOWN) >= COOLDOWN:
                self.plan.add(method, kind)
                self.added[method] = now
                self.fed += 1


@pytest.mark.slow
def test_the_watcher_settles_the_same_through_dozens_of_node_failures(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    plan = Plan()
    devnet = start_devnet("seeding", failures=plan.failures)
    try:
        proposal_roles = roles(devnet)
        info = devnet.describe()
        ours = Web3.to_checksum_address(info["watcher_address"])
        bond = int(info["bond_wei"])
        with devnet.l1.lock:
            balance_before = devnet.l1.w3.eth.get_balance(ours)

        queue_initial_failures(rng, plan)
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
        served = plan.served()

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
    names = [BEACON if name.startswith(BEACON) else name for name, _ in served]
    kinds = Counter(failure.value for _, failure in served)
    retries = [e["error"] for e in events if e["event"] == "retry"]
    print(
        f"\n{len(served)} failures served of {sum(plan.queued.values())} queued; by kind {dict(kinds)}; "
        f"by request {dict(Counter(names))}; {len(retries)} passes retried"
    )
    assert len(served) >= MIN_SERVED
    assert set(kinds) == {f.value for f in Failure}
    assert set(names) >= {"debug_executionWitness", "optimism_outputAtBlock", "optimism_rollupConfig", BEACON}
    assert len(set(names) & set(L1_METHODS)) >= 6, Counter(names)
    # The request that failed past its client's retries: the watcher retried its whole pass.
    assert names.count(EXHAUSTED) == 5
    assert any(EXHAUSTED in error for error in retries), retries

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

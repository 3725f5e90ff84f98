"""The watcher survives SIGKILL at any step: it proves each fault once, prunes, withdraws, and
never sends a transaction twice.

For each devnet scenario a watcher process (``watch_worker.py``) is killed over
and over by failpoints (``REFUTE_FAILPOINTS``) chosen by a seeded
:class:`random.Random` from every phase: sync, judge, prove, verify, challenge,
prune, withdraw and the durable sender's sign / broadcast / settle steps. Each
restart arms the next failpoint, chosen among the steps the restarted watcher
still has ahead of it (what the store and L1 say is done), so every run but
the last ends in a real kill; each L1 act (prove, prune, withdraw) is crashed
inside its sending in one scenario and right after it in the other, so
between them the two scenarios kill at every failpoint. A last run without
failpoints must settle, and then L1 and the store must show exactly what one
uninterrupted watcher would have done: the fault proven by one mined
``prove_fault`` transaction paid to the watcher, the descendant pruned, the
correct proposal untouched, the bonds withdrawn, and as many transactions on
L1 from the watcher's key as the store records. A second watcher started
after that finds nothing to do.

A separate devnet checks the other side of "once": a fault a rival watcher has
already proven is noticed and left alone.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from refute.devnet.network import Devnet, devnet_key
from refute.watcher.failpoints import ENV
from refute.watcher.store import WatcherStore
from refute.watcher.watch import FINAL, Watcher, WatchSettings

WORKER = Path(__file__).with_name("watch_worker.py")
sys.path.insert(0, str(WORKER.parent))
from watch_worker import (  # noqa: E402
    FAULTED,
    PENDING,
    PRUNED,
    events_of,
    roles,
    settings_json,
    start_devnet,
    watch_settings,
)

SEED = 20240917
SCENARIOS = ("seeding", "oracle")
#: Real kills per scenario (so at least 20 in the module).
KILLS_PER_SCENARIO = 10
SENDER = ("sender.signed", "sender.broadcast", "sender.settled")
FAILPOINTS = (
    "watch.synced",
    "watch.judged",
    "watch.proved",
    "watch.verified",
    "watch.challenged",
    "watch.pruned",
    "watch.withdrawn",
    *SENDER,
)
#: A bound on the lives of one campaign (kills needed, then failpoints not killed yet).
MAX_LIVES = 16
#: How long one worker may take to settle (a life normally lasts 3-20 s).
WORKER_TIMEOUT = 180.0

pytestmark = pytest.mark.slow


# ---- running the worker ----


@dataclass(frozen=True)
class Life:
    """One watcher process: what was armed, how it ended, what it reported."""

    armed: str
    returncode: int
    events: list[dict[str, Any]]
    summary: dict[str, Any] | None
    seconds: float

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def sent(self) -> list[dict[str, Any]]:
        """Events that mean this life acted on L1 or proved something."""
        acts = ("proving", "challenged", "pruned", "withdrawn", "resumed")
        return [e for e in self.events if e.get("event") in acts]


def run_worker(settings: WatchSettings, proposals: int, failpoints: str = "") -> Life:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if failpoints:
        env[ENV] = failpoints
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(WORKER), settings_json(settings, until_settled=proposals, timeout=WORKER_TIMEOUT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT + 60,
    )
    if proc.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"watcher worker ({failpoints or 'no failpoint'}) exited {proc.returncode}: {proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None
    return Life(failpoints, proc.returncode, events_of(proc.stderr), summary, time.monotonic() - started)


# ---- what the next life still has to do (so the armed failpoint is reached) ----


def _l1(devnet: Devnet, read: Callable[[Web3], Any]) -> Any:
    with devnet.l1.lock:
        return read(devnet.l1.w3)


def _receipt(devnet: Devnet, tx_hash: str) -> Any | None:
    def read(w3: Web3) -> Any | None:
        try:
            return w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except Exception:
            return None

    return _l1(devnet, read)


def _intent_of(intent: str) -> tuple[str, int | None]:
    """``prove_fault:2:0x…`` -> (``prove_fault``, 2); ``withdraw:0`` -> (``withdraw``, None)."""
    action, _, rest = intent.partition(":")
    target = rest.split(":")[0]
    return action, int(target) if action in ("prove_fault", "prune") and target.isdigit() else None


def _settle_pending(devnet: Devnet, tx_hash: str, wait: float = 2.0) -> bool:
    """Whether ``tx_hash`` is (or within ``wait`` seconds, four slots, gets) mined: a transaction the
    killed watcher broadcast is mined long before the next life has started."""
    deadline = time.monotonic() + wait
    while _receipt(devnet, tx_hash) is None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


#: The L1 acts, each sent through the sender and then confirmed by its phase's failpoint.
ACTS = {"prove_fault": "watch.challenged", "prune": "watch.pruned", "withdraw": "watch.withdrawn"}
#: Where an act's crashes land in one scenario: ``inside`` its sending (sign, broadcast, settle) or
#: ``after`` it (the phase's failpoint). Not both: a restarted watcher finds an act it recorded
#: already done on L1 and records the outcome without passing the phase's failpoint again.
MODES = ("inside", "after")

Step = tuple[str, str | None]  # (failpoint, the act it belongs to)


def remaining_steps(devnet: Devnet, data_dir: Path, proposal_roles: dict[int, str]) -> list[Step]:
    """The failpoints an uninterrupted watcher starting from ``data_dir`` reaches, in order.

    Conservative where the path depends on what is already recorded: a
    transaction recorded but not settled is settled by ``resume()`` at
    start-up, and the phase that sent it then finds it done on L1.
    """
    database = data_dir / "watcher.sqlite"
    if not database.exists():
        records: dict[int, Any] = {}
        submissions: list[dict[str, Any]] = []
    else:
        store = WatcherStore(database)
        try:
            records = {r.id: r for r in store.proposals()}
            submissions = store.submissions_json()
        finally:
            store.close()
    sent = {_intent_of(s["intent"]) for s in submissions}
    steps: list[Step] = []
    for s in submissions:  # resume(), lowest nonce first
        if s["state"] == "signed":
            act = _intent_of(s["intent"])[0]
            if not _settle_pending(devnet, s["tx"]):
                steps.append(("sender.broadcast", act))
            steps.append(("sender.settled", act))
    steps += [("watch.synced", None)] * sum(pid not in records for pid in proposal_roles)
    unjudged = sum(records.get(pid) is None or records[pid].verdict is None for pid in proposal_roles)
    steps += [("watch.judged", None)] * unjudged

    def open_(pid: int) -> bool:
        r = records.get(pid)
        return r is None or r.outcome not in FINAL

    def send(act: str) -> list[Step]:
        return [(name, act) for name in (*SENDER, ACTS[act])]

    faults = [pid for pid, role in proposal_roles.items() if role == "fault"]
    for pid in faults:
        if open_(pid) and (records.get(pid) is None or records[pid].proof is None):
            steps += [("watch.proved", None), ("watch.verified", None)]
    for pid in faults:
        if open_(pid) and ("prove_fault", pid) not in sent:
            steps += send("prove_fault")
    for pid, role in proposal_roles.items():
        if role == "descendant" and open_(pid) and ("prune", pid) not in sent:
            steps += send("prune")
    if ("withdraw", None) not in sent:
        steps += send("withdraw")
    return steps


def choose_failpoint(
    rng: random.Random, steps: list[Step], modes: dict[str, str], kills_needed: int, killed: set[str]
) -> str | None:
    """``name@n`` for one of the next few eligible ``steps`` (None when there is none to arm).

    Eligible: the steps the acts' ``modes`` allow. While kills are needed, a
    step only as far ahead as leaves enough eligible steps after it for them
    (each life uses up the eligible steps up to its kill); among those, the
    first failpoint not killed yet, else a random one. Once enough kills are
    in, only failpoints not killed yet are armed, so none is ever skipped.
    """
    eligible = [i for i, (name, act) in enumerate(steps) if act is None or (modes[act] == "inside") == (name in SENDER)]
    window = eligible[: max(1, min(4, len(eligible) - kills_needed + 1))] if kills_needed > 0 else eligible
    fresh = [i for i in window if steps[i][0] not in killed]
    if fresh:
        i = fresh[0]
    elif kills_needed > 0 and window:
        i = rng.choice(window)
    else:
        return None
    name = steps[i][0]
    return f"{name}@{sum(n == name for n, _ in steps[: i + 1])}"


# ---- one campaign per scenario ----


@dataclass
class Campaign:
    """A devnet scenario, the watcher lives killed on it, and what L1 held once it settled."""

    scenario: str
    roles: dict[int, str]
    watcher: str
    bond: int
    lives: list[Life] = field(default_factory=list)
    final: Life | None = None
    balance_before: int = 0
    balance_after: int = 0
    nonce_after: int = 0
    credit_after: int = 0
    statuses: dict[int, tuple[int, str]] = field(default_factory=dict)
    receipts: dict[str, Any] = field(default_factory=dict)
    again_same_store: Life | None = None
    again_new_store: Life | None = None
    nonce_after_again: int = 0
    seconds: float = 0.0

    @property
    def kills(self) -> list[Life]:
        return [life for life in self.lives if life.killed]


def _snapshot(devnet: Devnet, c: Campaign) -> None:
    c.balance_after = _l1(devnet, lambda w3: w3.eth.get_balance(c.watcher))
    c.nonce_after = _l1(devnet, lambda w3: w3.eth.get_transaction_count(c.watcher))
    c.credit_after = _l1(devnet, lambda w3: devnet.game.functions.credit(c.watcher).call())
    c.statuses = {p["id"]: (int(p["status"]), str(p["eliminated_for"])) for p in devnet.game_proposals()}
    assert c.final is not None and c.final.summary is not None
    for s in c.final.summary["submissions"]:
        c.receipts[s["intent"]] = _receipt(devnet, s["tx"])


def run_campaign(scenario: str, rng: random.Random, modes: dict[str, str], killed: set[str], tmp: Path) -> Campaign:
    started = time.monotonic()
    devnet = start_devnet(scenario)
    try:
        proposal_roles = roles(devnet)
        info = devnet.describe()
        c = Campaign(scenario, proposal_roles, Web3.to_checksum_address(info["watcher_address"]), int(info["bond_wei"]))
        c.balance_before = _l1(devnet, lambda w3: w3.eth.get_balance(c.watcher))
        settings = watch_settings(devnet, tmp / scenario)
        proposals = len(proposal_roles)
        while len(c.lives) < MAX_LIVES:
            steps = remaining_steps(devnet, settings.data_dir, proposal_roles)
            armed = choose_failpoint(rng, steps, modes, KILLS_PER_SCENARIO - len(c.kills), killed)
            if armed is None:
                break
            life = run_worker(settings, proposals, armed)
            c.lives.append(life)
            if not life.killed:
                break  # the armed step was not reached again: this life settled everything
            killed.add(armed.partition("@")[0])
        c.final = run_worker(settings, proposals)
        _snapshot(devnet, c)
        # A second watcher after the first settled: the same store, then a new one with the same key.
        c.again_same_store = run_worker(settings, proposals)
        c.again_new_store = run_worker(watch_settings(devnet, tmp / f"{scenario}-again"), proposals)
        c.nonce_after_again = _l1(devnet, lambda w3: w3.eth.get_transaction_count(c.watcher))
    finally:
        devnet.stop()
    c.seconds = time.monotonic() - started
    return c


@pytest.fixture(scope="module")
def campaigns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Campaign]:
    rng = random.Random(SEED)
    # Each act is crashed inside its sending in one scenario and after it in the other.
    orders = {act: rng.sample(MODES, len(MODES)) for act in ACTS}
    killed: set[str] = set()
    tmp = tmp_path_factory.mktemp("watch-crash")
    out = {}
    for n, scenario in enumerate(SCENARIOS):
        modes = {act: order[n % len(MODES)] for act, order in orders.items()}
        out[scenario] = run_campaign(scenario, rng, modes, killed, tmp)
        c = out[scenario]
        print(
            f"\n{scenario}: {len(c.kills)} kills in {len(c.lives)} lives, {c.seconds:.0f} s: "
            + ", ".join(f"{life.armed}{'' if life.killed else ' (not reached)'}" for life in c.lives)
        )
    return out


# ---- the checks ----


def test_kills_land_in_every_phase(campaigns: dict[str, Campaign]) -> None:
    kills = [life for c in campaigns.values() for life in c.kills]
    assert len(kills) >= KILLS_PER_SCENARIO * len(SCENARIOS)
    hit = {life.armed.partition("@")[0] for life in kills}
    assert hit == set(FAILPOINTS), f"never killed at {sorted(set(FAILPOINTS) - hit)}"
    for c in campaigns.values():
        assert len(c.kills) >= KILLS_PER_SCENARIO, [life.armed for life in c.lives]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_after_the_crashes_the_fault_is_proven_once_and_the_bonds_collected(
    campaigns: dict[str, Campaign], scenario: str
) -> None:
    c = campaigns[scenario]
    assert c.final is not None and c.final.returncode == 0 and c.final.summary is not None
    summary = c.final.summary
    by_role = {role: [pid for pid, r in c.roles.items() if r == role] for role in ("valid", "fault", "descendant")}
    assert by_role["fault"] and by_role["descendant"] and by_role["valid"], c.roles

    # L1: the fault eliminated for the watcher, its descendant pruned, the correct proposal untouched.
    for pid in by_role["fault"]:
        assert c.statuses[pid] == (FAULTED, c.watcher), (pid, c.statuses)
    for pid in by_role["descendant"]:
        assert c.statuses[pid] == (PRUNED, c.watcher), (pid, c.statuses)
    for pid in by_role["valid"]:
        assert c.statuses[pid][0] == PENDING, (pid, c.statuses)

    # The store: every verdict right, one mined transaction per intent, nothing reverted.
    verdicts = {p["id"]: p["verdict"] for p in summary["proposals"]}
    assert verdicts == c.roles
    submissions = summary["submissions"]
    intents = [s["intent"] for s in submissions]
    acts = sorted((_intent_of(i) for i in intents), key=str)
    expected = [("prove_fault", pid) for pid in by_role["fault"]] + [("prune", pid) for pid in by_role["descendant"]]
    assert acts == sorted([*expected, ("withdraw", None)], key=str), intents
    assert all(s["state"] == "mined" for s in submissions), submissions
    assert [s["nonce"] for s in submissions] == list(range(len(submissions)))
    # L1 agrees: one transaction per recorded submission, each mined successfully (no other nonce used).
    assert c.nonce_after == len(submissions)
    for s in submissions:
        receipt = c.receipts[s["intent"]]
        assert receipt is not None and receipt["status"] == 1 and Web3.to_hex(receipt["transactionHash"]) == s["tx"]

    # The bonds: credit withdrawn, the balance up by two bonds less exactly the gas paid.
    assert c.credit_after == 0
    fees = sum(int(r["gasUsed"]) * int(r["effectiveGasPrice"]) for r in c.receipts.values())
    assert c.balance_after - c.balance_before == 2 * c.bond - fees
    assert 0 < fees < c.bond // 10


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_after_the_crashes_the_store_credits_the_watcher_with_its_own_challenge(
    campaigns: dict[str, Campaign], scenario: str
) -> None:
    c = campaigns[scenario]
    assert c.final is not None and c.final.summary is not None
    outcomes = {p["id"]: p["outcome"] for p in c.final.summary["proposals"]}
    expected = {"valid": None, "fault": "challenged", "descendant": "pruned"}
    assert outcomes == {pid: expected[role] for pid, role in c.roles.items()}, [life.armed for life in c.lives]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_watcher_started_after_settling_sends_nothing(campaigns: dict[str, Campaign], scenario: str) -> None:
    c = campaigns[scenario]
    assert c.final is not None and c.final.summary is not None
    same, new = c.again_same_store, c.again_new_store
    assert same is not None and same.summary is not None and new is not None and new.summary is not None
    assert c.nonce_after_again == c.nonce_after
    # Resuming the settled store: the same record, nothing proved or sent.
    assert same.sent() == []
    assert same.summary["submissions"] == c.final.summary["submissions"]
    assert same.summary["proposals"] == c.final.summary["proposals"]
    # A new store with the same key: the eliminations are seen as done, nothing proved or sent.
    assert new.sent() == [] and new.summary["submissions"] == []
    outcomes = {p["id"]: p["outcome"] for p in new.summary["proposals"]}
    done = {
        "valid": {None},
        "fault": {"challenged", "challenged_by_other"},
        "descendant": {"pruned", "pruned_by_other"},
    }
    for pid, role in c.roles.items():
        assert outcomes[pid] in done[role], (pid, outcomes)


# ---- someone else proved it first ----


@pytest.fixture(scope="module")
def rival_devnet() -> Iterator[Devnet]:
    devnet = start_devnet("seeding")
    yield devnet
    devnet.stop()


def _fund(devnet: Devnet, to: str, value: int) -> None:
    """A transfer from the devnet's watcher key, mined by the devnet's clock."""
    sender = devnet.watcher

    def sign(w3: Web3) -> bytes:
        tx = {
            "to": to,
            "value": value,
            "gas": 21_000,
            "maxFeePerGas": 50 * 10**9,
            "maxPriorityFeePerGas": 10**9,
            "nonce": w3.eth.get_transaction_count(sender.address),
            "chainId": w3.eth.chain_id,
        }
        return bytes(sender.sign_transaction(tx).raw_transaction)

    devnet.l1.send_raw(_l1(devnet, sign))
    devnet.wait_for(lambda: _l1(devnet, lambda w3: w3.eth.get_balance(to)) >= value, 30, "the rival funded")


def test_a_fault_proven_by_someone_else_is_noticed_and_not_proven_again(rival_devnet: Devnet, tmp_path: Path) -> None:
    devnet = rival_devnet
    proposal_roles = roles(devnet)
    rival = devnet_key("rival")
    _fund(devnet, rival.address, 10**18)
    ours = devnet.watcher.address
    nonce_before = _l1(devnet, lambda w3: w3.eth.get_transaction_count(ours))

    rival_watcher = Watcher(watch_settings(devnet, tmp_path / "rival", key=Web3.to_hex(rival.key)))
    try:
        rival_summary = rival_watcher.run(until_settled=len(proposal_roles), timeout=WORKER_TIMEOUT)
    finally:
        rival_watcher.close()
    assert [s["intent"].partition(":")[0] for s in rival_summary["submissions"]] == ["prove_fault", "prune", "withdraw"]

    events: list[dict[str, Any]] = []
    watcher = Watcher(watch_settings(devnet, tmp_path / "ours"), events=events.append)
    try:
        summary = watcher.run(until_settled=len(proposal_roles), timeout=WORKER_TIMEOUT)
    finally:
        watcher.close()
    outcomes = {p["id"]: (p["verdict"], p["outcome"]) for p in summary["proposals"]}
    expected = {
        "valid": ("valid", None),
        "fault": ("fault", "challenged_by_other"),
        "descendant": ("descendant", "pruned_by_other"),
    }
    assert outcomes == {pid: expected[role] for pid, role in proposal_roles.items()}
    assert summary["submissions"] == []
    assert not [e for e in events if e["event"] in ("proving", "mirror_accepts", "challenged", "pruned", "withdrawn")]
    assert any(e["event"] == "challenged_by_other" for e in events)
    assert _l1(devnet, lambda w3: w3.eth.get_transaction_count(ours)) == nonce_before
    for p in devnet.game_proposals():
        if proposal_roles[p["id"]] != "valid":
            assert p["eliminated_for"] == rival.address

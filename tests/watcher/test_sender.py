"""The durable sender acts once per intent, whatever step a crash (SIGKILL) interrupts.

A worker process pays three recipients through a :class:`DurableSender`; a
failpoint kills it after signing, after broadcasting or after settling the
first, second or third payment. Re-run, it must finish the job with exactly
one transaction per payment: each recipient holds exactly its amount and the
sender's nonce equals the number of payments.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3

from refute.l1.chain import RpcServer, serve
from refute.watcher import DurableSender, WatcherStore
from refute.watcher.failpoints import ENV

WORKER = Path(__file__).with_name("sender_worker.py")
sys.path.insert(0, str(WORKER.parent))
from sender_worker import RECIPIENTS, payment  # noqa: E402


@pytest.fixture(scope="module")
def l1() -> Iterator[RpcServer]:
    server = serve()
    yield server
    server.stop()


def _funded_key(server: RpcServer) -> str:
    account = Account.create()
    w3 = server.chain.w3
    w3.eth.send_transaction({"to": account.address, "value": 10**19})
    return Web3.to_hex(account.key)


def _run_worker(server: RpcServer, database: Path, key: str, failpoints: str = "") -> int:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if failpoints:
        env[ENV] = failpoints
    proc = subprocess.run(
        [sys.executable, str(WORKER), server.url, str(database), key], env=env, capture_output=True, text=True
    )
    if proc.returncode not in (0, -signal.SIGKILL):
        pytest.fail(f"worker failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return proc.returncode


def _balances(server: RpcServer) -> list[int]:
    return [server.chain.w3.eth.get_balance(Web3.to_checksum_address(r)) for r in RECIPIENTS]


@pytest.mark.slow
@pytest.mark.parametrize("occurrence", [1, 2, 3])
@pytest.mark.parametrize("step", ["sender.signed", "sender.broadcast", "sender.settled"])
def test_a_crash_at_any_step_never_loses_or_repeats_a_payment(
    l1: RpcServer, tmp_path: Path, step: str, occurrence: int
) -> None:
    key = _funded_key(l1)
    before = _balances(l1)
    database = tmp_path / "watcher.sqlite"
    assert _run_worker(l1, database, key, f"{step}@{occurrence}") == -signal.SIGKILL
    assert _run_worker(l1, database, key) == 0
    paid = [after - b for after, b in zip(_balances(l1), before, strict=True)]
    assert paid == [payment(i)["value"] for i in range(3)]
    address = Account.from_key(key).address
    assert l1.chain.w3.eth.get_transaction_count(address) == 3
    store = WatcherStore(database)
    assert [store.submission(f"pay:{i}").state for i in range(3)] == ["mined"] * 3  # type: ignore[union-attr]
    assert store.open_submissions(address) == []


def test_a_repeated_intent_returns_the_first_transaction(l1: RpcServer, tmp_path: Path) -> None:
    account = Account.from_key(_funded_key(l1))
    sender = DurableSender(l1.chain.w3, account, WatcherStore(tmp_path / "w.sqlite"))
    first = sender.submit("pay:0", payment(0))
    again = sender.submit("pay:0", payment(1))
    assert again == first and first.success and first.attempts == 1
    assert l1.chain.w3.eth.get_transaction_count(account.address) == 1


def test_a_recorded_transaction_whose_nonce_was_taken_is_signed_again(l1: RpcServer, tmp_path: Path) -> None:
    account = Account.from_key(_funded_key(l1))
    store = WatcherStore(tmp_path / "w.sqlite")
    sender = DurableSender(l1.chain.w3, account, store)
    # Recorded, never broadcast (a crash right after signing) ...
    stale = account.sign_transaction({**payment(2), "nonce": 0, "chainId": l1.chain.w3.eth.chain_id})
    store.record_signed("pay:2", account.address, 0, Web3.to_hex(stale.hash), bytes(stale.raw_transaction))
    # ... and meanwhile the operator used nonce 0 for something else.
    other = account.sign_transaction({**payment(0), "nonce": 0, "chainId": l1.chain.w3.eth.chain_id})
    l1.chain.w3.eth.send_raw_transaction(other.raw_transaction)
    assert sender.resume() == []
    done = sender.submit("pay:2", payment(2))
    assert done.success and done.attempts == 2 and done.tx_hash != Web3.to_hex(stale.hash)
    assert l1.chain.w3.eth.get_transaction_count(account.address) == 2


def test_a_database_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    WatcherStore(path).close()
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    from refute.prover.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="schema 99"):
        WatcherStore(path)

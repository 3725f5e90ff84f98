"""A watcher stand-in for crash tests: pays three recipients through a DurableSender, then exits.

Run as ``python sender_worker.py L1_URL DATABASE KEY_HEX``; ``REFUTE_FAILPOINTS``
makes it die with SIGKILL at a chosen step, as a crashed watcher would.
"""

from __future__ import annotations

import sys

from eth_account import Account
from web3 import Web3

from refute.l1.chain import connect
from refute.watcher import DurableSender, WatcherStore

RECIPIENTS = [Web3.to_checksum_address(f"0x{0xC0FFEE00 + i:040x}") for i in range(3)]


def payment(i: int) -> dict[str, object]:
    return {
        "to": RECIPIENTS[i],
        "value": 1_000 + i,
        "gas": 21_000,
        "maxFeePerGas": 100 * 10**9,
        "maxPriorityFeePerGas": 10**9,
    }


def main(url: str, database: str, key: str) -> int:
    sender = DurableSender(connect(url), Account.from_key(key), WatcherStore(database))
    sender.resume()
    for i in range(len(RECIPIENTS)):
        sender.submit(f"pay:{i}", payment(i))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

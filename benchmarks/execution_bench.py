"""Stateless execution cost: native throughput and zkVM executor cycles per transaction.

Two block kinds, built here from a synthetic pre-state and signed with
eth-account: simple ETH transfers to fresh accounts, and ERC-20 ``transfer``
calls on a minimal token (balance mapping in slot 0, a Transfer log) to fresh
holders. The header's roots are computed by the core, then the block's exact
witness is extracted from the full pre-state — the same path the conformance
tests use.

* native: transactions/s and Mgas/s of :func:`prover.execute.execute_block`
  (witness parsing, signature recovery, execution, roots), median over runs;
* zkVM: executor cycles (deterministic) of the ``block`` guest for 1 and N
  transactions, and the marginal cycles per transaction.

    .venv/bin/python benchmarks/execution_bench.py [--txs 200] [--runs 5] [--guest-txs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import rlp
from Crypto.Hash import keccak
from eth_account import Account
from eth_utils import to_checksum_address

from refute.prover.execute import execute_block, guest_input
from refute.prover.witness import state_root, witness_from_state

CHAIN = {"chain_id": 1, "fork": "Cancun"}
GAS_LIMIT = 60_000_000
BASE_FEE = 1_000_000_000
EMPTY_TRIE = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
EMPTY_OMMERS = bytes.fromhex("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
TRANSFER_TOPIC = bytes.fromhex("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
SENDER_KEY = "0x" + "11" * 32
TOKEN = "0x" + "70" * 20

OPS = {
    "SUB": 0x03,
    "ADD": 0x01,
    "LT": 0x10,
    "EQ": 0x14,
    "SHR": 0x1C,
    "SHA3": 0x20,
    "CALLER": 0x33,
    "CALLDATALOAD": 0x35,
    "MSTORE": 0x52,
    "SLOAD": 0x54,
    "SSTORE": 0x55,
    "JUMPI": 0x57,
    "JUMPDEST": 0x5B,
    "DUP1": 0x80,
    "DUP2": 0x81,
    "DUP3": 0x82,
    "SWAP1": 0x90,
    "LOG3": 0xA3,
    "RETURN": 0xF3,
    "REVERT": 0xFD,
}


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def assemble(program: list[Any]) -> bytes:
    """A tiny assembler: opcode names, ("PUSH", bytes), ("PUSHL", label), ("LABEL", name)."""
    labels, size = {}, 0
    for item in program:
        if isinstance(item, tuple) and item[0] == "LABEL":
            labels[item[1]] = size
            size += 1  # JUMPDEST
        elif isinstance(item, tuple):
            size += 1 + (len(item[1]) if item[0] == "PUSH" else 2)
        else:
            size += 1
    out = bytearray()
    for item in program:
        if isinstance(item, tuple) and item[0] == "LABEL":
            out.append(OPS["JUMPDEST"])
        elif isinstance(item, tuple) and item[0] == "PUSH":
            out.append(0x5F + len(item[1]))
            out += item[1]
        elif isinstance(item, tuple):
            out.append(0x61)
            out += labels[item[1]].to_bytes(2, "big")
        else:
            out.append(OPS[item])
    return bytes(out)


def erc20_runtime() -> bytes:
    """``transfer(address,uint256)`` over ``mapping(address => uint256)`` at slot 0, emitting Transfer."""
    p = lambda v: ("PUSH", v if isinstance(v, bytes) else v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big"))  # noqa: E731
    return assemble(
        [
            p(0),
            "CALLDATALOAD",
            p(0xE0),
            "SHR",
            p(bytes.fromhex("a9059cbb")),
            "EQ",
            ("PUSHL", "go"),
            "JUMPI",
            ("LABEL", "fail"),
            p(0),
            "DUP1",
            "REVERT",
            ("LABEL", "go"),
            p(4),
            "CALLDATALOAD",
            p(0x24),
            "CALLDATALOAD",  # to amt
            "CALLER",
            p(0),
            "MSTORE",
            p(0),
            p(0x20),
            "MSTORE",
            p(0x40),
            p(0),
            "SHA3",
            "DUP1",
            "SLOAD",  # to amt sslot bal
            "DUP3",
            "DUP2",
            "LT",
            ("PUSHL", "fail"),
            "JUMPI",  # bal < amt -> revert
            "DUP3",
            "SWAP1",
            "SUB",
            "SWAP1",
            "SSTORE",  # balances[caller] -= amt
            "DUP2",
            p(0),
            "MSTORE",
            p(0x40),
            p(0),
            "SHA3",  # to amt tslot
            "DUP1",
            "SLOAD",
            "DUP3",
            "ADD",
            "SWAP1",
            "SSTORE",  # balances[to] += amt
            "DUP1",
            p(0),
            "MSTORE",
            "DUP2",
            "CALLER",
            p(TRANSFER_TOPIC),
            p(0x20),
            p(0),
            "LOG3",
            p(1),
            p(0),
            "MSTORE",
            p(0x20),
            p(0),
            "RETURN",
        ]
    )


def header_fields(
    number: int, parent_hash: bytes, state: bytes, gas_used: int, timestamp: int, base_fee: int
) -> list[Any]:
    return [
        parent_hash,
        EMPTY_OMMERS,
        bytes(20),
        state,
        EMPTY_TRIE,
        EMPTY_TRIE,
        bytes(256),
        0,
        number,
        GAS_LIMIT,
        gas_used,
        timestamp,
        b"",
        bytes(32),
        bytes(8),
        base_fee,
        EMPTY_TRIE,
        0,
        0,
        bytes(32),
    ]


FILLER_ACCOUNTS = 10_000


def build_block(kind: str, n: int) -> tuple[bytes, dict[str, Any], int]:
    """(RLP block, minimal witness, gas used) for ``n`` transactions of ``kind``.

    The pre-state holds ``FILLER_ACCOUNTS`` other accounts so the account trie
    has a realistic depth (each touched account costs a proof path).
    """
    sender = Account.from_key(SENDER_KEY)
    state: dict[str, Any] = {
        "0x" + keccak256(b"filler" + i.to_bytes(4, "big"))[:20].hex(): {"balance": hex(i + 1), "nonce": "0x1"}
        for i in range(FILLER_ACCOUNTS)
    }
    state[sender.address] = {"balance": hex(10**24), "nonce": "0x0"}
    if kind == "erc20":
        slot = keccak256(bytes(12) + bytes.fromhex(sender.address[2:]) + bytes(32))
        state[TOKEN] = {
            "balance": "0x0",
            "nonce": "0x1",
            "code": "0x" + erc20_runtime().hex(),
            "storage": {"0x" + slot.hex(): hex(10**30)},
        }
    parent = rlp.encode(header_fields(0, bytes(32), bytes.fromhex(state_root(state)[2:]), 0, 0, BASE_FEE))
    base_fee = BASE_FEE - BASE_FEE // 8  # parent used no gas
    txs = []
    for i in range(n):
        to = "0x" + keccak256(i.to_bytes(8, "big"))[:20].hex()
        tx = {
            "type": 2,
            "chainId": 1,
            "nonce": i,
            "maxFeePerGas": 2 * BASE_FEE,
            "maxPriorityFeePerGas": 1,
            "gas": 100_000,
        }
        if kind == "erc20":
            tx.update(
                to=to_checksum_address(TOKEN),
                value=0,
                data="0xa9059cbb" + bytes(12).hex() + to[2:] + (1000 + i).to_bytes(32, "big").hex(),
            )
        else:
            tx.update(to=to_checksum_address(to), value=10**15, data="0x")
        txs.append(bytes(Account.sign_transaction(tx, SENDER_KEY).raw_transaction))
    draft = rlp.encode([header_fields(1, keccak256(parent), bytes(32), 0, 12, base_fee), txs, [], []])
    built = witness_from_state(state, draft, [parent], CHAIN, check_header=False)
    if built.outcome is None:
        raise RuntimeError(f"block building failed: {built.error}")
    header = rlp.decode(bytes.fromhex(built.outcome["header_rlp"][2:]))
    block = rlp.encode([header, txs, [], []])
    final = witness_from_state(state, block, [parent], CHAIN)
    if final.error:
        raise RuntimeError(final.error)
    statuses = {t["status"] for t in final.outcome["transactions"]}
    if statuses != {"success"}:
        raise RuntimeError(f"{kind}: transactions did not all succeed: {statuses}")
    return block, final.witness, final.outcome["gas_used"]


def native_throughput(kind: str, n: int, runs: int) -> dict[str, Any]:
    block, witness, gas = build_block(kind, n)
    witness_json = json.dumps(witness).encode()
    execute_block(block, witness_json, CHAIN)  # warm-up
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        execute_block(block, witness_json, CHAIN)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "transactions": n,
        "gas_used": gas,
        "witness_nodes": len(witness["state"]),
        "median_seconds": round(median, 6),
        "tx_per_second": round(n / median, 1),
        "mgas_per_second": round(gas / median / 1e6, 2),
    }


def guest_cycles(kind: str, n: int) -> dict[str, Any] | None:
    from refute.prover import zkvm
    from refute.prover.errors import EnvironmentUnavailable
    from refute.prover.guests_registry import load_guest

    try:
        guest = load_guest("block")
    except EnvironmentUnavailable as exc:
        return {"skipped": str(exc)}
    out = {}
    for count in (1, n):
        block, witness, gas = build_block(kind, count)
        run = zkvm.execute(guest.program, guest_input(block, witness, CHAIN))
        out[count] = {
            "total_cycles": run.total_cycles,
            "user_cycles": run.user_cycles,
            "segments": len(run.segments),
            "gas_used": gas,
        }
    marginal = (out[n]["user_cycles"] - out[1]["user_cycles"]) / (n - 1)
    return {
        "per_block": {str(k): v for k, v in out.items()},
        "user_cycles_per_tx_marginal": round(marginal),
        "total_cycles_per_tx_average": round(out[n]["total_cycles"] / n),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--txs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--guest-txs", type=int, default=20)
    parser.add_argument("--no-guest", action="store_true")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "execution.json")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "chain": CHAIN,
        "pre_state_accounts": FILLER_ACCOUNTS + 2,
        "native": {},
        "zkvm_executor": {},
    }
    for kind in ("transfer", "erc20"):
        results["native"][kind] = native_throughput(kind, args.txs, args.runs)
        print(kind, "native", results["native"][kind], flush=True)
        if not args.no_guest:
            results["zkvm_executor"][kind] = guest_cycles(kind, args.guest_txs)
            print(kind, "zkvm", results["zkvm_executor"][kind], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["targets"] = previous.get("targets", {})
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

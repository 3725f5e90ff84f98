#!/usr/bin/env python3
"""Benchmark: gas of refute's L1 contracts, measured on the local py-evm chain (Prague rules).

Every figure is the ``gasUsed`` of a real transaction, reported twice: whole
(21 000 intrinsic gas and calldata included) and as execution gas (without
them, the number a Foundry gas report of the call shows):

* ``propose``; ``resolve``;
* ``prove_fault`` with 0, 1, 2 and 6 blob openings, with a mock seal (dev
  deployment: no fault-proof receipt exists yet);
* a bare Groth16 verification (``RiscZeroGroth16Verifier.verify``) and the
  same through the router, with a published RISC Zero receipt;
* ``prove_fault`` with a Groth16 seal, *derived*: the mock run minus the mock
  verification through the router plus the Groth16 verification through the
  router (the game cannot accept a published receipt: its journal is not a
  fault journal). The calldata difference (260- vs 36-byte seal) is added too.

Anchors: Kailua ``proveOutputFault`` ≈415k gas with one KZG opening (≈470k with
two); RISC Zero Groth16 verifier ≈215k direct, ≈316k through its router.

Usage: python3 benchmarks/gas_bench.py [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ANCHORS = {
    "kailua_prove_output_fault_1_blob": 415_000,
    "kailua_prove_output_fault_2_blobs": 470_000,
    "risc0_groth16_verify_direct": 215_000,
    "risc0_groth16_verify_via_router": 316_000,
}


def calldata_gas(data: bytes) -> int:
    """EIP-2028 calldata cost (Prague's floor pricing does not bind for these calls)."""
    return sum(16 if b else 4 for b in data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "gas.json")
    args = ap.parse_args()

    from refute.l1.chain import local_chain
    from refute.l1.conformance import WINDOW, Scenario, load_receipts, sample_openings
    from refute.l1.contracts import contract_at, send
    from refute.verifier.digests import sha256
    from refute.verifier.params import parameter_set_by_selector

    started = time.time()
    w3 = local_chain().w3
    gas: dict[str, int] = {}

    receipts_path = Path(os.environ.get("REFUTE_FIXTURES") or REPO.parent / "shared")
    receipts_path = receipts_path / "conformance" / "risc0-groth16-receipts.json"
    receipts = load_receipts(receipts_path) if receipts_path.is_file() else []
    receipt = receipts[-1] if receipts else None
    sets = [parameter_set_by_selector(receipt.seal[:4])] if receipt else []

    sc = Scenario(w3, dev_mode=True, parameter_sets=[ps for ps in sets if ps is not None])
    h, acc = sc.harness, sc.accounts

    execution: dict[str, int] = {}

    def record(name: str, gas_used: int | None) -> None:
        """Stores a transaction's gasUsed and its execution gas (minus intrinsic and calldata)."""
        tx = w3.eth.get_block("latest", full_transactions=True)["transactions"][-1]
        gas[name] = int(gas_used or 0)
        data = tx["input"] if "input" in tx else tx["data"]
        execution[name] = gas[name] - 21_000 - calldata_gas(bytes(data))

    step = h.propose(acc[1], 0, sc.harness.state.proposals[1].l2_block_number, b"\x42" * 32)
    assert step.contract == "accept", step
    record("propose", step.gas_used)

    for n in (0, 1, 2, 6):
        openings = sample_openings(n)

        def prove(openings: bytes = openings, n: int = n) -> list:
            s = h.prove_fault(sc.challenge(openings), acc[3])
            assert s.contract == "accept" and s.agree, s
            record(f"prove_fault_mock_{n}_blobs", s.gas_used)
            return [s]

        sc.isolated(prove)

    def resolve() -> list:
        r = _resolve(sc, w3, WINDOW)
        record("resolve", r.gas_used)
        return [r]

    sc.isolated(resolve)

    router = contract_at(w3, "RiscZeroVerifierRouter", sc.deployment.router)
    mock_challenge = sc.challenge()
    journal_digest = sha256(mock_challenge.journal.encode())
    record(
        "mock_verify_via_router",
        send(router.functions.verify(mock_challenge.seal, sc.harness.state.fault_image_id, journal_digest))["gasUsed"],
    )
    if receipt is not None:
        verifier = contract_at(w3, "RiscZeroGroth16Verifier", sc.deployment.groth16["0x" + receipt.seal[:4].hex()])
        digest = sha256(receipt.journal)
        record(
            "groth16_verify_direct", send(verifier.functions.verify(receipt.seal, receipt.image_id, digest))["gasUsed"]
        )
        record(
            "groth16_verify_via_router",
            send(router.functions.verify(receipt.seal, receipt.image_id, digest))["gasUsed"],
        )
        extra_calldata = calldata_gas(_prove_calldata(h.game, replace(mock_challenge, seal=receipt.seal)))
        extra_calldata -= calldata_gas(_prove_calldata(h.game, mock_challenge))
        verify_delta = execution["groth16_verify_via_router"] - execution["mock_verify_via_router"]
        for n in (0, 1, 2, 6):
            name = f"prove_fault_groth16_{n}_blobs_derived"
            execution[name] = execution[f"prove_fault_mock_{n}_blobs"] + verify_delta
            gas[name] = gas[f"prove_fault_mock_{n}_blobs"] + verify_delta + extra_calldata

    result = {
        "benchmark": "gas",
        "chain": "py-evm 0.12.1b1 (Prague) via eth-tester 0.14.0b1 / web3 8.0.0",
        "compiler": "vyper 0.4.3",
        "gas_used": gas,
        "execution_gas": execution,
        "anchors": ANCHORS,
        "receipt": receipt.name if receipt else None,
        "notes": [
            "gas_used: gasUsed of real transactions, 21000 intrinsic gas and calldata included",
            "execution_gas: gas_used - 21000 - calldata gas (what a Foundry gas report of the call shows)",
            "prove_fault_mock_*: mock seal on a dev deployment (no fault-proof receipt exists yet)",
            "prove_fault_groth16_*_derived: mock run - mock verify via router + Groth16 verify via router "
            "+ the extra calldata of a 260-byte seal",
        ],
        "host": {"python": platform.python_version(), "machine": platform.machine()},
        "seconds": round(time.time() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'':45s} {'gasUsed':>9s} {'execution':>10s}")
    for k, v in gas.items():
        print(f"{k:45s} {v:>9,d} {execution[k]:>10,d}")
    print(f"wrote {args.out}")
    return 0


def _prove_calldata(game, challenge) -> bytes:
    """The ABI-encoded ``prove_fault`` calldata of a challenge."""

    from refute.l1.harness import prove_fault_args

    data = game.encode_abi("prove_fault", args=prove_fault_args(challenge))
    return bytes.fromhex(data[2:])


def _resolve(sc, w3, window: int):
    from refute.l1.chain import advance_time

    advance_time(w3, window)
    return sc.harness.resolve(sc.proposal_id, sc.accounts[5])


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: pure-Python Groth16 receipt verification, fast path vs plain py_ecc.

Both paths verify the same RISC Zero conformance receipts and make the same
decision with the same input checks (seal parsing, coordinate/curve/subgroup
checks, claim digest); they differ only in how the pairing equation
e(-A,B) e(alpha,beta) e(vk_x,gamma) e(C,delta) == 1 is evaluated:

* fast  -- ``verifier.verify_seal``: precomputed e(alpha,beta), precomputed line
  coefficients for gamma and delta, fixed-base tables for the public-input MSM
  (control-root and control-ID terms folded into a per-parameter-set constant),
  one Miller loop with on-the-fly lines (for B) sharing the Fq12 squarings with
  the two precomputed ones, sparse line multiplication, one final
  exponentiation with cyclotomic squarings.  Tower arithmetic on Python ints.
* plain -- ``verifier.reference.pairing_check_py_ecc``: py_ecc ``optimized_bn128``
  as it comes: ``multiply``/``add`` for vk_x, four ``pairing(...,
  final_exponentiate=False)`` Miller loops, product, one ``final_exponentiate``.

Usage: python3 benchmarks/verifier_bench.py [--runs N] [--plain-runs M] [--out PATH]
Receipts come from $REFUTE_FIXTURES/conformance/risc0-groth16-receipts.json
(default: <repo>/../shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def load_receipts():
    base = Path(os.environ.get("REFUTE_FIXTURES") or REPO.parent / "shared")
    path = base / "conformance" / "risc0-groth16-receipts.json"
    if not path.is_file():
        sys.exit(f"conformance receipts not found at {path} (set REFUTE_FIXTURES)")
    data = json.loads(path.read_text())
    return [
        (r["name"], bytes.fromhex(r["seal"]), bytes.fromhex(r["image_id"]), bytes.fromhex(r["journal"]))
        for r in data["receipts"]
    ]


def timed(fn, runs, receipts):
    times = []
    for i in range(runs):
        args = receipts[i % len(receipts)]
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=25, help="timed fast verifications (default 25)")
    ap.add_argument("--plain-runs", type=int, default=7, help="timed plain py_ecc verifications (default 7)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "verifier.json"))
    args = ap.parse_args()

    receipts = load_receipts()
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None

    t0 = time.perf_counter()
    from refute import verifier
    from refute.verifier import bn254
    from refute.verifier.groth16 import Proof, RiscZeroGroth16Verifier
    from refute.verifier.params import parameter_set_by_selector
    from refute.verifier.reference import pairing_check_py_ecc

    t_import = time.perf_counter() - t0

    def fast(name, seal, image_id, journal):
        verifier.verify_seal(seal, image_id, verifier.sha256(journal))

    verifiers = {}

    def plain(name, seal, image_id, journal):
        # same checks as the fast path, then the plain py_ecc pairing product
        v = verifiers.setdefault(seal[:4], RiscZeroGroth16Verifier(parameter_set_by_selector(seal[:4])))
        proof = Proof.from_bytes(seal[4:], offset=4)
        claim = verifier.ReceiptClaim.ok(image_id, verifier.Pruned(verifier.sha256(journal))).digest()
        if not pairing_check_py_ecc(v.params.verifying_key, proof, v.public_inputs(claim)):
            raise verifier.ProofRejectedError("plain py_ecc pairing check failed")

    # first call in this process: includes all one-time precomputation
    t0 = time.perf_counter()
    fast(*receipts[0])
    t_first = time.perf_counter() - t0
    for r in receipts:  # warm every parameter set once
        fast(*r)

    fast_times = timed(fast, args.runs, receipts)
    plain_times = timed(plain, args.plain_runs, receipts)

    # breakdown of one fast verification
    _name, seal, image_id, journal = receipts[0]
    v = RiscZeroGroth16Verifier(parameter_set_by_selector(seal[:4]))
    v.warm_up()
    pvk = v._pvk
    claim = verifier.ReceiptClaim.ok(image_id, journal).digest()
    parts = {}
    reps = 5

    def part(label, fn):
        ts = []
        for _ in range(reps):
            t = time.perf_counter()
            out = fn()
            ts.append(time.perf_counter() - t)
        parts[label] = statistics.median(ts)
        return out

    proof = part("parse + curve/subgroup checks", lambda: Proof.from_bytes(seal[4:]))
    part("G2 subgroup check (included above)", lambda: bn254.g2_in_subgroup(proof.b))
    vk_x = part("public-input MSM", lambda: pvk.vk_x(v.public_inputs(claim), v._partial_inputs()))
    b_lines = part("line coefficients for B", lambda: bn254.g2_line_coeffs(proof.b))
    f = part(
        "Miller loop (3 pairs, shared squarings)",
        lambda: bn254.multi_miller_loop(
            [(bn254.g1_neg(proof.a), b_lines), (vk_x, pvk.gamma_lines), (proof.c, pvk.delta_lines)]
        ),
    )
    part("final exponentiation", lambda: bn254.final_exponentiation(f))

    fast_med = statistics.median(fast_times)
    plain_med = statistics.median(plain_times)
    result = {
        "benchmark": "RISC Zero Groth16 seal verification (pure Python)",
        "receipts": [r[0] for r in receipts],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "loadavg_at_start": load_before,
        "import_seconds": round(t_import, 4),
        "first_call_seconds": round(t_first, 4),
        "fast": {
            "runs": len(fast_times),
            "median_seconds": round(fast_med, 4),
            "min_seconds": round(min(fast_times), 4),
            "max_seconds": round(max(fast_times), 4),
        },
        "plain_py_ecc": {
            "runs": len(plain_times),
            "median_seconds": round(plain_med, 4),
            "min_seconds": round(min(plain_times), 4),
            "max_seconds": round(max(plain_times), 4),
        },
        "speedup_plain_over_fast": round(plain_med / fast_med, 1),
        "target_median_seconds": 0.2,
        "meets_target": fast_med <= 0.2,
        "fast_breakdown_median_seconds": {k: round(v_, 5) for k, v_ in parts.items()},
    }

    print(f"{'path':<34}{'runs':>6}{'median':>11}{'min':>10}{'max':>10}")
    for label, key in (("fast (verifier.verify_seal)", "fast"), ("plain py_ecc (reference)", "plain_py_ecc")):
        r = result[key]
        print(
            f"{label:<34}{r['runs']:>6}{r['median_seconds']:>10.4f}s{r['min_seconds']:>9.4f}s{r['max_seconds']:>9.4f}s"
        )
    print(
        f"speed-up (plain median / fast median): {result['speedup_plain_over_fast']}x; "
        f"target <= 0.2 s median: {'met' if result['meets_target'] else 'NOT met'}"
    )
    print(f"import {t_import:.3f}s, first verification incl. precomputation {t_first:.3f}s, load avg {load_before}")
    print("fast-path breakdown (median of 5):")
    for k, v_ in parts.items():
        print(f"  {k:<42}{v_ * 1000:8.2f} ms")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What ``refute bench`` and ``refute fault prove --estimate`` do, behind the thin CLI."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from refute.bench import gate, report
from refute.bench import model as cost_model
from refute.bench.cost import Price
from refute.bench.errors import CostRegression
from refute.bench.measure import features
from refute.bench.runner import Plan, run

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BASELINE = REPO / "benchmarks" / "baseline.json"
DEFAULT_OUT = REPO / "benchmarks" / "results" / "bench"


def bench(
    plan: Plan,
    price: Price,
    *,
    out: Path = DEFAULT_OUT,
    baseline: Path = DEFAULT_BASELINE,
    update_baseline: str | None = None,
    tolerance: float = gate.DEFAULT_TOLERANCE,
    plots: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, Any], gate.Verdict | None]:
    """Runs the suite, writes its outputs, then either writes the baseline (and the shipped model) when
    ``update_baseline`` gives a reason, or gates against the baseline: :class:`CostRegression` when a cycle
    count grew more than ``tolerance``. The outputs are written before the gate decides."""
    results = run(plan, price, progress, predict_with_fit=update_baseline is not None)
    verdict = None
    if update_baseline is None:
        verdict = gate.compare(gate.load_baseline(baseline), results, tolerance)
        results["gate"] = {
            "baseline": str(baseline),
            "tolerance": tolerance,
            "ok": verdict.ok,
            "regressions": [c.describe() for c in verdict.regressions],
            "improvements": [c.describe() for c in verdict.improvements],
        }
    report.write(results, out, with_plots=plots)
    if update_baseline is not None:
        baseline.write_text(json.dumps(gate.baseline_of(results, update_baseline), indent=1) + "\n")
        if "model" in results:
            cost_model.MODEL_PATH.write_text(json.dumps(results["model"], indent=1) + "\n")
    elif verdict is not None and not verdict.ok:
        raise CostRegression(
            "cycle counts grew more than "
            f"{tolerance:.0%} over {baseline}:\n" + "\n".join(c.describe() for c in verdict.regressions),
            regressions=[c.describe() for c in verdict.regressions],
        )
    return results, verdict


def estimate(
    input_bytes: bytes, dry_run_report: dict[str, Any], dry_run_seconds: float, price: Price
) -> dict[str, Any]:
    """Predicted cycles, segments, proving time on this machine and dollars for a fault input, from the native
    dry run and the shipped cost model."""
    fitted = cost_model.load()
    feats = features(input_bytes, dry_run_report)
    predicted = fitted.predict(feats)
    return {
        **feats,
        "predicted_total_cycles": predicted["total_cycles"],
        "predicted_segments": predicted["segments"],
        "predicted_prove_seconds": predicted["prove_seconds"],
        "seconds_per_mcycle": fitted.seconds_per_mcycle,
        "predicted_dollars": round(price.dollars(predicted["total_cycles"]), 6),
        "usd_per_mcycle": price.usd_per_mcycle,
        "price_source": price.source,
        "dry_run_seconds": round(dry_run_seconds, 3),
        "model_fitted_on": fitted.fitted_on,
    }


def estimate_bundle(bundle_dir: Path, claimed_output_root: str, payout: str, price: Price) -> dict[str, Any]:
    """``refute fault prove --estimate``: the native dry run of the input a proof would use, then the
    prediction; refuses (as ``prove`` does) when there is no fault."""
    from refute.hexutil import parse_hex, to_hex
    from refute.prover.fault import load_bundle
    from refute.prover.fault.api import check, with_payout
    from refute.prover.fault.bundle import Bundle
    from refute.prover.fault.errors import NoFault

    bundle = load_bundle(bundle_dir)
    input_bytes = with_payout(bundle.input, parse_hex(payout, "payout"))
    start = time.perf_counter()
    checked = check(Bundle(bundle.path, input_bytes, bundle.manifest), claimed_output_root, cycles=False)
    seconds = time.perf_counter() - start
    if not checked.fault:
        raise NoFault(
            f"the claimed root {to_hex(checked.claimed_output_root)} is the correct output root of block "
            f"{checked.journal.l2_block_number}: there is no fault to prove"
        )
    report_json = {"derivation": checked.derivation, "execution": checked.execution}
    return {"l2_block_number": checked.journal.l2_block_number, **estimate(input_bytes, report_json, seconds, price)}


def estimate_text(d: dict[str, Any]) -> str:
    """The estimate for a terminal."""
    seconds = d["predicted_prove_seconds"]
    lines = [
        f"block {d['l2_block_number']}: {d['transactions']} transactions, {d['gas_used']:,} gas, {d['blobs']} blobs",
        f"predicted cycles:   {d['predicted_total_cycles']:,} ({d['predicted_segments']} segments)",
        "predicted proving:  "
        + ("unknown (no measured rate)" if seconds is None else f"{seconds / 60:,.1f} min on this machine")
        + ("" if d["seconds_per_mcycle"] is None else f" at {d['seconds_per_mcycle']} s per million cycles"),
        f"predicted cost:     ${d['predicted_dollars']:.4f} at ${d['usd_per_mcycle']} per million cycles",
        f"price source:       {d['price_source']}",
        f"native dry run:     {d['dry_run_seconds']} s; no proof was made",
    ]
    return "\n".join(lines)

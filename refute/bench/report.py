"""The suite's outputs: ``results.json``, ``results.md`` (a Markdown table) and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PHASE_PLOT_SIZE = 10
PLOTS = ("cycles_vs_transactions.png", "cost_vs_block_size.png", "cycles_per_phase.png")


def _m(cycles: int) -> str:
    return f"{cycles / 1e6:,.1f} M"


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown table, with the machine, price and proving rate under it."""
    lines = [
        "| case | guest | txs | gas used | total cycles | user | paging | segments | cycles/tx | "
        "native dry run | est. proving | $ | L1 gas | prediction error |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in results["cases"]:
        cy, f = c["cycles"], c["features"]
        per_tx = cy["total"] // c["size"] if c["size"] else cy["total"]
        proving = c.get("estimated_prove_seconds")
        err = c.get("prediction", {}).get("error")
        gas = c.get("l1_challenge_gas")
        lines.append(
            f"| {c['name']} | {c['guest']} | {c['size']} | {f['gas_used']:,} | {_m(cy['total'])} | {_m(cy['user'])} | "
            f"{_m(cy['paging'])} | {cy['segments']} | {_m(per_tx)} | {c['timings']['native_seconds'] * 1000:.1f} ms | "
            f"{'-' if proving is None else f'{proving / 60:,.1f} min'} | {c['dollars']:.4f} | "
            f"{'-' if gas is None else f'{gas:,}'} | "
            f"{'-' if err is None else f'{err:+.1%}'} |"
        )
    m, p = results["machine"], results["price"]
    lines += [
        "",
        f"Machine: {m['platform']}, {m['cpus']} CPUs, {m.get('memory_gib', '?')} GiB. "
        f"Price: ${p['usd_per_mcycle']} per million cycles ({p['source']}).",
    ]
    rate = results.get("proving")
    if rate:
        lines.append(
            f"Proving on this machine: {rate['seconds_per_mcycle']} s per million cycles "
            f"({rate['receipt_kind']} proof of the {rate['guest']} guest, {rate['total_cycles']:,} cycles in "
            f"{rate['prove_seconds']} s, receipt {rate['receipt_bytes']:,} bytes)."
        )
    lines.append(
        "L1 gas: `prove_fault` with a Groth16 seal and the case's blob openings (benchmarks/results/gas.json)."
    )
    if results.get("prediction_model"):
        lines.append(f"Prediction error: the cost model {results['prediction_model']} (see `--estimate`).")
    verify = results.get("python_verify")
    if verify:
        lines.append(f"Pure-Python verification of a Groth16 seal ({verify['receipt']}): {verify['seconds']} s.")
    phases = _phase_names(results)
    if phases:
        lines += ["", "Cycles per phase (fault guest, millions):", ""]
        lines.append("| case | " + " | ".join(phases) + " |")
        lines.append("|---|" + "--:|" * len(phases))
        for c in results["cases"]:
            if c["cycles"].get("phases"):
                row = [f"{c['cycles']['phases'].get(n, 0) / 1e6:.2f}" for n in phases]
                lines.append(f"| {c['name']} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _phase_names(results: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for c in results["cases"]:
        names += [n for n in c["cycles"].get("phases", {}) if n not in names]
    return names


def plots(results: dict[str, Any], out: Path) -> list[Path]:
    """Cycles vs. transactions per kind, cost vs. block size, cycles per phase."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    generated = [c for c in results["cases"] if c["guest"] == "fault"]
    kinds = sorted({c["kind"] for c in generated}, key=[c["kind"] for c in generated].index)
    written = []

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind in kinds:
        cases = sorted((c for c in generated if c["kind"] == kind), key=lambda c: c["size"])
        ax.plot([c["size"] for c in cases], [c["cycles"]["total"] / 1e6 for c in cases], marker="o", label=kind)
    ax.set(xscale="log", yscale="log", xlabel="transactions in the disputed block", ylabel="total cycles (millions)")
    ax.set_title("fault guest cycles vs. block size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    written.append(_save(fig, out / PLOTS[0]))

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for kind in kinds:
        cases = sorted((c for c in generated if c["kind"] == kind), key=lambda c: c["size"])
        ax.plot([c["size"] for c in cases], [c["dollars"] for c in cases], marker="o", label=kind)
    ax.set(xscale="log", yscale="log", xlabel="transactions in the disputed block", ylabel="US dollars per proof")
    ax.set_title(f"proof cost at ${results['price']['usd_per_mcycle']} per million cycles")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    written.append(_save(fig, out / PLOTS[1]))

    # One block size (10 transactions when measured) keeps the stacked bars on one linear scale.
    phases = _phase_names(results)
    with_phases = [c for c in generated if c["cycles"].get("phases")]
    if any(c["size"] == PHASE_PLOT_SIZE for c in with_phases):
        with_phases = [c for c in with_phases if c["size"] == PHASE_PLOT_SIZE]
    fig, ax = plt.subplots(figsize=(max(7, 0.5 * len(with_phases) + 3), 4.5))
    bottom = [0.0] * len(with_phases)
    for name in phases:
        heights = [c["cycles"]["phases"].get(name, 0) / 1e6 for c in with_phases]
        ax.bar(range(len(with_phases)), heights, bottom=bottom, label=name)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xticks(range(len(with_phases)), [c["name"] for c in with_phases], rotation=60, ha="right", fontsize=7)
    ax.set(ylabel="cycles (millions)")
    ax.set_title("fault guest cycles per phase")
    ax.legend(fontsize=7)
    written.append(_save(fig, out / PLOTS[2]))
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def write(results: dict[str, Any], out: Path, *, with_plots: bool = True) -> list[Path]:
    """Writes ``results.json``, ``results.md`` and (unless ``with_plots`` is false) the PNGs to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "results.md").write_text(markdown(results))
    written = [out / "results.json", out / "results.md"]
    if with_plots:
        written += plots(results, out)
    return written

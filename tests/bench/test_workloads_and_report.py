"""Workload selection, argument checks, the generator's kinds, and the written outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refute.bench import report
from refute.bench.workloads import KINDS, parse_kinds, parse_sizes, workloads
from refute.prover.errors import InvalidInputError, UsageError


def test_the_quick_suite_is_small_and_the_full_suite_covers_every_kind_and_size() -> None:
    assert {w.name for w in workloads(quick=True)} == {f"{k}/{n}" for k in KINDS for n in (1, 10)}
    assert len(workloads(quick=False)) == len(KINDS) * 4


@pytest.mark.parametrize("text", ["erc721", ",", "eth_transfer,nope"])
def test_unknown_kinds_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--kinds"):
        parse_kinds(text)


@pytest.mark.parametrize("text", ["0", "1001", "ten", "1,,x"])
def test_bad_sizes_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--sizes"):
        parse_sizes(text)


def test_an_unknown_workload_is_refused_before_the_native_core(tmp_path: Path) -> None:
    from refute.prover.fault import example

    with pytest.raises(InvalidInputError, match="workload 'erc721' unknown"):
        example(tmp_path / "b", workload="erc721")


def test_every_generated_kind_is_a_fault_the_dry_run_computes_and_costs_its_own_gas(tmp_path: Path) -> None:
    from refute.prover.fault import check, example, load_bundle

    gas = {}
    for kind in KINDS:
        generated = example(tmp_path / kind, transactions=3, workload=kind)
        checked = check(load_bundle(tmp_path / kind), generated["claimed_output_root"], cycles=False)
        assert checked.fault, kind
        assert checked.derivation["transactions"] == 3 + 2, kind  # with the L1-info deposit and a user deposit
        gas[kind] = checked.execution["gas_used"]
    # Same deposits in every block: the differences are the workload's. Ten fresh slots per storage call
    # (>= 3 x 200k) outweigh a token transfer's two; a deployment pays 32k creation gas and code deposit.
    assert gas["eth_transfer"] < min(gas[k] for k in KINDS if k != "eth_transfer"), gas
    assert gas["storage_heavy"] - gas["eth_transfer"] > 3 * 200_000, gas
    assert gas["deployment"] - gas["eth_transfer"] > 3 * 32_000, gas
    assert gas["precompile_heavy"] - gas["eth_transfer"] > 3 * (3_000 + 6_000), gas


def _results() -> dict:
    def case(kind: str, size: int, total: int) -> dict:
        phases = {"execution": total // 2, "blob_binding": total // 2}
        cycles = {"user": total - 10, "paging": 10, "reserved": 0, "total": total, "segments": 2, "phases": phases}
        return {
            "name": f"{kind}/{size}",
            "kind": kind,
            "size": size,
            "guest": "fault",
            "image_id": "0x00",
            "cycles": cycles,
            "features": {"input_bytes": 1, "blobs": 1, "transactions": size + 2, "gas_used": 21_000 * size},
            "timings": {"native_seconds": 0.01, "execute_seconds": 1.0},
            "dollars": total / 1e6 * 0.00002,
            "estimated_prove_seconds": None,
            "prediction": {"predicted_cycles": total, "error": 0.01},
        }

    return {
        "machine": {"platform": "test", "cpus": 2, "memory_gib": 24},
        "price": {"usd_per_mcycle": 0.00002, "source": "test"},
        "proving": None,
        "python_verify": None,
        "cases": [case(k, n, 1_000_000 * n) for k in ("eth_transfer", "erc20_transfer") for n in (1, 10)],
    }


def test_the_report_writes_json_markdown_and_three_plots(tmp_path: Path) -> None:
    written = report.write(_results(), tmp_path)
    assert {p.name for p in written} == {"results.json", "results.md", *report.PLOTS}
    assert all(p.stat().st_size > 0 for p in written)
    assert json.loads((tmp_path / "results.json").read_text())["cases"][0]["name"] == "eth_transfer/1"
    table = (tmp_path / "results.md").read_text()
    assert "| erc20_transfer/10 | fault | 10 |" in table and "+1.0%" in table
    assert (tmp_path / "cycles_per_phase.png").read_bytes()[:4] == b"\x89PNG"

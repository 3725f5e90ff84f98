"""``refute fault prove --estimate``: a prediction from the native dry run, checked against the executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refute.bench.command import estimate_bundle
from refute.bench.cost import price
from refute.prover.fault import check, example, load_bundle
from refute.prover.fault.errors import NoFault

pytestmark = pytest.mark.slow
PAYOUT = "0x00000000000000000000000000000000c0ffee01"


def test_the_estimate_is_close_to_the_executors_cycles_and_makes_no_proof(tmp_path: Path) -> None:
    from refute.cli import main

    generated = example(tmp_path / "b", transactions=10, workload="erc20_transfer")
    root = generated["claimed_output_root"]
    predicted = estimate_bundle(tmp_path / "b", root, PAYOUT, price(0.5))
    measured = check(load_bundle(tmp_path / "b"), root, cycles=True).cycles
    assert measured is not None
    assert predicted["predicted_total_cycles"] == pytest.approx(measured["total_cycles"], rel=0.3)
    assert predicted["predicted_dollars"] == pytest.approx(predicted["predicted_total_cycles"] / 1e6 * 0.5)
    assert predicted["transactions"] == 12 and predicted["blobs"] == 1

    out = tmp_path / "artifact.json"
    args = ["fault", "prove", "--bundle", str(tmp_path / "b"), "--claimed-root", root, "--payout", PAYOUT]
    result = CliRunner().invoke(main, [*args, "--out", str(out), "--estimate", "--json"], standalone_mode=False)
    assert result.return_value in (None, 0), result.output
    assert json.loads(result.output)["predicted_total_cycles"] == predicted["predicted_total_cycles"]
    assert not out.exists()


def test_there_is_no_estimate_for_a_correct_claim(tmp_path: Path) -> None:
    generated = example(tmp_path / "b", fault=False, transactions=1)
    with pytest.raises(NoFault):
        estimate_bundle(tmp_path / "b", generated["claimed_output_root"], PAYOUT, price())

"""The price and the cost model: configuration, fitting, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refute.bench import cost
from refute.bench import model as cost_model
from refute.bench.errors import BaselineError
from refute.prover.errors import InvalidInputError


def test_the_price_comes_from_the_argument_then_the_environment_then_the_cited_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cost.ENV_PRICE, raising=False)
    default = cost.price()
    assert default.usd_per_mcycle == cost.DEFAULT_USD_PER_MCYCLE and "boundless" in default.source.lower()
    monkeypatch.setenv(cost.ENV_PRICE, "0.5")
    assert cost.price().usd_per_mcycle == 0.5
    assert cost.price(0.25).usd_per_mcycle == 0.25
    assert cost.price(0.25).dollars(4_000_000) == 1.0


@pytest.mark.parametrize("bad", ["cheap", "-1", "nan"])
def test_a_bad_price_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv(cost.ENV_PRICE, bad)
    with pytest.raises(InvalidInputError, match=cost.ENV_PRICE):
        cost.price()


def _case(input_bytes: int, blobs: int, txs: int, gas: int, total: int) -> dict:
    features = {"input_bytes": input_bytes, "blobs": blobs, "transactions": txs, "gas_used": gas}
    return {"guest": "fault", "features": features, "cycles": {"total": total, "segments": max(1, total // 2**20)}}


def test_the_fit_recovers_a_linear_cost_and_predicts_unseen_blocks() -> None:
    def truth(i: int, b: int, t: int, g: int) -> int:
        return 9_000_000 + 40 * i + 3_000_000 * b + 50_000 * t + 60 * g

    points = [
        (130_000, 1, 1, 50_000),
        (140_000, 1, 10, 900_000),
        (200_000, 2, 10, 300_000),
        (135_000, 1, 50, 3_000_000),
        (400_000, 3, 100, 2_100_000),
        (150_000, 1, 5, 5_000_000),
        (600_000, 5, 700, 15_000_000),
    ]
    fitted = cost_model.fit([_case(*p, truth(*p)) for p in points], 100.0, {})
    unseen = (200_000, 2, 300, 8_000_000)
    predicted = fitted.predict(dict(zip(cost_model.FEATURES, unseen, strict=True)))
    assert predicted["total_cycles"] == pytest.approx(truth(*unseen), rel=1e-6)
    assert predicted["prove_seconds"] == pytest.approx(truth(*unseen) / 1e6 * 100.0, rel=1e-3)
    assert all(c >= 0 for c in fitted.coefficients.values())


def test_the_fit_needs_fault_cases() -> None:
    with pytest.raises(BaselineError, match="at least two"):
        cost_model.fit([_case(1, 1, 1, 1, 1)], None, {})


def test_a_model_round_trips_and_a_malformed_one_is_a_clear_error(tmp_path: Path) -> None:
    cases = [_case(1000 * t, 1, t, 21_000 * t, 10_000_000 + 1_000_000 * t) for t in (1, 2, 5, 9)]
    fitted = cost_model.fit(cases, None, {"cpus": 2})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(fitted.to_json()))
    assert cost_model.load(path) == fitted
    path.write_text(json.dumps({"version": 1, "intercept": 1}))
    with pytest.raises(BaselineError, match="malformed cost model"):
        cost_model.load(path)


def test_the_shipped_model_loads_and_predicts_more_cycles_for_more_transactions() -> None:
    shipped = cost_model.load()
    assert shipped.fitted_on >= 2
    assert shipped.seconds_per_mcycle is None or shipped.seconds_per_mcycle > 0
    small = {"input_bytes": 140_000, "blobs": 1, "transactions": 3, "gas_used": 100_000}
    large = {**small, "transactions": 102, "gas_used": 2_200_000}
    assert shipped.cycles(large) > shipped.cycles(small) > 0

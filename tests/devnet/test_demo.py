"""``refute demo`` end to end on the devnet (dev-mode proving; the CLI test runs the other scenario)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devnet.demo_checks import check_demo_result
from refute.devnet.demo import first_difference, run_demo


@pytest.mark.slow
def test_seeding_incident_is_caught_proven_and_eliminated(tmp_path: Path) -> None:
    steps: list[str] = []
    data = run_demo("seeding", dev_mode=True, step=lambda e: steps.append(e["step"]), data_dir=tmp_path)
    check_demo_result(data, scenario="seeding", dev_mode=True)
    # Reported live, in order: proposal seen before the fault, proof before the challenge.
    assert steps.index("proposal_seen") < steps.index("fault_found") < steps.index("proved")
    assert steps.index("proved") < steps.index("mirror_accepts") < steps.index("challenged") < steps.index("warp")
    # The seeding fault is the vault's deposit record, not a fee vault's balance.
    diff = next(s for s in data["steps"] if s["step"] == "fault_found")["first_difference"]
    assert diff["field"] == "storage" and diff.get("name") in ("vault", "stablecoin"), diff


def test_first_difference_prefers_storage_over_fee_vaults() -> None:
    correct = {
        "0x4200000000000000000000000000000000000011": {"balance": "0x10"},
        "0x00000000000000000000000000000000000000aa": {"balance": "0x1", "storage": {"0x1": "0x5"}},
    }
    posted = {
        "0x4200000000000000000000000000000000000011": {"balance": "0x11"},
        "0x00000000000000000000000000000000000000aa": {"balance": "0x1", "storage": {"0x1": "0x6"}},
    }
    diff = first_difference(correct, posted)
    assert diff is not None and diff["field"] == "storage" and diff["slot"] == "0x1"
    assert diff["accounts_differing"] == 2
    assert first_difference(correct, correct) is None
    only_fees = {
        **correct,
        "0x00000000000000000000000000000000000000aa": posted["0x00000000000000000000000000000000000000aa"],
    }
    assert first_difference(only_fees, posted)["field"] == "balance"  # type: ignore[index]

"""What every demo run must show, shared by the API test and the CLI test."""

from __future__ import annotations

from typing import Any

PENDING, RESOLVED, FAULTED, PRUNED = 1, 2, 3, 4


def check_demo_result(data: dict[str, Any], *, scenario: str, dev_mode: bool) -> None:
    """The faulty proposal and its descendant eliminated, the bonds paid to the watcher's payout,
    the honest proposal resolved untouched, and dev mode labelled wherever it applies."""
    assert data["scenario"] == scenario and data["dev_mode"] is dev_mode
    assert "mock verifier" in data["note"]
    watcher = data["watcher"]
    payout = watcher["payout"].lower()
    by_id = {p["id"]: p for p in data["proposals"]}
    verdicts = {p["id"]: p["verdict"] for p in watcher["proposals"]}
    assert sorted(verdicts.values()) == ["descendant", "fault", "valid"], verdicts
    for proposal in watcher["proposals"]:
        on_chain = by_id[proposal["id"]]
        if proposal["verdict"] == "valid":
            assert on_chain["correct"] and on_chain["status"] == RESOLVED and proposal["outcome"] is None
        elif proposal["verdict"] == "fault":
            assert not on_chain["correct"] and on_chain["status"] == FAULTED
            assert on_chain["eliminated_for"].lower() == payout and proposal["outcome"] == "challenged"
            assert proposal["correct_root"] != proposal["proposed_root"]
            assert proposal["proof"]["dev_mode"] is dev_mode
            assert proposal["proof"]["verified"]["receipt_kind"] == ("fake" if dev_mode else "succinct")
        else:
            assert on_chain["status"] == PRUNED and on_chain["eliminated_for"].lower() == payout
    intents = [s["intent"] for s in watcher["submissions"]]
    assert sum(i.startswith("prove_fault:") for i in intents) == 1
    assert all(s["state"] == "mined" for s in watcher["submissions"]), watcher["submissions"]
    steps = {s["step"]: s for s in data["steps"]}
    assert steps["fault_found"]["first_difference"] is not None
    assert steps["proved"]["dev_mode"] is dev_mode
    # Both bonds reach the watcher: in one withdrawal, or two when the descendant is proposed later.
    withdrawn = [s["amount_wei"] for s in data["steps"] if s["step"] == "withdrawn"]
    assert sum(withdrawn) == 2 * steps["devnet"]["bond_wei"] and 1 <= len(withdrawn) <= 2, withdrawn
    assert steps["honest_untouched"]["resolved"] is True

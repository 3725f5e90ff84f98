"""The fault program proven for real (no dev mode), end to end.

The 1-transfer example's fault is proven by the RISC Zero CPU prover on this
machine; the artifact verifies under the installed fault program's image ID,
and its journal shows the computed root, which is the generator's true root
and not the claimed one. About 3.1 M cycles: tens of minutes on two cores,
beyond CI's budget, so the test runs only with ``REFUTE_REAL_FAULT_PROOF=1``
(``REFUTE_REAL_FAULT_RECEIPT`` picks the receipt kind, composite by default).
The README records the last run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from refute.prover.api import verify_artifact_file
from refute.prover.fault import example, prove
from refute.prover.guests_registry import load_guest
from refute.verifier.journal import FaultJournal

PAYOUT = "0x00000000000000000000000000000000000be1ee"
ENABLE = "REFUTE_REAL_FAULT_PROOF"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get(ENABLE) != "1",
        reason=f"proves about 3.1 M cycles for real (tens of minutes on two cores); set {ENABLE}=1",
    ),
]


def test_a_real_receipt_proves_the_fault_and_verifies(tmp_path: Path) -> None:
    kind = os.environ.get("REFUTE_REAL_FAULT_RECEIPT", "composite")
    bundle = tmp_path / "bundle"
    info = example(bundle, transactions=1)
    # The generator's root for block 2, from the OP executor (the claim of the example without a fault).
    true_root = example(tmp_path / "no-fault", fault=False, transactions=1)["claimed_output_root"]
    out = tmp_path / "fault.proof.json"
    started = time.monotonic()
    result = prove(bundle, info["claimed_output_root"], PAYOUT, out, receipt_kind=kind, dev_mode=False)
    seconds = time.monotonic() - started
    print(
        f"\nreal {kind} fault proof: {result['total_cycles']:,} cycles, {result['segments']} segments, "
        f"prover {result['prove_seconds']:.0f} s, {seconds:.0f} s in all, artifact {out.stat().st_size:,} bytes"
    )
    assert result["dev_mode"] is False and result["receipt_kind"] == kind

    artifact = json.loads(out.read_text())
    journal = FaultJournal.decode(bytes.fromhex(artifact["journal"][2:]))
    assert "0x" + journal.computed_output_root.hex() == true_root
    assert true_root != info["claimed_output_root"]
    assert "0x" + journal.payout_recipient.hex() == PAYOUT

    verified = verify_artifact_file(out, load_guest("fault").image_id)
    assert verified["accepted"] is True and verified["receipt_kind"] == kind
    assert verified["fault"]["fault"] is True
    assert verified["fault"]["computed_output_root"] == "0x" + journal.computed_output_root.hex()

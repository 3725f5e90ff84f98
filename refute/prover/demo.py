"""``refute demo``: an end-to-end check on the built-in devnet.

Proves the ``digest`` guest on a fixed input with a real receipt (succinct
unless asked otherwise), verifies it against the guest's image ID, checks that
the journal is ``sha256(input) || len(input)``, and checks that the receipt does
not verify against another program's image ID.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from refute.prover import zkvm
from refute.prover.api import prove_guest
from refute.prover.artifacts import read_receipt_file
from refute.prover.errors import VerificationFailed
from refute.prover.guests_registry import load_guest

DEMO_INPUT = b"refute devnet: block 1 claims state root 0x00..00, which is wrong"


def run_demo(*, dev_mode: bool = False, receipt_kind: str = "succinct") -> dict[str, Any]:
    guest = load_guest("digest")
    expected_journal = hashlib.sha256(DEMO_INPUT).digest() + len(DEMO_INPUT).to_bytes(8, "little")
    with tempfile.TemporaryDirectory(prefix="refute-demo-") as tmp:
        out = Path(tmp) / "digest.proof.json"
        proved = prove_guest("digest", DEMO_INPUT, out, receipt_kind=receipt_kind, dev_mode=dev_mode)
        receipt, _ = read_receipt_file(out)
    verified = zkvm.verify(receipt, guest.image_id, allow_dev=dev_mode)
    if verified.journal != expected_journal:
        raise VerificationFailed("demo: the verified journal is not sha256(input) || len(input)")
    # A receipt must not verify against another program's image ID.
    other_id = hashlib.sha256(guest.image_id).digest()
    try:
        zkvm.verify(receipt, other_id, allow_dev=dev_mode)
    except VerificationFailed:
        wrong_id_rejected = True
    else:
        wrong_id_rejected = False
    return {
        "guest": "digest",
        "image_id": guest.image_id_hex,
        "dev_mode": dev_mode,
        "receipt_kind": proved["receipt_kind"],
        "user_cycles": proved["user_cycles"],
        "total_cycles": proved["total_cycles"],
        "segments": proved["segments"],
        "prove_seconds": proved["prove_seconds"],
        "receipt_bytes": proved["receipt_bytes"],
        "journal": proved["journal"],
        "verified": True,
        "wrong_image_id_rejected": wrong_id_rejected,
    }

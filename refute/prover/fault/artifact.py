"""What `refute verify` checks beyond the proof for a fault-program artifact.

The receipt proves the journal; the artifact also carries the journal's
decoded fields, the blob openings and the dispute call a challenger submits.
Those are conveniences a person or a script acts on, so they must say exactly
what the proven journal says: every field equal, the openings hashing to the
journal's blob binding, the call's arguments equal to the journal's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from refute.hexutil import HexError, parse_hex
from refute.prover.errors import InvalidInputError, VerificationFailed
from refute.prover.fault.api import pack_openings
from refute.verifier.dispute import blob_binding
from refute.verifier.errors import MalformedInputError
from refute.verifier.journal import FaultJournal

FAULT_GUEST = "fault"


def check_fault_section(path: Path, journal_bytes: bytes) -> dict[str, Any]:
    """Checks the artifact's `fault` section against the proven journal; returns a summary."""
    data = json.loads(path.read_text())
    section = data.get("fault")
    if not isinstance(section, dict):
        raise InvalidInputError(f"{path}: a fault-program artifact without its 'fault' section")
    try:
        journal = FaultJournal.decode(journal_bytes)
    except MalformedInputError as exc:
        raise VerificationFailed(f"{path}: the proven journal is not a fault journal: {exc}") from None
    fields = journal.to_json()
    if section.get("journal_fields") != fields:
        raise VerificationFailed(f"{path}: the artifact's journal_fields differ from the proven journal {fields}")
    try:
        openings = section.get("openings") or []
        if blob_binding(pack_openings(openings)) != journal.blob_binding:
            raise VerificationFailed(f"{path}: the blob openings do not hash to the journal's blob binding")
        call = section.get("dispute_call") or {}
        for name, value in fields.items():
            if name != "version" and call.get(name) != value:
                raise VerificationFailed(
                    f"{path}: dispute_call.{name} is {call.get(name)!r}, the journal says {value!r}"
                )
        claimed = parse_hex(section.get("claimed_output_root", ""), "claimed_output_root")
    except (HexError, KeyError, TypeError) as exc:
        raise InvalidInputError(f"{path}: malformed 'fault' section: {exc}") from None
    return {
        "l2_block_number": journal.l2_block_number,
        "computed_output_root": fields["computed_output_root"],
        "claimed_output_root": "0x" + claimed.hex(),
        "fault": journal.shows_fault(claimed),
        "blob_openings": len(openings),
    }

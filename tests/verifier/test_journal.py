"""The fault-proof journal codec: layout as docs/protocol.md fixes it, strict decoding, round trips."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refute.verifier.errors import MalformedInputError
from refute.verifier.journal import (
    FAULT_JOURNAL_LAYOUT,
    FAULT_JOURNAL_LENGTH,
    FAULT_JOURNAL_VERSION,
    FaultJournal,
)

digests = st.binary(min_size=32, max_size=32)
journals = st.builds(
    FaultJournal,
    payout_recipient=st.binary(min_size=20, max_size=20),
    l1_head=digests,
    agreed_output_root=digests,
    computed_output_root=digests,
    l2_block_number=st.integers(min_value=0, max_value=2**64 - 1),
    rollup_config_hash=digests,
    blob_binding=digests,
)


def test_layout_is_the_one_in_protocol_md(repo_dir: Path) -> None:
    text = (repo_dir / "docs" / "protocol.md").read_text()
    section = text[text.index("## The journal") :]
    rows = re.findall(r"^\| (\d+) \| (\d+) \| ", section, flags=re.MULTILINE)
    assert [(int(o), int(n)) for o, n in rows] == [(offset, size) for _, offset, size in FAULT_JOURNAL_LAYOUT]
    assert f"{FAULT_JOURNAL_LENGTH} bytes" in section.splitlines()[0]
    assert FAULT_JOURNAL_LENGTH == 189


@given(journals)
def test_round_trip_and_fixed_offsets(journal: FaultJournal) -> None:
    raw = journal.encode()
    assert len(raw) == FAULT_JOURNAL_LENGTH and raw[0] == FAULT_JOURNAL_VERSION
    assert FaultJournal.decode(raw) == journal
    assert raw[1:21] == journal.payout_recipient and raw[85:117] == journal.computed_output_root
    assert int.from_bytes(raw[117:125], "big") == journal.l2_block_number


@given(journals, st.integers(min_value=0, max_value=FAULT_JOURNAL_LENGTH - 1), st.integers(min_value=1, max_value=255))
def test_every_byte_is_bound(journal: FaultJournal, index: int, flip: int) -> None:
    raw = bytearray(journal.encode())
    raw[index] ^= flip
    if index == 0:
        with pytest.raises(MalformedInputError, match="version"):
            FaultJournal.decode(bytes(raw))
    else:
        assert FaultJournal.decode(bytes(raw)) != journal


@given(journals, st.binary(max_size=8))
def test_wrong_lengths_are_malformed(journal: FaultJournal, extra: bytes) -> None:
    raw = journal.encode()
    with pytest.raises(MalformedInputError, match="189 bytes"):
        FaultJournal.decode(raw[:-1])
    if extra:
        with pytest.raises(MalformedInputError, match="189 bytes"):
            FaultJournal.decode(raw + extra)


def test_fields_are_checked() -> None:
    good = dict(
        payout_recipient=bytes(20),
        l1_head=bytes(32),
        agreed_output_root=bytes(32),
        computed_output_root=bytes(32),
        l2_block_number=7,
        rollup_config_hash=bytes(32),
        blob_binding=bytes(32),
    )
    for name, bad in [
        ("payout_recipient", bytes(32)),
        ("l1_head", bytes(20)),
        ("l2_block_number", -1),
        ("l2_block_number", 2**64),
        ("l2_block_number", True),
        ("blob_binding", "0x00"),
    ]:
        with pytest.raises(MalformedInputError):
            FaultJournal(**{**good, name: bad})


def test_fault_decision_and_json() -> None:
    journal = FaultJournal(bytes(20), bytes(32), bytes(32), b"\x01" * 32, 9, bytes(32), bytes(32))
    assert journal.shows_fault(b"\x02" * 32) and not journal.shows_fault(b"\x01" * 32)
    js = journal.to_json()
    assert js["version"] == 1 and js["l2_block_number"] == 9
    assert js["computed_output_root"] == "0x" + "01" * 32 and js["payout_recipient"] == "0x" + "00" * 20

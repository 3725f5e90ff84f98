"""The native segment steps on their own (no Ray): execute to segments, prove+lift, join, finalize."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cluster_inputs import MULTI_SEGMENT_INPUT, TEST_PO2, expected_journal

from refute.prover import zkvm
from refute.prover.cluster import segments
from refute.prover.errors import InvalidInputError, NativeArgumentError


def test_execute_writes_each_segment_with_its_content_address(digest_guest, tmp_path: Path) -> None:
    run = segments.execute_to_segments(digest_guest.program, MULTI_SEGMENT_INPUT, TEST_PO2, tmp_path)
    assert run.journal == expected_journal(MULTI_SEGMENT_INPUT)
    assert run.image_id == digest_guest.image_id
    assert len(run.segments) >= 3
    assert [s.index for s in run.segments] == list(range(len(run.segments)))
    for s in run.segments:
        data = (tmp_path / s.file).read_bytes()
        assert s.file == segments.segment_file_name(s.index)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (s.bytes, s.sha256)
        assert s.po2 <= TEST_PO2
    assert not list(tmp_path.glob(".*partial"))
    # The claim is the one the single-machine executor reports for the same run.
    single = zkvm.execute(digest_guest.program, MULTI_SEGMENT_INPUT, segment_limit_po2=TEST_PO2)
    assert run.claim_digest == single.claim_digest
    assert run.total_cycles == single.total_cycles


def test_execution_is_deterministic_but_segment_bytes_are_not_an_address(digest_guest, tmp_path: Path) -> None:
    """Same segments and claim on every run (what the receipt store relies on); the bytes may differ."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = segments.execute_to_segments(digest_guest.program, MULTI_SEGMENT_INPUT, TEST_PO2, tmp_path / "a")
    b = segments.execute_to_segments(digest_guest.program, MULTI_SEGMENT_INPUT, TEST_PO2, tmp_path / "b")
    assert a.claim_digest == b.claim_digest
    assert [(s.index, s.po2) for s in a.segments] == [(s.index, s.po2) for s in b.segments]


@pytest.mark.parametrize("po2", [12, 23, True])
def test_execute_refuses_segment_sizes_out_of_range(digest_guest, tmp_path: Path, po2: int) -> None:
    with pytest.raises(InvalidInputError, match="segment po2"):
        segments.execute_to_segments(digest_guest.program, b"x", po2, tmp_path)


def test_execute_refuses_a_missing_directory(digest_guest, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist") as info:
        segments.execute_to_segments(digest_guest.program, b"x", TEST_PO2, tmp_path / "absent")
    assert info.value.fields["path"] == str(tmp_path / "absent")


def test_garbage_is_invalid_input_not_a_crash() -> None:
    with pytest.raises(InvalidInputError, match="segment"):
        segments.prove_and_lift(b"not a segment")
    with pytest.raises(InvalidInputError, match="left receipt"):
        segments.join(b"junk", b"junk")
    with pytest.raises(InvalidInputError, match="final receipt"):
        segments.finalize(b"junk", b"", bytes(32), bytes(32))
    with pytest.raises(NativeArgumentError, match="image ID must be 32 bytes"):
        segments.finalize(b"junk", b"", bytes(31), bytes(32))
    with pytest.raises(NativeArgumentError, match="cannot be built from segments"):
        segments.finalize(b"junk", b"", bytes(32), bytes(32), receipt_kind="composite")

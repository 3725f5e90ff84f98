"""The native segment steps on their own (no Ray): execute to segments and keccak requests, and bad inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cluster_inputs import (
    MULTI_SEGMENT_INPUT,
    TEST_KECCAK_PO2,
    TEST_PO2,
    THREE_REQUEST_INPUT,
    expected_journal,
    expected_keccak_journal,
)

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


def test_keccak_requests_are_written_and_the_claim_is_the_resolved_one(
    keccak_guest, digest_guest, tmp_path: Path
) -> None:
    """The accelerator's requests come out as files; the claim is the single machine's, keccak proofs resolved."""
    run = segments.execute_to_segments(
        keccak_guest.program, THREE_REQUEST_INPUT, TEST_PO2, tmp_path, keccak_po2=TEST_KECCAK_PO2
    )
    assert run.journal == expected_keccak_journal(THREE_REQUEST_INPUT)
    assert run.keccak_po2 == TEST_KECCAK_PO2
    assert [k.index for k in run.keccak_requests] == [0, 1, 2]
    for k in run.keccak_requests:
        data = (tmp_path / k.file).read_bytes()
        assert k.file == segments.keccak_file_name(k.index)
        assert (len(data), hashlib.sha256(data).hexdigest(), k.po2) == (k.bytes, k.sha256, TEST_KECCAK_PO2)
    assert len({k.claim_digest for k in run.keccak_requests}) == 3
    single = zkvm.execute(keccak_guest.program, THREE_REQUEST_INPUT, segment_limit_po2=TEST_PO2)
    assert run.claim_digest == single.claim_digest
    # The request size changes the requests, never the finished claim.
    (tmp_path / "default").mkdir()
    default = segments.execute_to_segments(keccak_guest.program, THREE_REQUEST_INPUT, TEST_PO2, tmp_path / "default")
    assert (len(default.keccak_requests), default.keccak_po2) == (1, 17)
    assert default.claim_digest == single.claim_digest
    # A guest without keccak makes no request.
    (tmp_path / "digest").mkdir()
    assert segments.execute_to_segments(digest_guest.program, b"x", TEST_PO2, tmp_path / "digest").keccak_requests == []


@pytest.mark.parametrize("po2", [13, 19, -1, True])
def test_execute_refuses_keccak_sizes_out_of_range(keccak_guest, tmp_path: Path, po2: int) -> None:
    with pytest.raises(InvalidInputError, match="keccak po2"):
        segments.execute_to_segments(keccak_guest.program, b"x", TEST_PO2, tmp_path, keccak_po2=po2)


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
    with pytest.raises(InvalidInputError, match="keccak request"):
        segments.prove_keccak(b"not a request")
    with pytest.raises(InvalidInputError, match="left receipt"):
        segments.union(b"junk", b"junk")

    with pytest.raises(InvalidInputError, match="final receipt"):
        segments.finalize(b"junk", b"", bytes(32), bytes(32))
    with pytest.raises(NativeArgumentError, match="image ID must be 32 bytes"):
        segments.finalize(b"junk", b"", bytes(31), bytes(32))
    with pytest.raises(NativeArgumentError, match="cannot be built from segments"):
        segments.finalize(b"junk", b"", bytes(32), bytes(32), receipt_kind="composite")


def test_the_fault_program_runs_into_segments_and_keccak_requests(tmp_path: Path) -> None:
    """The program the cluster exists for: its keccak requests come out, its claim is the single machine's."""
    from refute.prover.fault import example
    from refute.prover.guests_registry import load_guest

    example(tmp_path / "bundle", transactions=1)
    input_bytes = (tmp_path / "bundle" / "input.rlp").read_bytes()
    fault = load_guest("fault")
    (tmp_path / "segments").mkdir()
    run = segments.execute_to_segments(fault.program, input_bytes, segments.DEFAULT_SEGMENT_PO2, tmp_path / "segments")
    single = zkvm.execute(fault.program, input_bytes, segment_limit_po2=segments.DEFAULT_SEGMENT_PO2)
    assert (run.claim_digest, run.journal) == (single.claim_digest, single.journal)
    assert len(run.segments) == len(single.segments)
    assert len(run.keccak_requests) >= 1 and run.keccak_po2 == 17

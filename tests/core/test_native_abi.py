"""The C ABI contract: errors cross as values, buffers are freed, no panics escape."""

from __future__ import annotations

import resource

import pytest

from refute.prover import native, zkvm
from refute.prover.errors import InvalidInputError, NativeArgumentError, VerificationFailed


def test_version_reports_pinned_risc0() -> None:
    info = zkvm.native_version()
    assert info.risc0_zkvm == "3.1.0-rc.1"
    assert "composite" in info.receipt_kinds and "succinct" in info.receipt_kinds


def test_image_id_of_garbage_is_an_invalid_input_error() -> None:
    with pytest.raises(InvalidInputError, match="program binary"):
        zkvm.image_id(b"not a program binary")


def test_empty_input_is_rejected_not_crashed() -> None:
    with pytest.raises(InvalidInputError):
        zkvm.image_id(b"")


def test_pack_elf_rejects_non_elf_with_offset() -> None:
    with pytest.raises(InvalidInputError, match="offset 0"):
        zkvm.pack_elf(b"MZ\x90\x00" + b"\x00" * 100)


def test_pack_elf_rejects_truncated_elf() -> None:
    with pytest.raises(InvalidInputError):
        zkvm.pack_elf(b"\x7fELF" + b"\x01" * 60)


def test_execute_rejects_garbage_program() -> None:
    with pytest.raises(InvalidInputError):
        zkvm.execute(b"\x00" * 64, b"input")


def test_verify_rejects_garbage_receipt() -> None:
    with pytest.raises(VerificationFailed, match="receipt"):
        zkvm.verify(b"\x01\x02\x03", bytes(32))


def test_verify_rejects_short_image_id_before_the_core() -> None:
    with pytest.raises(InvalidInputError, match="32 bytes"):
        zkvm.verify(b"\x00", bytes(31))


def test_abi_contract_violation_is_reported() -> None:
    # The core itself checks lengths too: a 31-byte image ID straight through the ABI.
    with pytest.raises(NativeArgumentError, match="32 bytes"):
        native.call("verify", b"\x00", bytes(31), False)


def test_unknown_receipt_kind_is_rejected() -> None:
    with pytest.raises(NativeArgumentError, match="unknown"):
        native.call("prove", b"\x00", b"", "stark", False, 0)


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_results_are_freed() -> None:
    """10,000 calls returning 1 KiB errors and small outputs must not grow memory by ~10 MiB."""
    big_garbage = b"\x7fELF" + b"\xff" * 4096
    for _ in range(200):  # warm up allocator pools
        with pytest.raises(InvalidInputError):
            zkvm.pack_elf(big_garbage)
        zkvm.native_version()
    before = _rss_kib()
    for _ in range(5000):
        with pytest.raises(InvalidInputError):
            zkvm.pack_elf(big_garbage)
        native.call("version")
    grown = _rss_kib() - before
    assert grown < 4096, f"RSS grew by {grown} KiB over 10,000 native calls"

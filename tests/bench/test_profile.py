"""`refute profile`: the pprof reader on hand-built profiles, and real guest profiles.

The real profiles check what the guests must do: every Keccak on the keccak
accelerator, and no software Keccak, secp256k1, BN254 or SHA-256 crate on the
stack of any sample (a dependency can silently pick a software backend).
"""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from refute.bench.errors import ProfileFormatError
from refute.bench.profile import parse, profile_case, summarize


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _profile(samples: list[tuple[list[int], int]], names: list[str]) -> bytes:
    """A pprof Profile: function i + 1 is names[i] (location i + 1 holds it); each sample a location stack."""
    strings = ["", *names]
    out = b"".join(_bytes(6, s.encode()) for s in strings)
    for i in range(len(names)):
        out += _bytes(5, _int(1, i + 1) + _int(2, i + 1))
        out += _bytes(4, _int(1, i + 1) + _bytes(4, _int(1, i + 1)))
    for stack, cycles in samples:
        packed = b"".join(_varint(location) for location in stack)
        out += _bytes(2, _bytes(1, packed) + _bytes(2, _varint(cycles)))
    return out


NAMES = [
    "main",
    "refute_stf[0123456789abcdef]::mpt",
    "<k256[fedcba9876543210]::arithmetic::scalar::Scalar as core::ops::Mul>",
    "native_keccak256",
    "refute_stf[0123456789abcdef]::keccak::keccak256_with",
]


def test_flat_and_cumulative_cycles_of_a_hand_built_profile() -> None:
    data = _profile([([2, 1], 100), ([3, 2, 1], 50), ([5, 4, 1], 7)], NAMES)
    scalar_mul = "<k256::arithmetic::scalar::Scalar as core::ops::Mul>"
    for raw in (data, gzip.compress(data)):
        profile = parse(raw)
        assert profile.total == 157
        assert profile.flat() == {"refute_stf::mpt": 100, scalar_mul: 50, "refute_stf::keccak::keccak256_with": 7}
        assert profile.cumulative()["main"] == 157
        assert profile.cumulative()["refute_stf::mpt"] == 150
    summary = summarize(parse(data), top=2)
    assert summary.flat == [("refute_stf::mpt", 100), (scalar_mul, 50)]
    # k256 is a software fallback; refute_stf's keccak module and native_keccak256 are not the keccak crate.
    assert summary.software_fallbacks == {"k256": 50}
    assert summary.accelerators == {"keccak": 0}


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x12\x05\x0a", "runs past the end"),
        (b"\x12", "truncated"),
        (b"\x13", "wire type 3"),
        (_bytes(2, _bytes(1, b"\x01")) + _bytes(4, _int(1, 1) + _bytes(4, _int(1, 9))), "no name"),
    ],
)
def test_malformed_profiles_are_refused(raw: bytes, message: str) -> None:
    with pytest.raises(ProfileFormatError, match=message):
        parse(raw)


@pytest.mark.slow
def test_the_guests_take_the_accelerated_paths() -> None:
    """Ten calls each of ecrecover, SHA-256 and BN254 ecMul, plus sender recovery and trie hashing."""
    from refute.bench.measure import workload_input
    from refute.bench.workloads import Workload
    from refute.prover import zkvm
    from refute.prover.fault.api import GUEST
    from refute.prover.guests_registry import load_guest

    profile, kept = profile_case("precompile_heavy/10")
    assert kept is None
    summary = summarize(profile)
    assert summary.software_fallbacks == {}
    assert summary.accelerators["keccak"] > 0
    run = zkvm.execute(load_guest(GUEST).program, workload_input(Workload("precompile_heavy", 10)))
    # The profiler samples user and paging cycles (a few thousand at the edges of segments escape it).
    executed = run.user_cycles + run.paging_cycles
    assert abs(profile.total - executed) <= executed // 1000


@pytest.mark.slow
def test_the_cli_reports_and_keeps_the_profile(tmp_path) -> None:
    from refute.cli import main

    result = CliRunner().invoke(main, ["profile", "eth_transfer/1", "--top", "3", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["case"] == "eth_transfer/1" and len(data["flat"]) == 3
    assert data["software_fallbacks"] == {} and data["accelerators"]["keccak"] > 0
    assert (tmp_path / "eth_transfer-1.pprof").is_file()
    assert parse((tmp_path / "eth_transfer-1.pprof").read_bytes()).total == data["total_cycles"]


@pytest.mark.parametrize("case", ["nosuch/1", "eth_transfer/0", "eth_transfer/x", "op-sepolia/1"])
def test_unknown_cases_are_usage_errors(case: str) -> None:
    from refute.cli import main

    result = CliRunner().invoke(main, ["profile", case, "--json"])
    assert result.exit_code == 2, result.output

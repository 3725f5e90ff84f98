"""Where a case's cycles go: the zkVM executor's cycle profile of one bench case.

RISC Zero's executor writes a profile of the guest when ``RISC0_PPROF_OUT``
names a file: every sample is a call stack (innermost function first) with the
cycles spent there, in Google's pprof format (a gzipped protobuf). This module
runs one case with the profiler on and reads that file, so that what a change
costs or saves can be seen per function, and so that a test can check that the
guests really take the accelerated paths (the keccak and bigint accelerators)
rather than a software fallback some dependency picked silently.

The reader decodes only the pprof fields it needs (``Profile.sample``,
``location``, ``function``, ``string_table``; field numbers from pprof's
``profile.proto``), with a protobuf wire-format parser of its own: the format
is small and stable, and the profile is the project's own output.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.bench.errors import ProfileFormatError
from refute.bench.workloads import KINDS, MAX_TRANSACTIONS, Workload, real_blocks, real_blocks_dir
from refute.prover import zkvm
from refute.prover.errors import InvalidInputError, UsageError

#: The executor's switch: the path it writes the profile to.
PPROF_ENV = "RISC0_PPROF_OUT"
#: Refuse profiles larger than this (a whole-block profile is a few MB).
MAX_PROFILE_BYTES = 256 * 2**20
#: The crate hash rustc puts in demangled paths (``refute_stf[1d4ecd3dbb73fbf6]``).
_CRATE_HASH = re.compile(r"\[[0-9a-f]{16}\]")

#: Crates whose code in a guest's profile means a software path where an accelerator should serve:
#: software Keccak, secp256k1, BN254 and SHA-256.
SOFTWARE_FALLBACKS = ("tiny_keccak", "keccak", "sha3", "keccak_asm", "k256", "ark_bn254", "ark_ec", "ark_ff", "sha2")
#: The accelerators' entry points that stay functions in a guest's profile, by what they compute (the
#: bigint and SHA programs are single instructions inlined into their callers).
ACCELERATORS = {"keccak": "risc0_keccak_update"}


# pprof's profile.proto field numbers.
_PROFILE_SAMPLE, _PROFILE_LOCATION, _PROFILE_FUNCTION, _PROFILE_STRINGS = 2, 4, 5, 6
_SAMPLE_LOCATIONS, _SAMPLE_VALUES = 1, 2
_LOCATION_ID, _LOCATION_LINE = 1, 4
_LINE_FUNCTION = 1
_FUNCTION_ID, _FUNCTION_NAME = 1, 2


@dataclass(frozen=True)
class Profile:
    """A guest's cycles by call stack: each sample is (function names, innermost first; cycles)."""

    samples: tuple[tuple[tuple[str, ...], int], ...]

    @property
    def total(self) -> int:
        return sum(cycles for _, cycles in self.samples)

    def flat(self) -> Counter[str]:
        """Cycles by the function that spent them (the innermost frame)."""
        out: Counter[str] = Counter()
        for stack, cycles in self.samples:
            if stack:
                out[stack[0]] += cycles
        return out

    def cumulative(self) -> Counter[str]:
        """Cycles by function, counting every sample the function is on the stack of (once per sample)."""
        out: Counter[str] = Counter()
        for stack, cycles in self.samples:
            for name in set(stack):
                out[name] += cycles
        return out

    def cycles_under(self, matches: Callable[[str], bool]) -> int:
        """Cycles of the samples with a frame whose name ``matches``."""
        return sum(cycles for stack, cycles in self.samples if any(matches(name) for name in stack))


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ProfileFormatError(f"truncated or overlong varint at byte {at}")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: an int for varints, bytes for length-delimited fields."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, value
        elif wire == 2:
            length, at = _varint(data, at)
            if at + length > len(data):
                raise ProfileFormatError(f"field {number} runs past the end of its message")
            yield number, data[at : at + length]
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise ProfileFormatError(f"unsupported protobuf wire type {wire} (field {number})")


def _integers(value: int | bytes) -> list[int]:
    """A repeated integer field, packed (bytes) or not (one int)."""
    if isinstance(value, int):
        return [value]
    out, at = [], 0
    while at < len(value):
        item, at = _varint(value, at)
        out.append(item)
    return out


def _message(value: int | bytes, what: str) -> bytes:
    if isinstance(value, int):
        raise ProfileFormatError(f"{what} is a number where a message belongs")
    return value


def parse(data: bytes) -> Profile:
    """Reads a pprof profile (gzipped or not); the first sample value is taken as cycles."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    strings: list[str] = []
    raw_samples: list[tuple[list[int], int]] = []
    locations: dict[int, list[int]] = {}
    functions: dict[int, int] = {}
    for number, value in _fields(data):
        if number == _PROFILE_STRINGS:
            strings.append(_message(value, "a string").decode("utf-8", "replace"))
        elif number == _PROFILE_SAMPLE:
            ids: list[int] = []
            values: list[int] = []
            for field, item in _fields(_message(value, "a sample")):
                if field == _SAMPLE_LOCATIONS:
                    ids += _integers(item)
                elif field == _SAMPLE_VALUES:
                    values += _integers(item)
            raw_samples.append((ids, values[0] if values else 0))
        elif number == _PROFILE_LOCATION:
            location_id, function_ids = 0, []
            for field, item in _fields(_message(value, "a location")):
                if field == _LOCATION_ID and isinstance(item, int):
                    location_id = item
                elif field == _LOCATION_LINE:
                    function_ids += [f for g, f in _fields(_message(item, "a line")) if g == _LINE_FUNCTION]
            locations[location_id] = [f for f in function_ids if isinstance(f, int)]
        elif number == _PROFILE_FUNCTION:
            function_id, name_index = 0, 0
            for field, item in _fields(_message(value, "a function")):
                if field == _FUNCTION_ID and isinstance(item, int):
                    function_id = item
                elif field == _FUNCTION_NAME and isinstance(item, int):
                    name_index = item
            functions[function_id] = name_index

    def name(function_id: int) -> str:
        index = functions.get(function_id)
        if index is None or index >= len(strings):
            raise ProfileFormatError(f"function {function_id} has no name in the string table")
        return _CRATE_HASH.sub("", strings[index])

    samples = []
    for ids, cycles in raw_samples:
        stack = tuple(name(f) for location in ids for f in locations.get(location, []))
        samples.append((stack, cycles))
    return Profile(tuple(samples))


def load(path: Path) -> Profile:
    """A profile file written by the executor."""
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise ProfileFormatError(f"{path}: {size:,} bytes, over the {MAX_PROFILE_BYTES:,}-byte limit")
    return parse(path.read_bytes())


@contextmanager
def _profiler_writing_to(path: Path) -> Iterator[None]:
    """Turns the executor's profiler on for the calls inside (it reads the variable per execution)."""
    previous = os.environ.get(PPROF_ENV)
    os.environ[PPROF_ENV] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PPROF_ENV, None)
        else:
            os.environ[PPROF_ENV] = previous


def case_input(name: str) -> tuple[str, bytes]:
    """(guest, input) of the bench case ``name``: ``KIND/N`` (a generated block through the ``fault``
    guest) or ``op-sepolia/NUMBER`` (a real fixture block through the ``block`` guest)."""
    kind, _, size = name.partition("/")
    if kind == "op-sepolia":
        block = next((b for b in real_blocks(quick=False) if b.name == name), None)
        if block is None:
            raise UsageError(f"{name}: no such fixture block in {real_blocks_dir()}")
        from refute.bench.measure import block_case

        return "block", block_case(block)[1]
    if kind not in KINDS or not size.isdigit() or not 1 <= int(size) <= MAX_TRANSACTIONS:
        raise UsageError(
            f"{name}: expected KIND/N (KIND one of {', '.join(KINDS)}; N from 1 to {MAX_TRANSACTIONS}) "
            "or op-sepolia/NUMBER"
        )
    from refute.bench.measure import workload_input
    from refute.prover.fault.api import GUEST

    return GUEST, workload_input(Workload(kind, int(size)))


def profile_case(name: str, out: Path | None = None) -> tuple[Profile, Path | None]:
    """Executes case ``name`` with the profiler on; returns the profile and where its file was kept
    (``out``/NAME.pprof when ``out`` is given, else nowhere)."""
    from refute.prover.guests_registry import load_guest

    guest, input_bytes = case_input(name)
    program = load_guest(guest).program
    with tempfile.TemporaryDirectory() as tmp:
        path = (out / (name.replace("/", "-") + ".pprof")) if out else Path(tmp) / "guest.pprof"
        path.parent.mkdir(parents=True, exist_ok=True)
        with _profiler_writing_to(path):
            zkvm.execute(program, input_bytes)
        if not path.is_file():
            raise InvalidInputError(f"{name}: the executor wrote no profile to {path}")
        return load(path), (path if out else None)


def _containing(text: str) -> Callable[[str], bool]:
    """Whether a function name contains ``text``."""
    return lambda name: text in name


def _in_crate(crate: str) -> Callable[[str], bool]:
    """Whether a function name has a path in ``crate`` (``k256::…``, ``<k256::…>``), not merely a segment or
    name that ends like it (``refute_stf::keccak::…``, ``native_keccak256``)."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_:]){re.escape(crate)}::")
    return lambda name: pattern.search(name) is not None


@dataclass(frozen=True)
class Summary:
    """What ``refute profile`` reports of a profile."""

    total: int
    flat: list[tuple[str, int]]
    cumulative: list[tuple[str, int]]
    #: Cycles of the samples under each accelerator's entry point.
    accelerators: dict[str, int]
    #: Cycles of the samples in each software fallback crate present.
    software_fallbacks: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        rows = lambda pairs: [{"function": f, "cycles": c} for f, c in pairs]  # noqa: E731
        return {
            "total_cycles": self.total,
            "flat": rows(self.flat),
            "cumulative": rows(self.cumulative),
            "accelerators": self.accelerators,
            "software_fallbacks": self.software_fallbacks,
        }

    def text(self, name: str) -> str:
        share = lambda cycles: f"{cycles / 1e6:9.2f} M {100 * cycles / max(self.total, 1):5.1f}%"  # noqa: E731
        lines = [f"{name}: {self.total:,} cycles (user and paging)"]
        for title, pairs in (("by function (flat)", self.flat), ("with callees (cumulative)", self.cumulative)):
            lines.append(title + ":")
            lines += [f"  {share(cycles)}  {function[:120]}" for function, cycles in pairs]
        millions = lambda d: ", ".join(f"{k} {v / 1e6:.2f} M" for k, v in d.items()) or "none"  # noqa: E731
        lines.append("accelerators: " + millions(self.accelerators))
        lines.append("software fallbacks: " + millions(self.software_fallbacks))
        return "\n".join(lines)


def summarize(profile: Profile, top: int = 20) -> Summary:
    """The profile's largest functions (flat and cumulative), the cycles under each accelerator, and the
    cycles in any software fallback crate."""
    return Summary(
        total=profile.total,
        flat=profile.flat().most_common(top),
        cumulative=profile.cumulative().most_common(top),
        accelerators={what: profile.cycles_under(_containing(entry)) for what, entry in ACCELERATORS.items()},
        software_fallbacks={
            crate: cycles for crate in SOFTWARE_FALLBACKS if (cycles := profile.cycles_under(_in_crate(crate)))
        },
    )

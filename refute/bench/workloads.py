"""The cases the suite measures: generated workloads and the real fixture blocks.

Generated workloads come from the chain-fixture generator
(``native/crates/refute-fault/src/generate.rs``): a real L1/L2 pair whose
disputed block batches N user transactions of one kind, proven by the ``fault``
guest. The contracts the kinds call are small hand-written EVM programs in the
generator (a token with ``transfer``, a contract writing ten fresh slots per
call, one calling ``ecrecover``, ``sha256`` and BN254 ``ecMul``).

Real blocks are the OP Sepolia fixture blocks (kona executor witnesses) run by
the ``block`` guest (block execution only: no derivation or blob binding).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from refute.prover.errors import UsageError
from refute.prover.fault.api import WORKLOADS

KINDS = WORKLOADS
FULL_SIZES = (1, 10, 100, 1000)
QUICK_SIZES = (1, 10)
#: The generator's limit (``MAX_TRANSACTIONS`` in generate.rs).
MAX_TRANSACTIONS = 1000
#: Real blocks the quick suite runs (the smallest; the full suite runs all).
QUICK_BLOCKS = ("block-26207960",)


@dataclass(frozen=True)
class Workload:
    """A generated disputed block: ``transactions`` user transactions of ``kind``."""

    kind: str
    transactions: int

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.transactions}"


@dataclass(frozen=True)
class RealBlock:
    """A real fixture block executed by the ``block`` guest."""

    path: Path

    @property
    def name(self) -> str:
        return "op-sepolia/" + self.path.name.removesuffix(".tar.gz").removeprefix("block-")


def fixtures_dir() -> Path:
    """``$REFUTE_FIXTURES`` (default ``../shared`` beside the repository)."""
    env = os.environ.get("REFUTE_FIXTURES")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared"


def real_blocks_dir() -> Path:
    """Where the OP Sepolia fixture blocks (kona executor fixtures) are."""
    return fixtures_dir() / "fixtures" / "execution-witness" / "kona-op-sepolia"


def real_blocks(quick: bool) -> list[RealBlock]:
    """The OP Sepolia fixture blocks present (quick: only the smallest)."""
    paths = sorted(real_blocks_dir().glob("block-*.tar.gz"))
    if quick:
        paths = [p for p in paths if p.name.removesuffix(".tar.gz") in QUICK_BLOCKS]
    return [RealBlock(p) for p in paths]


def workloads(quick: bool, kinds: tuple[str, ...] = KINDS, sizes: tuple[int, ...] | None = None) -> list[Workload]:
    """Every (kind, size) pair, smallest first."""
    chosen = sizes or (QUICK_SIZES if quick else FULL_SIZES)
    return [Workload(kind, n) for n in chosen for kind in kinds]


def parse_kinds(text: str | None) -> tuple[str, ...]:
    """``--kinds``: comma-separated names from :data:`KINDS` (None: all)."""
    if not text:
        return KINDS
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in KINDS]
    if unknown or not names:
        raise UsageError(
            f"--kinds: unknown {', '.join(unknown) or '(none given)'}; expected some of {', '.join(KINDS)}"
        )
    return names


def parse_sizes(text: str | None) -> tuple[int, ...] | None:
    """``--sizes``: comma-separated transaction counts from 1 to 1000 (None: the suite's default)."""
    if not text:
        return None
    try:
        sizes = tuple(int(n) for n in text.split(",") if n.strip())
    except ValueError:
        raise UsageError(f"--sizes: {text!r} is not a comma-separated list of integers") from None
    if not sizes or any(not 1 <= n <= MAX_TRANSACTIONS for n in sizes):
        raise UsageError(f"--sizes: each size must be from 1 to {MAX_TRANSACTIONS}, got {text!r}")
    return sizes

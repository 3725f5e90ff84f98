"""The join tree of a segment-parallel proof: which receipts to join, in what order.

Also the union tree of its keccak proofs (:func:`plan_keccak_unions`).

Why a pure module: the tree decides correctness (a join takes two *neighbouring*
ranges, left before right) and its shape decides the critical path (depth), so
it is planned and tested on its own, without a cluster. Segment ranges are
half-open ``[start, end)``; a leaf is one segment, the root covers them all.
Each range is split at the middle (the left half gets the extra segment), so
the depth is ``ceil(log2(n))``, the least any binary tree of ``n`` leaves has.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    """The half-open range of segments ``[start, end)`` a receipt covers."""

    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def is_leaf(self) -> bool:
        return self.size == 1

    def __str__(self) -> str:
        return f"[{self.start},{self.end})"


@dataclass(frozen=True)
class JoinStep:
    """Join the receipts of ``left`` and ``right`` (neighbours) into one for ``out``.

    ``height`` is the step's distance from the leaves (1 for joins of two leaves'
    ranges or of a leaf and a join): all steps of one height can run in parallel
    once the lower heights are done.
    """

    left: Span
    right: Span
    out: Span
    height: int


@dataclass(frozen=True)
class JoinPlan:
    """Every join step of ``segments`` leaves, children before parents."""

    segments: int
    steps: tuple[JoinStep, ...]
    root: Span
    depth: int


def plan_joins(segments: int) -> JoinPlan:
    """The balanced join tree over ``segments`` leaves (at least one).

    ``steps`` is ordered by height, then by position, so running the steps in
    order always finds both inputs ready. One segment needs no join.
    """
    if isinstance(segments, bool) or not isinstance(segments, int) or segments < 1:
        raise ValueError(f"a proof has at least one segment, got {segments!r}")
    steps: list[JoinStep] = []

    def build(span: Span) -> int:
        if span.is_leaf:
            return 0
        mid = span.start + (span.size + 1) // 2
        left, right = Span(span.start, mid), Span(mid, span.end)
        height = 1 + max(build(left), build(right))
        steps.append(JoinStep(left, right, span, height))
        return height

    root = Span(0, segments)
    depth = build(root)
    steps.sort(key=lambda s: (s.height, s.out.start))
    return JoinPlan(segments=segments, steps=tuple(steps), root=root, depth=depth)


@dataclass(frozen=True)
class UnionPlan:
    """How the proofs of ``requests`` keccak requests unite into the one the joined receipt assumes.

    ``steps`` unite two proofs covering neighbouring ranges of requests into one
    for ``out`` (a :class:`JoinStep`, whose ``height`` is the union's depth),
    children before parents; ``root`` covers every request. With one request
    the root is that request's own proof and there is no step.
    """

    requests: int
    steps: tuple[JoinStep, ...]
    root: Span


def plan_keccak_unions(requests: int) -> UnionPlan:
    """The unions of ``requests`` (at least one) keccak proofs, in the shape the guest accumulates them.

    Why this shape and no other: the guest commits to a Merkle mountain range
    of its requests' claims (RISC Zero's keccak batcher): each request is a
    peak of height 0, two peaks of equal height merge as soon as they meet, and
    at the end the remaining peaks fold from the oldest. A union proves exactly
    one such merge, so the receipts must be united along the same tree, or the
    root's claim differs from the assumption the guest made. (A union sorts its
    two inputs, so only the grouping matters, not the order within a step.)
    """
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
        raise ValueError(f"a keccak union needs at least one request, got {requests!r}")
    steps: list[JoinStep] = []
    peaks: list[tuple[Span, int]] = []
    for index in range(requests):
        peak, height = Span(index, index + 1), 0
        while peaks and peaks[-1][1] == height:
            older, _ = peaks.pop()
            merged = Span(older.start, peak.end)
            height += 1
            steps.append(JoinStep(older, peak, merged, height))
            peak = merged
        peaks.append((peak, height))
    root, root_height = peaks[0]
    for peak, height in peaks[1:]:
        merged = Span(root.start, peak.end)
        root_height = max(root_height, height) + 1
        steps.append(JoinStep(root, peak, merged, root_height))
        root = merged
    return UnionPlan(requests=requests, steps=tuple(steps), root=root)


#: Memory a segment proof needs beyond its trace (prover tables, recursion, process).
_MEMORY_BASE_BYTES = 512 * 1024 * 1024
#: Memory per cycle of trace: an estimate scaled from a po2-16 prove+lift seen at 1.05 GiB resident.
_MEMORY_BYTES_PER_CYCLE = 8 * 1024


def segment_memory_bytes(po2: int) -> int:
    """The memory to reserve for proving one segment of ``2**po2`` cycles.

    Declared to Ray per task, so a node only takes as many segments as it can
    hold at once; a node with less memory than this never gets a segment.
    """
    if isinstance(po2, bool) or not isinstance(po2, int) or po2 < 0:
        raise ValueError(f"segment po2 must be a non-negative integer, got {po2!r}")
    return _MEMORY_BASE_BYTES + _MEMORY_BYTES_PER_CYCLE * (1 << po2)

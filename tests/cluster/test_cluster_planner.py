"""The planners (no Ray, no proving): the join tree for 1..100 segments, the keccak union tree for 1..100 requests."""

from __future__ import annotations

import math

import pytest

from refute.prover.cluster.planner import JoinStep, Span, plan_joins, plan_keccak_unions


def _replay(segments: int, steps: tuple[JoinStep, ...]) -> set[Span]:
    """Runs the steps on a set of available spans, as a scheduler would, checking each join."""
    available = {Span(i, i + 1) for i in range(segments)}
    for step in steps:
        assert step.left in available, f"{step}: left input not ready"
        assert step.right in available, f"{step}: right input not ready"
        assert step.left.end == step.right.start, f"{step}: inputs are not neighbours"
        assert step.out == Span(step.left.start, step.right.end)
        available -= {step.left, step.right}
        available.add(step.out)
    return available


@pytest.mark.parametrize("segments", range(1, 101))
def test_every_count_gives_a_correct_ordered_balanced_tree(segments: int) -> None:
    plan = plan_joins(segments)
    assert plan.segments == segments
    assert len(plan.steps) == segments - 1
    assert _replay(segments, plan.steps) == {plan.root} == {Span(0, segments)}
    assert plan.depth == math.ceil(math.log2(segments))
    heights = [s.height for s in plan.steps]
    assert heights == sorted(heights)
    assert max(heights, default=0) == plan.depth
    for step in plan.steps:
        # Balanced: the halves of every join differ by at most one segment.
        assert 0 <= step.left.size - step.right.size <= 1


def test_small_trees_exactly() -> None:
    assert plan_joins(1).steps == ()
    three = plan_joins(3)
    assert [(str(s.left), str(s.right)) for s in three.steps] == [("[0,1)", "[1,2)"), ("[0,2)", "[2,3)")]


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3"])
def test_refuses_non_positive_or_non_integer_counts(bad: object) -> None:
    with pytest.raises(ValueError, match="at least one segment"):
        plan_joins(bad)  # type: ignore[arg-type]


def _mountain_range(requests: int) -> Span:
    """The guest's accumulation (RISC Zero's keccak batcher), written independently: merge equal heights, fold."""
    peaks: list[tuple[Span, int]] = []
    for i in range(requests):
        peak = (Span(i, i + 1), 0)
        while peaks and peaks[-1][1] == peak[1]:
            older = peaks.pop()
            peak = (Span(older[0].start, peak[0].end), peak[1] + 1)
        peaks.append(peak)
    root = peaks[0][0]
    for span, _ in peaks[1:]:
        root = Span(root.start, span.end)
    return root


@pytest.mark.parametrize("requests", range(1, 101))
def test_keccak_unions_follow_the_guests_mountain_range(requests: int) -> None:
    plan = plan_keccak_unions(requests)
    assert plan.requests == requests
    assert len(plan.steps) == requests - 1
    assert _replay(requests, plan.steps) == {plan.root} == {_mountain_range(requests)}
    # Every merge below the final fold unites two equal ranges whose size is a power of two.
    peaks = bin(requests).count("1")
    for step in plan.steps[: len(plan.steps) - (peaks - 1)]:
        assert step.left.size == step.right.size == 2 ** (step.height - 1)


def test_keccak_unions_of_a_few_requests_exactly() -> None:
    assert plan_keccak_unions(1).steps == () and plan_keccak_unions(1).root == Span(0, 1)
    five = [(str(s.left), str(s.right)) for s in plan_keccak_unions(5).steps]
    assert five == [("[0,1)", "[1,2)"), ("[2,3)", "[3,4)"), ("[0,2)", "[2,4)"), ("[0,4)", "[4,5)")]
    # Three requests: peaks of heights 1 and 0, folded oldest first; not a balanced tree.
    three = [(str(s.left), str(s.right)) for s in plan_keccak_unions(3).steps]
    assert three == [("[0,1)", "[1,2)"), ("[0,2)", "[2,3)")]
    six = [(str(s.left), str(s.right)) for s in plan_keccak_unions(6).steps]
    assert six[-1] == ("[0,4)", "[4,6)")


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3"])
def test_keccak_unions_refuse_non_positive_or_non_integer_counts(bad: object) -> None:
    with pytest.raises(ValueError, match="at least one request"):
        plan_keccak_unions(bad)  # type: ignore[arg-type]

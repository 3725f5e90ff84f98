"""The join tree planner (no Ray, no proving): correct, ordered and balanced for 1..100 segments."""

from __future__ import annotations

import math

import pytest

from refute.prover.cluster.planner import JoinStep, Span, plan_joins


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

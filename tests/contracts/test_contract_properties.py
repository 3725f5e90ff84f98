"""Random mutations of a valid challenge never make the contract and the mirror disagree."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refute.l1.chain import local_chain
from refute.l1.conformance import Scenario, sample_openings
from refute.verifier.journal import FAULT_JOURNAL_LAYOUT, FaultJournal

pytestmark = pytest.mark.slow

JOURNAL_FIELDS = [name for name, _, _ in FAULT_JOURNAL_LAYOUT[1:]]


@pytest.fixture(scope="module")
def scenario():
    return Scenario(local_chain().w3, dev_mode=True)


def _flip(data: bytes, index: int, mask: int) -> bytes:
    if not data:
        return data
    i = index % len(data)
    return data[:i] + bytes([data[i] ^ mask]) + data[i + 1 :]


mutations = st.one_of(
    st.tuples(st.just("journal"), st.sampled_from(JOURNAL_FIELDS), st.integers(0, 63), st.integers(1, 255)),
    st.tuples(st.just("seal"), st.just(""), st.integers(0, 35), st.integers(1, 255)),
    st.tuples(st.just("openings"), st.just(""), st.integers(0, 191), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.sampled_from(["seal", "openings"]), st.integers(0, 200), st.just(0)),
    st.tuples(st.just("none"), st.just(""), st.just(0), st.just(0)),
)


def mutate(challenge, kind: str, field: str, index: int, mask: int):
    j = challenge.journal
    if kind == "journal":
        value = getattr(j, field)
        if isinstance(value, int):
            value ^= mask << (8 * (index % 8))
        else:
            value = _flip(bytes(value), index, mask)
        return replace(challenge, journal=FaultJournal(**{**j.__dict__, field: value}))
    if kind == "seal":
        return replace(challenge, seal=_flip(challenge.seal, index, mask))
    if kind == "openings":
        return replace(challenge, openings=_flip(challenge.openings, index, mask))
    if kind == "truncate":
        data = getattr(challenge, field)
        return replace(challenge, **{field: data[: index % (len(data) + 1)]})
    return challenge


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=mutations, with_blob=st.booleans())
def test_mutated_challenges_decide_alike(scenario, mutation, with_blob):
    openings = sample_openings(1) if with_blob else b""
    challenge = mutate(scenario.challenge(openings), *mutation)
    h = scenario.harness
    (step,) = scenario.isolated(lambda: [h.prove_fault(challenge, scenario.accounts[3])])
    assert step.agree, f"{mutation}: contract={step.contract} mirror={step.mirror} states_agree={step.states_agree}"

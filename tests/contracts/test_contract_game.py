"""The dispute-game corpus: every case decided identically by the Vyper game on py-evm and by
refute.verifier.dispute, with the expected outcome and the same state change."""

from __future__ import annotations

import pytest

from refute.l1.chain import local_chain
from refute.l1.conformance import run_game_corpus

pytestmark = pytest.mark.slow

CASE_NAMES = [
    "valid",
    "valid without blobs",
    "wrong seal",
    "wrong image ID",
    "wrong agreed root",
    "wrong block number",
    "wrong config hash",
    "wrong l1_head",
    "blob opening fails 0x0a",
    "binding hash does not match openings",
    "computed root equals proposed",
    "after the window",
    "twice",
    "already-resolved game",
    "unknown selector",
    "removed selector",
    "emergency stop",
    "Groth16 seal that does not prove the journal",
    "Groth16 seal with an off-curve point",
    "seal too short",
    "openings not whole records",
    "z out of range",
    "seal over the calldata bound",
    "resolve inside the window",
    "resolve after the window",
    "prune the child of a faulted proposal",
    "withdraw the bond after a fault",
    "withdraw with nothing credited",
    "propose with the wrong bond",
    "propose a non-consecutive block",
    "propose a duplicate root",
    "mock seal on a non-dev deployment",
]


@pytest.fixture(scope="module")
def corpus():
    return {r.name: r for r in run_game_corpus(local_chain().w3)}


def test_corpus_covers_every_case(corpus):
    assert sorted(corpus) == sorted(CASE_NAMES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_agrees(corpus, name):
    result = corpus[name]
    assert result.passed, result.line()


def test_valid_cases_accept_and_the_rest_revert(corpus):
    accepted = {n for n, r in corpus.items() if r.contract == "accept"}
    assert accepted == {
        "valid",
        "valid without blobs",
        "resolve after the window",
        "prune the child of a faulted proposal",
        "withdraw the bond after a fault",
    }


def test_game_router_mirror_is_the_all_releases_deployment_not_the_mainnet_default():
    """The local-chain router registers every parameter set (``refute l1 deploy``); the Python
    mirror routes with that same state, while the verifier's default is RISC Zero's mainnet router."""
    from refute.l1.conformance import Scenario
    from refute.verifier import ALL_RELEASES, DEFAULT_DEPLOYMENT, ETHEREUM_MAINNET

    scenario = Scenario(local_chain().w3, dev_mode=False, parameter_sets=ALL_RELEASES.registered)
    mirror = scenario.harness.state.router.router().deployment
    assert mirror.registered == ALL_RELEASES.registered
    assert not mirror.removed and not mirror.stopped and not mirror.estop
    assert DEFAULT_DEPLOYMENT is ETHEREUM_MAINNET and mirror.registered != DEFAULT_DEPLOYMENT.registered
    for ps in ALL_RELEASES.registered:
        # every selector (mainnet's removed and e-stopped ones included) routes on both sides
        assert mirror.route(ps.selector) == ps
        assert int(scenario.harness.router.functions.get_verifier(ps.selector).call(), 16) != 0

"""RISC Zero's published Groth16 receipts through the Vyper verifiers and router on py-evm,
decided exactly as refute.verifier decides them (accept; same reason for every mutation)."""

from __future__ import annotations

import pytest
from fixture_rules import fixture_cases, require, shared_dir

from refute.l1.chain import local_chain
from refute.l1.conformance import load_receipts, run_receipt_corpus
from refute.l1.contracts import Reverted, call, contract_at, deploy_stack
from refute.verifier.digests import Pruned, ReceiptClaim, sha256
from refute.verifier.params import PARAMETER_SETS

pytestmark = [pytest.mark.conformance, pytest.mark.slow]

RECEIPTS_FILE = shared_dir() / "conformance" / "risc0-groth16-receipts.json"
RECEIPTS = load_receipts(RECEIPTS_FILE) if RECEIPTS_FILE.is_file() else []


@pytest.fixture(scope="module")
def chain():
    return local_chain()


@pytest.fixture(scope="module")
def corpus(chain):
    require(RECEIPTS_FILE)
    return {r.name: r for r in run_receipt_corpus(chain.w3, RECEIPTS, mutations=1, seed=7)}


@pytest.mark.parametrize("receipt", fixture_cases([(r.name, r) for r in RECEIPTS], RECEIPTS_FILE))
def test_receipt_and_its_mutations_decide_alike(corpus, receipt):
    mine = {name: r for name, r in corpus.items() if name.startswith(receipt.name)}
    assert mine[receipt.name].contract == "accept", mine[receipt.name].line()
    assert len(mine) == 1 + 3
    failures = [r.line() for r in mine.values() if not r.passed]
    assert not failures, failures
    # Mutations are rejections on both sides, never acceptances.
    assert all(r.contract.startswith("revert ") for n, r in mine.items() if n != receipt.name)


def test_vyper_selectors_and_claim_digest_match_python(chain):
    """The contract derives each selector on-chain exactly as params.py does."""
    w3 = chain.w3
    dep = deploy_stack(w3, None, parameter_sets=PARAMETER_SETS[:2], dev_mode=False)
    for ps in PARAMETER_SETS[:2]:
        v = contract_at(w3, "RiscZeroGroth16Verifier", dep.groth16["0x" + ps.selector.hex()])
        assert bytes(v.functions.SELECTOR().call()) == ps.selector
        image_id, journal_digest = sha256(b"image"), sha256(b"journal")
        want = ReceiptClaim.ok(image_id, Pruned(journal_digest)).digest()
        assert bytes(v.functions.claim_digest(image_id, journal_digest).call()) == want


def test_router_semantics(chain):
    """Unknown selector, tombstone forever, selector mismatch on registration, estop, dev mode refusal."""
    w3 = chain.w3
    ps = PARAMETER_SETS[0]
    dep = deploy_stack(w3, None, parameter_sets=(ps,), dev_mode=False)
    router = contract_at(w3, "RiscZeroVerifierRouter", dep.router)
    verifier = dep.groth16["0x" + ps.selector.hex()]
    seal = ps.selector + bytes(256)

    def outcome(fn, tx=False):
        from refute.l1.contracts import send

        try:
            (send if tx else call)(fn)
        except Reverted as exc:
            return exc.reason
        return "ok"

    assert outcome(router.functions.verify(b"\x01\x02\x03\x04" + bytes(256), bytes(32), bytes(32))) == "SelectorUnknown"
    assert (
        outcome(router.functions.verify(b"\xff\xff\xff\xff" + bytes(32), bytes(32), bytes(32))) == "DevModeNotAllowed"
    )
    assert outcome(router.functions.verify(b"\x01", bytes(32), bytes(32))) == "MalformedSeal"
    assert outcome(router.functions.verify(seal, bytes(32), bytes(32))) == "InvalidPoint"
    assert outcome(router.functions.add_verifier(ps.selector, verifier), tx=True) == "SelectorInUse"
    assert outcome(router.functions.add_verifier(b"\x01\x02\x03\x04", verifier), tx=True) == "SelectorMismatch"
    assert outcome(router.functions.remove_verifier(ps.selector), tx=True) == "ok"
    assert outcome(router.functions.verify(seal, bytes(32), bytes(32))) == "SelectorRemoved"
    assert outcome(router.functions.add_verifier(ps.selector, verifier), tx=True) == "SelectorRemoved"
    assert outcome(router.functions.estop(), tx=True) == "ok"
    assert outcome(router.functions.verify(seal, bytes(32), bytes(32))) == "EmergencyStop"


def test_mock_verifier_cannot_be_registered_without_dev_mode(chain):
    from refute.l1.contracts import deploy_contract, send

    w3 = chain.w3
    router = deploy_contract(w3, "RiscZeroVerifierRouter", False)
    mock = deploy_contract(w3, "RiscZeroMockVerifier")
    with pytest.raises(Reverted, match="DevModeNotAllowed"):
        send(router.functions.add_verifier(b"\xff\xff\xff\xff", mock.address))

"""The differential corpus behind ``refute conformance``: contract and mirror, case by case.

Each case runs on the local chain (real Vyper bytecode on py-evm) and in
:mod:`refute.verifier.dispute`, from the same starting state, and passes when
both give the same outcome (accept, or the same named revert), that outcome
is the one the case is about, and, after an accepted call, the contract's
storage equals the mirror's state.

Valid challenges need a seal the router accepts for a journal the case
chooses; no fault-proof receipt exists yet, so they use the mock verifier
of a dev deployment (``mock_seal``). The real Groth16 path is exercised
through the game with a well-formed seal that fails the pairing, and fully
(accepting) by :func:`run_receipt_corpus` over RISC Zero's published receipts.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from web3 import Web3

from refute.verifier import VerificationError, mock_seal
from refute.verifier.deployment import Deployment
from refute.verifier.digests import Pruned, ReceiptClaim, sha256
from refute.verifier.dispute import Challenge, blob_binding
from refute.verifier.game_errors import revert_name
from refute.verifier.journal import FaultJournal
from refute.verifier.params import PARAMETER_SETS, parameter_set_by_selector
from refute.verifier.router import Router

from .blobs import opening_for_blob, synthetic_blob
from .chain import advance_time
from .contracts import GameConfig, Reverted, call, contract_at, deploy_stack
from .harness import GameHarness, Step

__all__ = ["CaseResult", "ReceiptCase", "load_receipts", "run_game_corpus", "run_receipt_corpus", "summary"]


@dataclass(frozen=True)
class CaseResult:
    """One case: both outcomes, what was expected, and whether it passed."""

    name: str
    contract: str
    mirror: str
    expected: str
    states_agree: bool = True

    @property
    def passed(self) -> bool:
        return self.contract == self.mirror == self.expected and self.states_agree

    def line(self) -> str:
        if self.passed:
            return f"PASS {self.name}"
        extra = "" if self.states_agree else " (state differs)"
        return f"FAIL {self.name}: contract={self.contract} mirror={self.mirror} expected={self.expected}{extra}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "contract": self.contract,
            "mirror": self.mirror,
            "expected": self.expected,
            "states_agree": self.states_agree,
        }


def summary(results: Iterable[CaseResult]) -> tuple[int, int]:
    """(passed, failed)."""
    rs = list(results)
    passed = sum(r.passed for r in rs)
    return passed, len(rs) - passed


def _h(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


IMAGE_ID = _h("refute conformance: fault-proof image")
CONFIG_HASH = _h("refute conformance: rollup config")
ANCHOR_ROOT = _h("refute conformance: anchor output root")
PROPOSED_ROOT = _h("refute conformance: wrong output root")
TRUE_ROOT = _h("refute conformance: computed output root")
ANCHOR_BLOCK = 1000
WINDOW = 3600
BOND = 10**18


@cache
def sample_openings(count: int) -> bytes:
    """``count`` valid openings of distinct synthetic blobs, packed (computed once per process)."""
    return b"".join(opening_for_blob(synthetic_blob(i)) for i in range(count))


def game_config() -> GameConfig:
    return GameConfig(IMAGE_ID, CONFIG_HASH, ANCHOR_ROOT, ANCHOR_BLOCK, BOND, WINDOW)


class Scenario:
    """A deployed game with one pending wrong proposal (ID 1) and helpers to build challenges."""

    def __init__(self, w3: Web3, *, dev_mode: bool, parameter_sets: Iterable[Any] = ()):
        self.w3 = w3
        self.accounts: list[str] = [str(a) for a in w3.eth.accounts]
        self.deployment = deploy_stack(w3, game_config(), parameter_sets=tuple(parameter_sets), dev_mode=dev_mode)
        self.harness = GameHarness(w3, self.deployment)
        step = self.harness.propose(self.accounts[1], 0, ANCHOR_BLOCK + 1, PROPOSED_ROOT)
        if not step.agree or step.contract != "accept":
            raise RuntimeError(f"setup proposal failed: {step}")
        self.proposal_id = 1

    def journal(self, openings: bytes = b"", **overrides: Any) -> FaultJournal:
        p = self.harness.state.proposals[self.proposal_id]
        fields: dict[str, Any] = {
            "payout_recipient": bytes.fromhex(self.accounts[2][2:]),
            "l1_head": p.l1_head,
            "agreed_output_root": ANCHOR_ROOT,
            "computed_output_root": TRUE_ROOT,
            "l2_block_number": ANCHOR_BLOCK + 1,
            "rollup_config_hash": CONFIG_HASH,
            "blob_binding": blob_binding(openings),
        }
        fields.update(overrides)
        return FaultJournal(**fields)

    def challenge(self, openings: bytes = b"", *, image_id: bytes = IMAGE_ID, **overrides: Any) -> Challenge:
        """A challenge with a mock seal that proves its own journal under ``image_id``."""
        j = self.journal(openings, **overrides)
        seal = mock_seal(ReceiptClaim.ok(image_id, Pruned(sha256(j.encode()))).digest())
        return Challenge(self.proposal_id, seal, j, openings)

    def isolated(self, run: Callable[[], list[Step]]) -> list[Step]:
        """Runs ``run`` and rolls the chain and the mirror back to the scenario's state."""
        snapshot = self.w3.provider.make_request("evm_snapshot", [])  # type: ignore[arg-type]
        saved_state = self.harness.state.copy()
        try:
            return run()
        finally:
            self.w3.provider.make_request("evm_revert", [snapshot["result"]])  # type: ignore[arg-type]
            self.harness.state = saved_state


def _groth16_shaped_seal(selector: bytes) -> bytes:
    """A seal with valid curve points (the generators) that no claim satisfies: reaches the pairing."""
    g1 = (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    g2 = b"".join(
        x.to_bytes(32, "big")
        for x in (
            11559732032986387107991004021392285783925812861821192530917403151452391805634,
            10857046999023057135944570762232829481370756359578518086990519993285655852781,
            4082367875863433681332203403145435568316851327593401208105741076214120093531,
            8495653923123431417604973247489272438418190587263600148770280649306958101930,
        )
    )
    return selector + g1 + g2 + g1


def run_game_corpus(w3: Web3) -> list[CaseResult]:
    """The dispute-game corpus (docs/protocol.md, "Conformance corpus")."""
    groth16 = PARAMETER_SETS[-1]
    dev = Scenario(w3, dev_mode=True, parameter_sets=(groth16,))
    h, acc = dev.harness, dev.accounts
    pid = dev.proposal_id
    one = sample_openings(1)

    def bad_y(openings: bytes) -> bytes:
        y = (int.from_bytes(openings[64:96], "big") + 1) % (2**255)
        return openings[:64] + y.to_bytes(32, "big") + openings[96:]

    cases: list[tuple[str, str, Callable[[], list[Step]]]] = [
        ("valid", "accept", lambda: [h.prove_fault(dev.challenge(one), acc[3])]),
        ("valid without blobs", "accept", lambda: [h.prove_fault(dev.challenge(), acc[3])]),
        (
            "wrong seal",
            "revert MockSealMismatch",
            lambda: [
                h.prove_fault(
                    replace(dev.challenge(one), seal=dev.challenge(one, computed_output_root=_h("other")).seal), acc[3]
                )
            ],
        ),
        (
            "wrong image ID",
            "revert MockSealMismatch",
            lambda: [h.prove_fault(dev.challenge(one, image_id=_h("x")), acc[3])],
        ),
        (
            "wrong agreed root",
            "revert AgreedRootMismatch",
            lambda: [h.prove_fault(dev.challenge(one, agreed_output_root=_h("x")), acc[3])],
        ),
        (
            "wrong block number",
            "revert BlockNumberMismatch",
            lambda: [h.prove_fault(dev.challenge(one, l2_block_number=ANCHOR_BLOCK + 2), acc[3])],
        ),
        (
            "wrong config hash",
            "revert ConfigHashMismatch",
            lambda: [h.prove_fault(dev.challenge(one, rollup_config_hash=_h("x")), acc[3])],
        ),
        (
            "wrong l1_head",
            "revert L1HeadMismatch",
            lambda: [h.prove_fault(dev.challenge(one, l1_head=_h("x")), acc[3])],
        ),
        (
            "blob opening fails 0x0a",
            "revert BlobOpeningInvalid",
            lambda: [h.prove_fault(dev.challenge(bad_y(one)), acc[3])],
        ),
        (
            "binding hash does not match openings",
            "revert BlobBindingMismatch",
            lambda: [h.prove_fault(dev.challenge(one, blob_binding=_h("x")), acc[3])],
        ),
        (
            "computed root equals proposed",
            "revert NoFault",
            lambda: [h.prove_fault(dev.challenge(one, computed_output_root=PROPOSED_ROOT), acc[3])],
        ),
        (
            "after the window",
            "revert ChallengeWindowClosed",
            lambda: [_advance(w3, WINDOW), h.prove_fault(dev.challenge(one), acc[3])][1:],
        ),
        (
            "twice",
            "revert AlreadyFaulted",
            lambda: [h.prove_fault(dev.challenge(one), acc[3]), h.prove_fault(dev.challenge(one), acc[4])],
        ),
        (
            "already-resolved game",
            "revert AlreadyResolved",
            lambda: [_advance(w3, WINDOW), h.resolve(pid, acc[5]), h.prove_fault(dev.challenge(one), acc[3])][1:],
        ),
        (
            "unknown selector",
            "revert SelectorUnknown",
            lambda: [h.prove_fault(replace(dev.challenge(), seal=b"\x12\x34\x56\x78" + bytes(32)), acc[3])],
        ),
        (
            "removed selector",
            "revert SelectorRemoved",
            lambda: [
                _do(lambda: h.remove_selector(groth16.selector)),
                h.prove_fault(replace(dev.challenge(), seal=_groth16_shaped_seal(groth16.selector)), acc[3]),
            ][1:],
        ),
        (
            "emergency stop",
            "revert EmergencyStop",
            lambda: [_do(h.estop), h.prove_fault(dev.challenge(), acc[3])][1:],
        ),
        (
            "Groth16 seal that does not prove the journal",
            "revert VerificationFailed",
            lambda: [h.prove_fault(replace(dev.challenge(), seal=_groth16_shaped_seal(groth16.selector)), acc[3])],
        ),
        (
            "Groth16 seal with an off-curve point",
            "revert InvalidPoint",
            lambda: [
                h.prove_fault(
                    replace(dev.challenge(), seal=_groth16_shaped_seal(groth16.selector)[:-1] + b"\x07"), acc[3]
                )
            ],
        ),
        (
            "seal too short",
            "revert MalformedSeal",
            lambda: [h.prove_fault(replace(dev.challenge(), seal=b"\xff"), acc[3])],
        ),
        (
            "openings not whole records",
            "revert MalformedBlobOpenings",
            lambda: [h.prove_fault(replace(dev.challenge(), openings=one[:100]), acc[3])],
        ),
        (
            "z out of range",
            "revert FieldElementOutOfRange",
            lambda: [h.prove_fault(dev.challenge(one[:32] + b"\xff" * 32 + one[64:]), acc[3])],
        ),
        (
            "seal over the calldata bound",
            "revert MalformedCalldata",
            lambda: [h.prove_fault(replace(dev.challenge(), seal=bytes(4097)), acc[3])],
        ),
        ("resolve inside the window", "revert ChallengeWindowOpen", lambda: [h.resolve(pid, acc[5])]),
        ("resolve after the window", "accept", lambda: [_advance(w3, WINDOW), h.resolve(pid, acc[5])][1:]),
        (
            "prune the child of a faulted proposal",
            "accept",
            lambda: [
                h.propose(acc[6], pid, ANCHOR_BLOCK + 2, _h("child")),
                h.prove_fault(dev.challenge(), acc[3]),
                h.prune(2, acc[7]),
            ],
        ),
        (
            "withdraw the bond after a fault",
            "accept",
            lambda: [h.prove_fault(dev.challenge(), acc[3]), h.withdraw(acc[2])],
        ),
        ("withdraw with nothing credited", "revert NothingToWithdraw", lambda: [h.withdraw(acc[8])]),
        (
            "propose with the wrong bond",
            "revert WrongBond",
            lambda: [h.propose(acc[6], 0, ANCHOR_BLOCK + 1, _h("y"), 1)],
        ),
        (
            "propose a non-consecutive block",
            "revert WrongBlockNumber",
            lambda: [h.propose(acc[6], 0, ANCHOR_BLOCK + 5, _h("y"))],
        ),
        (
            "propose a duplicate root",
            "revert DuplicateProposal",
            lambda: [h.propose(acc[6], 0, ANCHOR_BLOCK + 1, PROPOSED_ROOT)],
        ),
    ]
    results = [_result(name, expected, dev.isolated(run)) for name, expected, run in cases]

    prod = Scenario(w3, dev_mode=False)
    results.append(
        _result(
            "mock seal on a non-dev deployment",
            "revert DevModeNotAllowed",
            prod.isolated(lambda: [prod.harness.prove_fault(prod.challenge(), acc[3])]),
        )
    )
    return results


def _advance(w3: Web3, seconds: int) -> Step:
    advance_time(w3, seconds)
    return Step("accept", "accept", True)


def _do(action: Callable[[], None]) -> Step:
    action()
    return Step("accept", "accept", True)


def _result(name: str, expected: str, steps: list[Step]) -> CaseResult:
    """The case's outcome is its last step's; every earlier step must have agreed as well."""
    last = steps[-1]
    earlier_ok = all(s.agree for s in steps[:-1])
    return CaseResult(name, last.contract, last.mirror, expected, last.states_agree and earlier_ok)


# -- RISC Zero's published Groth16 receipts through the Vyper router ------------------------


@dataclass(frozen=True)
class ReceiptCase:
    """A published receipt (seal, image ID, journal) that RISC Zero's verifier accepts."""

    name: str
    seal: bytes
    image_id: bytes
    journal: bytes


def load_receipts(path: Path) -> list[ReceiptCase]:
    """The receipts of a ``risc0-groth16-receipts.json`` conformance file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        ReceiptCase(r["name"], bytes.fromhex(r["seal"]), bytes.fromhex(r["image_id"]), bytes.fromhex(r["journal"]))
        for r in data["receipts"]
    ]


def _router_outcome(router: Any, seal: bytes, image_id: bytes, journal: bytes) -> str:
    try:
        call(router.functions.verify(seal, image_id, sha256(journal)))
    except Reverted as exc:
        return f"revert {exc.reason}"
    return "accept"


def _mirror_outcome(router: Router, seal: bytes, image_id: bytes, journal: bytes) -> str:
    try:
        router.verify(seal, image_id, sha256(journal))
    except VerificationError as exc:
        return f"revert {revert_name(exc)}"
    return "accept"


def _flip(data: bytes, rng: random.Random) -> tuple[bytes, int]:
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :], i


def run_receipt_corpus(
    w3: Web3, receipts: list[ReceiptCase], *, mutations: int = 1, seed: int = 12
) -> list[CaseResult]:
    """Each receipt through the Vyper router and the Python router (both accept), then
    ``mutations`` random single-byte mutations of its seal, image ID and journal (both reject,
    with the same named reason)."""
    selectors = {r.seal[:4] for r in receipts}
    sets = [ps for ps in PARAMETER_SETS if ps.selector in selectors]
    dep = deploy_stack(w3, None, parameter_sets=sets, dev_mode=False)
    router = contract_at(w3, "RiscZeroVerifierRouter", dep.router)
    mirror = Router(Deployment.of(sets, name="conformance"), mock_selector=None)
    rng = random.Random(seed)
    results = []
    for r in receipts:
        known = parameter_set_by_selector(r.seal[:4]) is not None
        expected = "accept" if known else "revert SelectorUnknown"
        cases = [(r.name, r.seal, r.image_id, r.journal, expected)]
        for k in range(mutations):
            seal, i = _flip(r.seal, rng)
            cases.append((f"{r.name} seal byte {i} mutated", seal, r.image_id, r.journal, ""))
            image_id, i = _flip(r.image_id, rng)
            cases.append((f"{r.name} image ID byte {i} mutated", r.seal, image_id, r.journal, ""))
            journal, i = _flip(r.journal, rng) if r.journal else (b"\x00", 0)
            cases.append((f"{r.name} journal byte {i} mutated #{k}", r.seal, r.image_id, journal, ""))
        for name, seal, image_id, journal, want in cases:
            contract = _router_outcome(router, seal, image_id, journal)
            py = _mirror_outcome(mirror, seal, image_id, journal)
            # A mutation must be rejected; which reason is for the two sides to agree on.
            results.append(CaseResult(name, contract, py, want or (py if py != "accept" else "a rejection")))
    return results

"""The dispute game's rules in pure Python: ``FaultDisputeGame`` decided without a chain.

Each function takes a :class:`~refute.verifier.game.GameState` and one call
(``propose``, ``prove_fault``, ``resolve``, ``prune``) and returns the new
state, or raises the exception :data:`~refute.verifier.game_errors.REVERT_ERRORS`
pairs with the contract's named revert. The checks run in the contract's
order (docs/protocol.md, "The dispute game"), so both name the same first
failure. Seals go through the receipt verifier's :class:`Router`; blob
openings through :mod:`refute.verifier.kzg_point`. :func:`decide` wraps a call
into a :class:`Decision` for comparison with the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from Crypto.Hash import keccak

from .digests import sha256
from .encoding import as_bytes
from .errors import VerificationError
from .game import FAULTED, PENDING, PRUNED, RESOLVED, GameState, Proposal
from .game_errors import (
    AgreedRootMismatchError,
    AlreadyFaultedError,
    AlreadyResolvedError,
    BlobBindingMismatchError,
    BlockNumberMismatchError,
    ChallengeWindowClosedError,
    ChallengeWindowOpenError,
    ConfigHashMismatchError,
    DuplicateProposalError,
    FieldElementOutOfRangeError,
    L1HeadMismatchError,
    MalformedBlobOpeningsError,
    MalformedCalldataError,
    NoFaultError,
    NothingToWithdrawError,
    ParentEliminatedError,
    ParentNotEliminatedError,
    ParentNotResolvedError,
    ProposalPrunedError,
    SiblingResolvedError,
    UnknownParentError,
    UnknownProposalError,
    WrongBlockNumberError,
    WrongBondError,
    revert_name,
)
from .journal import FaultJournal
from .kzg_point import BLS_MODULUS, OPENING_BYTES, check_opening

__all__ = [
    "MAX_BLOBS",
    "MAX_SEAL_BYTES",
    "Challenge",
    "Decision",
    "blob_binding",
    "decide",
    "keccak256",
    "propose",
    "prove_fault",
    "prune",
    "resolve",
    "withdraw",
]

#: Calldata bounds of ``FaultDisputeGame.prove_fault`` (larger inputs fail ABI decoding).
MAX_SEAL_BYTES = 4096
MAX_BLOBS = 16


@dataclass(frozen=True)
class Challenge:
    """The arguments of ``prove_fault``: the proposal, the seal, the journal's fields and the
    packed 192-byte blob openings (``versioned_hash ‖ z ‖ y ‖ commitment ‖ proof`` each)."""

    proposal_id: int
    seal: bytes
    journal: FaultJournal
    openings: bytes = b""


@dataclass(frozen=True)
class Decision:
    """What a call did: accepted (with the new state) or the name of its revert."""

    accepted: bool
    revert: str | None
    state: GameState
    result: Any = None

    @property
    def outcome(self) -> str:
        return "accept" if self.accepted else f"revert {self.revert}"


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (pycryptodome; ``hashlib.sha3_256`` pads differently)."""
    return keccak.new(data=data, digest_bits=256).digest()


def blob_binding(openings: bytes) -> bytes:
    """``keccak256(concat(versioned_hash ‖ z ‖ y))`` over the openings; 32 zero bytes if none."""
    if not openings:
        return bytes(32)
    heads = b"".join(openings[i : i + 96] for i in range(0, len(openings), OPENING_BYTES))
    return keccak256(heads)


def _pending(state: GameState, proposal_id: int) -> Proposal:
    if not 0 < proposal_id < len(state.proposals):
        raise UnknownProposalError(f"proposal {proposal_id} does not exist (or is the anchor)")
    p = state.proposals[proposal_id]
    if p.status == RESOLVED:
        raise AlreadyResolvedError(f"proposal {proposal_id} was already resolved")
    if p.status == FAULTED:
        raise AlreadyFaultedError(f"proposal {proposal_id} was already proven faulty")
    if p.status == PRUNED:
        raise ProposalPrunedError(f"proposal {proposal_id} was pruned with a faulty ancestor")
    return p


def propose(
    state: GameState,
    *,
    sender: bytes,
    value: int,
    parent: int,
    l2_block_number: int,
    output_root: bytes,
    now: int,
    l1_head: bytes,
) -> tuple[GameState, int]:
    """``propose``: the new state and the new proposal's ID. ``l1_head`` is the hash of the
    block before the one the transaction lands in (what ``blockhash(block.number - 1)`` reads)."""
    if not 0 <= l2_block_number < 2**64 or len(output_root) != 32:
        raise MalformedCalldataError("propose: l2_block_number must be a uint64 and output_root 32 bytes")
    if value != state.bond:
        raise WrongBondError(f"bond: sent {value} wei, the game requires {state.bond}")
    if not 0 <= parent < len(state.proposals):
        raise UnknownParentError(f"parent proposal {parent} does not exist")
    p = state.proposals[parent]
    if p.status not in (PENDING, RESOLVED):
        raise ParentEliminatedError(f"parent proposal {parent} was eliminated")
    if l2_block_number != p.l2_block_number + 1:
        raise WrongBlockNumberError(f"L2 block {l2_block_number} does not follow the parent's {p.l2_block_number}")
    if state.successor.get(parent, 0) != 0:
        raise SiblingResolvedError(f"parent proposal {parent} already has a resolved child")
    if (parent, bytes(output_root)) in state.proposed:
        raise DuplicateProposalError(f"output root {output_root.hex()} was already proposed on parent {parent}")
    new = state.copy()
    new.proposed.add((parent, bytes(output_root)))
    new.proposals.append(
        Proposal(
            parent=parent,
            l2_block_number=l2_block_number,
            output_root=bytes(output_root),
            l1_head=bytes(l1_head),
            proposer=bytes(sender),
            created_at=now,
            bond=value,
            status=PENDING,
        )
    )
    return new, len(new.proposals) - 1


def prove_fault(state: GameState, challenge: Challenge, *, now: int) -> GameState:
    """``prove_fault``: the state with the proposal faulted and its bond credited, or the named revert."""
    seal = as_bytes(challenge.seal, "seal")
    openings = as_bytes(challenge.openings, "openings")
    if len(seal) > MAX_SEAL_BYTES or len(openings) > MAX_BLOBS * OPENING_BYTES:
        raise MalformedCalldataError(
            f"calldata: seal ({len(seal)} bytes) or openings ({len(openings)} bytes) exceed the ABI bounds"
        )
    j = challenge.journal
    p = _pending(state, challenge.proposal_id)
    if now >= p.created_at + state.challenge_window:
        raise ChallengeWindowClosedError(f"the challenge window of proposal {challenge.proposal_id} has passed")

    if len(openings) % OPENING_BYTES:
        raise MalformedBlobOpeningsError(f"openings: {len(openings)} bytes is not a multiple of {OPENING_BYTES}")
    for i in range(0, len(openings), OPENING_BYTES):
        z = int.from_bytes(openings[i + 32 : i + 64], "big")
        y = int.from_bytes(openings[i + 64 : i + 96], "big")
        if z >= BLS_MODULUS or y >= BLS_MODULUS:
            raise FieldElementOutOfRangeError(f"opening {i // OPENING_BYTES}: z or y is not below r")

    if j.agreed_output_root != state.proposals[p.parent].output_root:
        raise AgreedRootMismatchError("journal: the agreed output root is not the parent proposal's root")
    if j.l2_block_number != p.l2_block_number:
        raise BlockNumberMismatchError(
            f"journal: L2 block {j.l2_block_number}, the proposal is for {p.l2_block_number}"
        )
    if j.rollup_config_hash != state.rollup_config_hash:
        raise ConfigHashMismatchError("journal: the rollup-config hash is not the game's")
    if j.l1_head != p.l1_head:
        raise L1HeadMismatchError("journal: l1_head is not the L1 head recorded at proposal time")
    if j.blob_binding != blob_binding(openings):
        raise BlobBindingMismatchError("journal: the blob binding does not match the openings")
    if j.computed_output_root == p.output_root:
        raise NoFaultError("journal: the computed output root equals the proposed one")

    state.router.router().verify(seal, state.fault_image_id, sha256(j.encode()), allow_dev=state.router.dev_mode)
    for i in range(0, len(openings), OPENING_BYTES):
        check_opening(openings[i : i + OPENING_BYTES])

    new = state.copy()
    recipient = bytes(j.payout_recipient)
    new.proposals[challenge.proposal_id] = replace(p, status=FAULTED, eliminated_for=recipient)
    new.credit[recipient] = new.credit.get(recipient, 0) + p.bond
    return new


def resolve(state: GameState, proposal_id: int, *, now: int) -> GameState:
    """``resolve``: accepts an unchallenged proposal after its window and refunds its bond."""
    p = _pending(state, proposal_id)
    if now < p.created_at + state.challenge_window:
        raise ChallengeWindowOpenError(f"proposal {proposal_id} is still in its challenge window")
    if state.proposals[p.parent].status != RESOLVED:
        raise ParentNotResolvedError(f"the parent of proposal {proposal_id} has not resolved")
    if state.successor.get(p.parent, 0) != 0:
        raise SiblingResolvedError(f"a sibling of proposal {proposal_id} already resolved")
    new = state.copy()
    new.proposals[proposal_id] = replace(p, status=RESOLVED)
    new.successor[p.parent] = proposal_id
    new.credit[p.proposer] = new.credit.get(p.proposer, 0) + p.bond
    return new


def prune(state: GameState, proposal_id: int) -> GameState:
    """``prune``: eliminates a pending child of an eliminated proposal; the bond follows the fault's payout."""
    p = _pending(state, proposal_id)
    parent = state.proposals[p.parent]
    if parent.status not in (FAULTED, PRUNED):
        raise ParentNotEliminatedError(f"the parent of proposal {proposal_id} was not eliminated")
    new = state.copy()
    new.proposals[proposal_id] = replace(p, status=PRUNED, eliminated_for=parent.eliminated_for)
    new.credit[parent.eliminated_for] = new.credit.get(parent.eliminated_for, 0) + p.bond
    return new


def withdraw(state: GameState, sender: bytes) -> tuple[GameState, int]:
    """``withdraw``: the state with the sender's credit cleared, and the amount paid."""
    amount = state.credit.get(bytes(sender), 0)
    if amount == 0:
        raise NothingToWithdrawError(f"account 0x{bytes(sender).hex()} has no credited bond")
    new = state.copy()
    new.credit[bytes(sender)] = 0
    return new, amount


def decide(call: Callable[[], Any], state: GameState) -> Decision:
    """Runs one rule; its result as a :class:`Decision` (``state`` is kept when the call reverts)."""
    try:
        result = call()
    except VerificationError as exc:
        return Decision(False, revert_name(exc), state)
    if isinstance(result, tuple):
        return Decision(True, None, result[0], result[1])
    return Decision(True, None, result)

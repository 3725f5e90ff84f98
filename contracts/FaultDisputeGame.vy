# pragma version 0.4.3
# pragma evm-version prague
"""
@title refute's single-proof fault dispute game (Kailua style)
@notice Proposers post (parent proposal, L2 block number, output root) with a
        bond; the game records l1_head = blockhash(block.number - 1). Within
        the challenge window anyone may prove the proposal wrong with one RISC
        Zero receipt of the fault-proof program: the game rebuilds the
        189-byte journal (docs/protocol.md), has the router verify the seal
        for sha256(journal) under FAULT_IMAGE_ID, checks the journal against
        the proposal and every blob opening with the point-evaluation
        precompile 0x0a. A proven fault eliminates the proposal (descendants
        are pruned after it) and credits its bond to the journal's payout
        recipient; an unchallenged proposal resolves after the window.
        Mirrored decision for decision by refute.verifier.dispute.
@dev Every rejection reverts with the error's name as the reason string; the
     order of checks is part of the protocol (docs/protocol.md, "The dispute
     game") because the mirror must name the same first failure.
"""

MAX_SEAL_BYTES: constant(uint256) = 4096
MAX_BLOBS: constant(uint256) = 16
OPENING_BYTES: constant(uint256) = 192
JOURNAL_VERSION: constant(bytes1) = 0x01
# BLS12-381 scalar field order: z and y must be canonical field elements.
BLS_MODULUS: constant(uint256) = 52435875175126190479447740508185965837690552500527637822603658699938581184513  # 0x73eda753...00000001

# Proposal status.
UNKNOWN: constant(uint8) = 0
PENDING: constant(uint8) = 1
RESOLVED: constant(uint8) = 2
FAULTED: constant(uint8) = 3
PRUNED: constant(uint8) = 4

struct Proposal:
    parent: uint256
    l2_block_number: uint64
    output_root: bytes32
    l1_head: bytes32
    proposer: address
    created_at: uint256
    bond: uint256
    status: uint8
    # Who was paid for this proposal's elimination (the fault's payout recipient).
    eliminated_for: address

event Proposed:
    proposal_id: indexed(uint256)
    parent: indexed(uint256)
    l2_block_number: uint64
    output_root: bytes32
    l1_head: bytes32

event FaultProven:
    proposal_id: indexed(uint256)
    payout_recipient: indexed(address)
    computed_output_root: bytes32

event Resolved:
    proposal_id: indexed(uint256)

event Pruned:
    proposal_id: indexed(uint256)

ROUTER: public(immutable(address))
FAULT_IMAGE_ID: public(immutable(bytes32))
ROLLUP_CONFIG_HASH: public(immutable(bytes32))
BOND: public(immutable(uint256))
CHALLENGE_WINDOW: public(immutable(uint256))

proposals: public(HashMap[uint256, Proposal])
proposal_count: public(uint256)
# The child of a resolved proposal that resolved after it (0: none yet; id 0 is the anchor).
successor: public(HashMap[uint256, uint256])
# keccak256(parent || output_root) of every proposal, so a sibling cannot repeat a root.
proposed: HashMap[bytes32, bool]
# Bonds owed (pull payments, so a reverting recipient cannot block a challenge).
credit: public(HashMap[address, uint256])


@deploy
def __init__(
    router: address,
    fault_image_id: bytes32,
    rollup_config_hash: bytes32,
    anchor_output_root: bytes32,
    anchor_l2_block_number: uint64,
    bond: uint256,
    challenge_window: uint256,
):
    ROUTER = router
    FAULT_IMAGE_ID = fault_image_id
    ROLLUP_CONFIG_HASH = rollup_config_hash
    BOND = bond
    CHALLENGE_WINDOW = challenge_window
    # Proposal 0 is the anchor: agreed by construction, resolved from the start.
    self.proposals[0] = Proposal(
        parent=0,
        l2_block_number=anchor_l2_block_number,
        output_root=anchor_output_root,
        l1_head=empty(bytes32),
        proposer=empty(address),
        created_at=block.timestamp,
        bond=0,
        status=RESOLVED,
        eliminated_for=empty(address),
    )
    self.proposal_count = 1


@internal
@view
def _pending(proposal_id: uint256) -> Proposal:
    """The proposal, if it is still pending; otherwise the named reason it is not."""
    assert proposal_id != 0 and proposal_id < self.proposal_count, "UnknownProposal"
    p: Proposal = self.proposals[proposal_id]
    assert p.status != RESOLVED, "AlreadyResolved"
    assert p.status != FAULTED, "AlreadyFaulted"
    assert p.status != PRUNED, "ProposalPruned"
    return p


@external
@payable
def propose(parent: uint256, l2_block_number: uint64, output_root: bytes32) -> uint256:
    """Claims `output_root` for L2 block `l2_block_number` = parent's block + 1, with a bond."""
    assert msg.value == BOND, "WrongBond"
    assert parent < self.proposal_count, "UnknownParent"
    p: Proposal = self.proposals[parent]
    assert p.status == PENDING or p.status == RESOLVED, "ParentEliminated"
    assert convert(l2_block_number, uint256) == convert(p.l2_block_number, uint256) + 1, "WrongBlockNumber"
    assert self.successor[parent] == 0, "SiblingResolved"
    key: bytes32 = keccak256(concat(convert(parent, bytes32), output_root))
    assert not self.proposed[key], "DuplicateProposal"
    self.proposed[key] = True

    proposal_id: uint256 = self.proposal_count
    self.proposal_count = proposal_id + 1
    l1_head: bytes32 = blockhash(block.number - 1)
    self.proposals[proposal_id] = Proposal(
        parent=parent,
        l2_block_number=l2_block_number,
        output_root=output_root,
        l1_head=l1_head,
        proposer=msg.sender,
        created_at=block.timestamp,
        bond=msg.value,
        status=PENDING,
        eliminated_for=empty(address),
    )
    log Proposed(
        proposal_id=proposal_id, parent=parent, l2_block_number=l2_block_number, output_root=output_root, l1_head=l1_head
    )
    return proposal_id


@internal
@pure
def _blob_binding(openings: Bytes[MAX_BLOBS * OPENING_BYTES], count: uint256) -> bytes32:
    """keccak256(versioned_hash || z || y, ...) over the openings in order; zero if none."""
    if count == 0:
        return empty(bytes32)
    words: DynArray[bytes32, MAX_BLOBS * 3] = []
    for i: uint256 in range(count, bound=MAX_BLOBS):
        words.append(extract32(openings, OPENING_BYTES * i))
        words.append(extract32(openings, OPENING_BYTES * i + 32))
        words.append(extract32(openings, OPENING_BYTES * i + 64))
    # abi_encode of a bytes32 array is its length word followed by the packed words.
    packed: Bytes[32 + MAX_BLOBS * 96] = abi_encode(words, ensure_tuple=False)
    return keccak256(slice(packed, 32, 96 * count))


@external
def prove_fault(
    proposal_id: uint256,
    seal: Bytes[MAX_SEAL_BYTES],
    payout_recipient: address,
    l1_head: bytes32,
    agreed_output_root: bytes32,
    computed_output_root: bytes32,
    l2_block_number: uint64,
    rollup_config_hash: bytes32,
    blob_binding: bytes32,
    openings: Bytes[MAX_BLOBS * OPENING_BYTES],
):
    """Eliminates proposal `proposal_id` with a receipt whose journal shows another output root.

    `openings` packs one 192-byte point-evaluation input per blob the derivation
    read, in order: versioned_hash || z || y || commitment (48) || proof (48).
    """
    p: Proposal = self._pending(proposal_id)
    assert block.timestamp < p.created_at + CHALLENGE_WINDOW, "ChallengeWindowClosed"

    # Well-formed openings: whole 192-byte records with canonical z and y.
    assert len(openings) % OPENING_BYTES == 0, "MalformedBlobOpenings"
    count: uint256 = len(openings) // OPENING_BYTES
    for i: uint256 in range(count, bound=MAX_BLOBS):
        z: uint256 = extract32(openings, OPENING_BYTES * i + 32, output_type=uint256)
        y: uint256 = extract32(openings, OPENING_BYTES * i + 64, output_type=uint256)
        assert z < BLS_MODULUS and y < BLS_MODULUS, "FieldElementOutOfRange"

    # The journal must speak about exactly this proposal.
    assert agreed_output_root == self.proposals[p.parent].output_root, "AgreedRootMismatch"
    assert l2_block_number == p.l2_block_number, "BlockNumberMismatch"
    assert rollup_config_hash == ROLLUP_CONFIG_HASH, "ConfigHashMismatch"
    assert l1_head == p.l1_head, "L1HeadMismatch"
    assert blob_binding == self._blob_binding(openings, count), "BlobBindingMismatch"
    assert computed_output_root != p.output_root, "NoFault"

    # The 189-byte version-1 journal; the seal proves its SHA-256 under the image ID.
    journal: Bytes[189] = concat(
        JOURNAL_VERSION,
        convert(payout_recipient, bytes20),
        l1_head,
        agreed_output_root,
        computed_output_root,
        convert(l2_block_number, bytes8),
        rollup_config_hash,
        blob_binding,
    )
    # The router re-raises the verifier's named revert unchanged.
    raw_call(
        ROUTER,
        abi_encode(seal, FAULT_IMAGE_ID, sha256(journal), method_id=method_id("verify(bytes,bytes32,bytes32)")),
        is_static_call=True,
    )

    # Each opening: the commitment hashes to the versioned hash and p(z) = y.
    for i: uint256 in range(count, bound=MAX_BLOBS):
        ok: bool = raw_call(
            0x000000000000000000000000000000000000000A,
            slice(openings, OPENING_BYTES * i, OPENING_BYTES),
            is_static_call=True,
            revert_on_failure=False,
        )
        assert ok, "BlobOpeningInvalid"

    self.proposals[proposal_id].status = FAULTED
    self.proposals[proposal_id].eliminated_for = payout_recipient
    self.credit[payout_recipient] += p.bond
    log FaultProven(proposal_id=proposal_id, payout_recipient=payout_recipient, computed_output_root=computed_output_root)


@external
def resolve(proposal_id: uint256):
    """Accepts an unchallenged proposal after its window, once its parent is accepted; refunds the bond."""
    p: Proposal = self._pending(proposal_id)
    assert block.timestamp >= p.created_at + CHALLENGE_WINDOW, "ChallengeWindowOpen"
    assert self.proposals[p.parent].status == RESOLVED, "ParentNotResolved"
    assert self.successor[p.parent] == 0, "SiblingResolved"
    self.proposals[proposal_id].status = RESOLVED
    self.successor[p.parent] = proposal_id
    self.credit[p.proposer] += p.bond
    log Resolved(proposal_id=proposal_id)


@external
def prune(proposal_id: uint256):
    """Eliminates a pending proposal whose parent was eliminated; its bond goes to whoever
    was paid for the parent's elimination (the fault's payout recipient)."""
    p: Proposal = self._pending(proposal_id)
    parent_status: uint8 = self.proposals[p.parent].status
    assert parent_status == FAULTED or parent_status == PRUNED, "ParentNotEliminated"
    recipient: address = self.proposals[p.parent].eliminated_for
    self.proposals[proposal_id].status = PRUNED
    self.proposals[proposal_id].eliminated_for = recipient
    self.credit[recipient] += p.bond
    log Pruned(proposal_id=proposal_id)


@external
def withdraw() -> uint256:
    """Pays out the caller's credited bonds."""
    amount: uint256 = self.credit[msg.sender]
    assert amount != 0, "NothingToWithdraw"
    self.credit[msg.sender] = 0
    send(msg.sender, amount)
    return amount

"""The devnet's L2 node: OP Stack blocks built by the native sequencer, kept in memory.

Why the native core builds them: the chain a watcher disputes must follow
exactly the rules the fault program checks (L1-info deposit, user deposits,
fee parameters, the OP executor), so blocks come from ``refute-fault``'s
``sequencer`` module, which shares those rules with derivation, and this
module only keeps the chain: states, headers, witnesses and the batches the
batcher posts. A misconfigured node (an incident the devnet replays) is
another :class:`L2Chain` built from another genesis or configuration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from refute.hexutil import parse_hex, to_hex
from refute.prover.errors import InvalidInputError
from refute.prover.native import call_json

__all__ = [
    "BATCH_ENCODINGS",
    "BatchBlob",
    "ChainParams",
    "Genesis",
    "L2Block",
    "L2Chain",
    "batch_blobs",
    "build_block",
    "genesis",
]

#: How many ancestors a block is built on (``BLOCKHASH`` reaches 256 back).
MAX_ANCESTORS = 256


@dataclass(frozen=True)
class ChainParams:
    """What a devnet chain is: its identities, its addresses on L1 and its fees."""

    l1_chain_id: int
    l1_genesis_header: bytes
    genesis_time: int
    batcher: str
    fork: str = "isthmus"
    l2_chain_id: int = 901
    block_time: int = 2
    gas_limit: int = 30_000_000
    batch_inbox: str = "0xff00000000000000000000000000000000000901"
    deposit_contract: str = "0xde9051700000000000000000000000000000de90"
    system_config: str = "0x5c5c000000000000000000000000000000005c5c"
    base_fee_scalar: int = 1368
    blob_base_fee_scalar: int = 810_949

    @property
    def l1_genesis_number(self) -> int:
        """The L1 genesis block's number (the ninth field of its RLP header)."""
        import rlp

        return int.from_bytes(rlp.decode(self.l1_genesis_header)[8], "big")

    def to_json(self) -> dict[str, Any]:
        return {
            "fork": self.fork,
            "l1_chain_id": self.l1_chain_id,
            "l2_chain_id": self.l2_chain_id,
            "l1_genesis_header": to_hex(self.l1_genesis_header),
            "genesis_time": self.genesis_time,
            "block_time": self.block_time,
            "gas_limit": self.gas_limit,
            "batcher": self.batcher,
            "batch_inbox": self.batch_inbox,
            "deposit_contract": self.deposit_contract,
            "system_config": self.system_config,
            "base_fee_scalar": self.base_fee_scalar,
            "blob_base_fee_scalar": self.blob_base_fee_scalar,
        }


@dataclass(frozen=True)
class Genesis:
    config: bytes
    config_hash: str
    header: bytes
    block_hash: str
    output_root: str
    output: dict[str, str]


@dataclass(frozen=True)
class L2Block:
    """A built block with its post-state and what a fault proof of it needs."""

    number: int
    timestamp: int
    header: bytes
    block_hash: str
    transactions: list[bytes]
    post_state: dict[str, Any]
    output_root: str
    output: dict[str, str]
    l1_origin: int
    sequence_number: int
    witness: dict[str, list[str]]
    batch: dict[str, Any]


@dataclass(frozen=True)
class BatchBlob:
    blob: bytes
    commitment: bytes
    versioned_hash: str


def genesis(params: ChainParams, alloc: dict[str, Any]) -> Genesis:
    """The chain's rollup config and genesis block for ``alloc`` (which must hold the message passer)."""
    out = call_json("devnet_genesis", json.dumps({**params.to_json(), "alloc": alloc}).encode())
    return Genesis(
        config=parse_hex(out["config"]),
        config_hash=out["config_hash"],
        header=parse_hex(out["header"]),
        block_hash=out["block_hash"],
        output_root=out["output_root"],
        output=out["output"],
    )


def build_block(
    *,
    config: bytes,
    pre_state: dict[str, Any],
    ancestors: list[bytes],
    parent_transactions: list[bytes],
    origin_header: bytes,
    origin_receipts: list[bytes],
    transactions: list[bytes],
    chain: ChainParams | None = None,
) -> L2Block:
    """Builds the child of ``ancestors[-1]`` with L1 origin ``origin_header``.

    ``chain`` is needed for the first block only (its L1-info fields come from
    the chain parameters; later blocks inherit their parent's).
    """
    request = {
        "config": to_hex(config),
        "pre_state": pre_state,
        "ancestors": [to_hex(h) for h in ancestors[-MAX_ANCESTORS:]],
        "parent_transactions": [to_hex(t) for t in parent_transactions],
        "origin": to_hex(origin_header),
        "origin_receipts": [to_hex(r) for r in origin_receipts],
        "transactions": [to_hex(t) for t in transactions],
        "chain": chain.to_json() if chain is not None else None,
    }
    out = call_json("devnet_build_block", json.dumps(request).encode())
    return L2Block(
        number=out["number"],
        timestamp=out["timestamp"],
        header=parse_hex(out["header"]),
        block_hash=out["block_hash"],
        transactions=[parse_hex(t) for t in out["transactions"]],
        post_state=out["post_state"],
        output_root=out["output_root"],
        output=out["output"],
        l1_origin=out["l1_origin"],
        sequence_number=out["sequence_number"],
        witness=out["witness"],
        batch=out["batch"],
    )


#: How :func:`batch_blobs` encodes a channel's blocks.
BATCH_ENCODINGS = ("span", "singular")


def batch_blobs(
    batches: list[dict[str, Any]],
    channel_id: bytes,
    *,
    config: bytes | None = None,
    encoding: str = "span",
    first_opens_epoch: bool = False,
) -> list[BatchBlob]:
    """The blobs carrying ``batches`` (one zlib channel, one frame per blob), with their KZG commitments.

    ``batches`` are consecutive blocks' batches as :func:`build_block` returns
    them. ``encoding="span"`` (the default) posts them as one span batch, the
    Delta format op-batcher has posted since Delta, so the devnet's L1 carries
    what a real OP Stack chain's does and the fault program's span-batch
    derivation is what a dispute exercises; it needs the rollup ``config`` (RLP,
    :attr:`Genesis.config`: span batches store timestamps relative to L2
    genesis and signatures without the chain id). ``first_opens_epoch`` is the
    first block's origin bit (op-batcher sets it when that block's sequence
    number is 0; derivation ignores it). ``encoding="singular"`` posts one
    pre-Delta singular batch per block and needs no config.
    """
    if len(channel_id) != 16:
        raise InvalidInputError(f"channel_id: expected 16 bytes, got {len(channel_id)}", field="channel_id")
    if encoding not in BATCH_ENCODINGS:
        raise InvalidInputError(f"encoding: {encoding!r} is neither 'span' nor 'singular'", field="encoding")
    request: dict[str, Any] = {"channel_id": to_hex(channel_id), "batches": batches, "encoding": encoding}
    if encoding == "span":
        if not config:
            raise InvalidInputError("span batches need the rollup config (Genesis.config)", field="config")
        request["config"] = to_hex(config)
        request["first_opens_epoch"] = first_opens_epoch
    out = call_json("devnet_batch_blobs", json.dumps(request).encode())
    return [
        BatchBlob(blob=parse_hex(b["blob"]), commitment=parse_hex(b["commitment"]), versioned_hash=b["versioned_hash"])
        for b in out["blobs"]
    ]


@dataclass
class L2Chain:
    """An L2 chain in memory: genesis and every block built on it, in order."""

    params: ChainParams
    alloc: dict[str, Any]
    genesis: Genesis = field(init=False)
    blocks: list[L2Block] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.genesis = genesis(self.params, self.alloc)

    @property
    def head_number(self) -> int:
        return len(self.blocks)

    def header(self, number: int) -> bytes:
        return self.genesis.header if number == 0 else self.block(number).header

    def block(self, number: int) -> L2Block:
        if not 1 <= number <= len(self.blocks):
            raise InvalidInputError(f"L2 block {number} does not exist (head is {len(self.blocks)})", field="number")
        return self.blocks[number - 1]

    def output_root(self, number: int) -> str:
        return self.genesis.output_root if number == 0 else self.block(number).output_root

    def state(self, number: int) -> dict[str, Any]:
        return self.alloc if number == 0 else self.block(number).post_state

    def next_block(
        self,
        origin_header: bytes,
        transactions: list[bytes],
        origin_receipts: list[bytes] | None = None,
    ) -> L2Block:
        """Builds the next block on the head (not appended: :meth:`append` commits it)."""
        head = self.head_number
        first = max(0, head + 1 - MAX_ANCESTORS)
        block = build_block(
            config=self.genesis.config,
            pre_state=self.state(head),
            ancestors=[self.header(n) for n in range(first, head + 1)],
            parent_transactions=[] if head == 0 else self.block(head).transactions,
            origin_header=origin_header,
            origin_receipts=origin_receipts or [],
            transactions=transactions,
            chain=self.params if head == 0 else None,
        )
        return block

    def append(self, block: L2Block) -> None:
        if block.number != self.head_number + 1:
            raise InvalidInputError(f"block {block.number} does not extend head {self.head_number}", field="number")
        self.blocks.append(block)

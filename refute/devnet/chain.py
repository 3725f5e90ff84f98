"""What a served chain answers: L1 blocks and receipts, the L2 agreed block, its
output and the disputed block's witness, the rollup config, and blob sidecars.

The answers come from the native core (``refute_fault_serve``), which renders a
fault input with the same consensus types the bundle builder parses, so what the
devnet serves is what a real node would answer for that chain. Python adds the
beacon view: slots from L1 timestamps, and each blob's KZG commitment and proof
(``ckzg``), as a beacon node's ``blob_sidecars`` carry them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from refute.hexutil import parse_hex, to_hex
from refute.prover import native
from refute.prover.da import kzg

#: Ethereum's slot length; the devnet's beacon genesis puts every L1 block on a slot boundary.
SECONDS_PER_SLOT = 12


@lru_cache(maxsize=4)
def _example_answers(transactions: int, stray_frame: bool = False) -> str:
    """The generator's chain as served answers (JSON text): generating and executing it takes seconds."""
    example = {"transactions": transactions, "stray_frame": stray_frame}
    return native.call("fault_serve", json.dumps({"example": example})).decode()


def _number(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


@dataclass
class ServedChain:
    """One L1/L2 pair as the devnet's nodes answer for it (see :meth:`from_example`)."""

    answers: dict[str, Any]
    _blocks_by_hash: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _blocks_by_number: dict[int, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _sidecars: dict[int, list[dict[str, Any]]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for block in self.answers["l1_blocks"]:
            self._blocks_by_hash[block["hash"].lower()] = block
            self._blocks_by_number[_number(block["number"])] = block

    @classmethod
    def from_example(cls, transactions: int = 10, *, stray_frame: bool = False) -> ServedChain:
        """The chain-fixture generator's chain (the disputed block carries ``transactions`` transfers).

        ``stray_frame`` adds, after the agreed block's L1 origin, a frame of a
        channel opened before it, so a bundle must read L1 data from earlier.
        """
        return cls(json.loads(_example_answers(transactions, stray_frame)))

    @classmethod
    def from_input(cls, input_bytes: bytes) -> ServedChain:
        """The chain a fault input was collected from, as far as the input holds it."""
        return cls(native.call_json("fault_serve", json.dumps({"input": to_hex(input_bytes)})))

    # ---- L1 ----

    @property
    def l1_chain_id(self) -> int:
        return int(self.answers["l1_chain_id"])

    @property
    def l2_chain_id(self) -> int:
        return int(self.answers["l2_chain_id"])

    @property
    def l1_head(self) -> str:
        return str(self.answers["l1_head"])

    @property
    def l2_block(self) -> int:
        """The disputed L2 block (the one whose witness is served)."""
        return int(self.answers["l2_block"])

    def l1_block(self, key: str | int, full: bool) -> dict[str, Any] | None:
        """An L1 block by hash or number, with full transactions or their hashes; None when unknown.

        Raises :class:`LookupError` when the block is known but its transactions are not.
        """
        block = self._blocks_by_hash.get(key.lower()) if isinstance(key, str) else self._blocks_by_number.get(key)
        if block is None:
            return None
        txs = block["transactions"]
        if txs is None:
            raise LookupError(f"the transactions of L1 block {_number(block['number'])} are not held by this devnet")
        return {**block, "transactions": txs if full else [t["hash"] for t in txs]}

    def l1_latest(self) -> int:
        return max(self._blocks_by_number)

    def l1_receipts(self, key: str | int) -> list[Any] | None:
        """``eth_getBlockReceipts``: None when the block is unknown; LookupError when its receipts are."""
        block = self._blocks_by_hash.get(key.lower()) if isinstance(key, str) else self._blocks_by_number.get(key)
        if block is None:
            return None
        receipts = self.answers["l1_receipts"].get(str(_number(block["number"])))
        if receipts is None:
            raise LookupError(f"the receipts of L1 block {_number(block['number'])} are not held by this devnet")
        return list(receipts)

    def eth_config(self) -> dict[str, Any]:
        """EIP-7910 ``eth_config``: the fork in force (the last blob fee step); no next fork is scheduled."""
        steps = sorted(self.answers["l1_blob_schedule"], key=lambda s: s["time"])
        forks = [
            {
                "activationTime": s["time"],
                "blobSchedule": {"baseFeeUpdateFraction": s["update_fraction"]},
                "chainId": hex(self.l1_chain_id),
            }
            for s in steps
        ]
        return {"current": forks[-1] if forks else None, "next": None, "last": None}

    # ---- L2 ----

    def l2_block_by_number(self, number: int, full: bool) -> dict[str, Any] | None:
        """The agreed block or one of the ancestors the input holds; None when unknown.

        Raises :class:`LookupError` for full transactions the input does not hold.
        """
        blocks = [self.answers["parent_block"], *self.answers.get("l2_ancestors", [])]
        block = next((b for b in blocks if _number(b["number"]) == number), None)
        if block is None:
            return None
        txs = block["transactions"]
        if txs is None:
            if full:
                raise LookupError(f"the transactions of L2 block {number} are not held by this devnet")
            # Neither the transactions nor their hashes are held; a bundle reads only the header.
            return {**block, "transactions": []}
        return block if full else {**block, "transactions": [t["hash"] for t in txs]}

    def output_at(self, number: int) -> dict[str, Any] | None:
        output = self.answers["output"]
        return output if int(output["blockRef"]["number"]) == number else None

    def witness(self, number: int) -> dict[str, Any] | None:
        return self.answers["witness"] if number == self.l2_block else None

    @property
    def rollup_config(self) -> dict[str, Any]:
        return dict(self.answers["rollup_config"])

    # ---- beacon ----

    @property
    def beacon_genesis_time(self) -> int:
        """A genesis time that puts L1 block ``n`` at slot ``n`` (the generator spaces blocks 12 s apart)."""
        first = min(self._blocks_by_number)
        return _number(self._blocks_by_number[first]["timestamp"]) - SECONDS_PER_SLOT * first

    def slot_of(self, l1_number: int) -> int:
        timestamp = _number(self._blocks_by_number[l1_number]["timestamp"])
        return (timestamp - self.beacon_genesis_time) // SECONDS_PER_SLOT

    def sidecars(self, slot: int) -> list[dict[str, Any]] | None:
        """``/eth/v1/beacon/blob_sidecars/{slot}``'s ``data``; None when no L1 block is at that slot."""
        if self._sidecars is None:
            self._sidecars = self._build_sidecars()
        if slot in self._sidecars:
            return self._sidecars[slot]
        if any(self.slot_of(n) == slot for n in self._blocks_by_number):
            return []
        return None

    def _build_sidecars(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for blob in self.answers["blobs"]:
            data = parse_hex(blob["blob"], "served blob")
            committed = kzg.commit_blob(data)
            slot = self.slot_of(int(blob["l1_block"]))
            index = len(out.setdefault(slot, []))
            out[slot].append(
                {
                    "index": str(index),
                    "blob": blob["blob"],
                    "kzg_commitment": to_hex(committed.commitment),
                    "kzg_proof": to_hex(committed.proof),
                }
            )
        return out

    def drop_blob(self, versioned_hash: str) -> None:
        """Forgets one blob (a beacon node that pruned it), for tests of a missing blob."""
        self.answers["blobs"] = [b for b in self.answers["blobs"] if b["versioned_hash"] != versioned_hash]
        self._sidecars = None

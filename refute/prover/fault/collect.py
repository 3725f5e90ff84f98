"""Collecting a fault bundle from a live chain's nodes (``refute fault bundle``).

What is fetched, in order (``docs/protocol.md``, "Which L1 data a bundle holds"):

1. from the rollup node: ``optimism_rollupConfig`` and
   ``optimism_outputAtBlock(N − 1)``; from the L1 node, ``eth_config`` for the
   blob fee schedule when it serves it;
2. from the L2 node: block ``N − 1`` with full transactions and
   ``debug_executionWitness(N)``;
3. from the L1 node: headers from ``l1_head`` back to the agreed block's L1
   origin (by parent hash, so only blocks on that chain), the receipts of the
   origin's successor, then full transaction lists from the origin's successor
   onwards in a window whose end doubles until derivation finds block ``N``'s
   batch; when the program sees a channel that opened before the window
   (kind ``window_start``), the window starts a channel timeout earlier (the
   plan's ``full_window_start``) and the headers reach back to it;
4. from the beacon API: the blob of every versioned hash the batcher's blob
   transactions in the window carry, each checked against its hash with KZG;
5. from the L2 node, only when the program asks for them (kind
   ``l2_ancestors``: a span batch for ``N`` starts two or more blocks before
   it): blocks ``N − 2`` back to the span's parent, with full transactions
   where the program needs them.

The native core checks each piece as it is assembled (hashes, roots, the
witness's block) and names the piece that is wrong; what a node does not have
is collected into one :class:`~refute.prover.da.errors.MissingDataError`. The
window is closed by running the fault program itself, so the bundle is the
smallest one from which the program derives block ``N``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refute.hexutil import parse_hex, to_hex
from refute.prover import native
from refute.prover.da import kzg
from refute.prover.da.errors import MissingDataError
from refute.prover.da.fetch import BeaconClient
from refute.prover.errors import InvalidInputError, UsageError
from refute.prover.fault.bundle import write_bundle
from refute.prover.fault.errors import FaultInputRefused
from refute.prover.rpc import RpcClient, RpcError

#: Most L1 headers a bundle may carry (the fault program's cap).
MAX_L1_HEADERS = 8_192
#: Most L2 ancestors a bundle may carry (the fault program's ``MAX_L2_ANCESTORS``).
MAX_L2_ANCESTORS = 8_192

#: ``progress(step, detail)`` is called as collection advances.
Progress = Callable[[str, str], None]


def _quiet(step: str, detail: str) -> None:
    """The default progress callback: nothing."""


@dataclass
class Endpoints:
    """The nodes a bundle is collected from."""

    l1: RpcClient
    l2: RpcClient
    beacon: RpcClient
    rollup: RpcClient


@dataclass
class Collected:
    """An assembled input and what it was collected from (the bundle manifest's description)."""

    input: bytes
    description: dict[str, Any]
    fetched: dict[str, int] = field(default_factory=dict)


def _number(value: Any, what: str) -> int:
    try:
        return int(value, 16) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{what}: {value!r} is not a number") from None


def _blob_schedule(l1: RpcClient) -> list[dict[str, int]] | None:
    """The L1 blob fee schedule from EIP-7910 ``eth_config`` (None when the node does not serve it)."""
    try:
        config = l1.call("eth_config")
    except RpcError:
        return None
    if not isinstance(config, dict):
        return None
    steps: dict[int, int] = {}
    for name in ("current", "next", "last"):
        fork = config.get(name)
        if not isinstance(fork, dict):
            continue
        schedule = fork.get("blobSchedule")
        if isinstance(schedule, dict) and "baseFeeUpdateFraction" in schedule:
            steps[_number(fork["activationTime"], f"eth_config.{name}.activationTime")] = _number(
                schedule["baseFeeUpdateFraction"], f"eth_config.{name}.blobSchedule.baseFeeUpdateFraction"
            )
    return [{"time": t, "update_fraction": f} for t, f in sorted(steps.items())] or None


class Collector:
    """One bundle's collection: what has been fetched so far, and the steps that fetch more."""

    def __init__(
        self, endpoints: Endpoints, l2_block: int, l1_head: str, payout: str, progress: Progress = _quiet
    ) -> None:
        if l2_block < 1:
            raise UsageError("--l2-block must be at least 1 (block 0 is genesis; there is no agreed parent)")
        head = parse_hex(l1_head, "--l1-head")
        if len(head) != 32:
            raise UsageError(f"--l1-head: expected a 32-byte block hash, got {len(head)} bytes")
        self.endpoints = endpoints
        self.l2_block = l2_block
        self.l1_head = to_hex(head)
        self.payout = payout
        self.progress = progress
        self.fetched: dict[str, int] = {}
        self._blocks: list[dict[str, Any]] = []
        self._full: dict[int, dict[str, Any]] = {}
        self._blobs: dict[str, str] = {}
        self._sidecars: dict[int, list[Any]] = {}
        self._receipts: dict[int, list[Any]] = {}
        self._l2: dict[int, tuple[bool, Any]] = {}

    def _call(self, client: RpcClient, method: str, *params: Any) -> Any:
        self.fetched[method] = self.fetched.get(method, 0) + 1
        return client.call(method, *params)

    def _required(self, client: RpcClient, what: str, method: str, *params: Any) -> Any:
        """A call whose absence (null, or a node that says it has no such data) is missing data."""
        try:
            result = self._call(client, method, *params)
        except RpcError as exc:
            raise MissingDataError([what], f"{method}: {exc.message}") from None
        if result is None:
            raise MissingDataError([what], f"{method} answered null")
        return result

    # ---- L2 and the rollup config ----

    def plan_request(self) -> dict[str, Any]:
        """Rollup config, agreed output and block ``N − 1``: the request every native step starts from."""
        n = self.l2_block
        self.progress("rollup config", "optimism_rollupConfig")
        config = self._required(self.endpoints.rollup, "rollup config", "optimism_rollupConfig")
        schedule = _blob_schedule(self.endpoints.l1)
        self.progress("agreed output", f"optimism_outputAtBlock({n - 1})")
        output = self._required(
            self.endpoints.rollup, f"output root of L2 block {n - 1}", "optimism_outputAtBlock", hex(n - 1)
        )
        self.progress("agreed block", f"eth_getBlockByNumber({n - 1})")
        parent = self._required(self.endpoints.l2, f"L2 block {n - 1}", "eth_getBlockByNumber", hex(n - 1), True)
        return {
            "l2_block": n,
            "payout": self.payout,
            "rollup_config": config,
            "l1_blob_schedule": schedule,
            "output": output,
            "parent_block": parent,
        }

    def witness(self) -> Any:
        self.progress("witness", f"debug_executionWitness({self.l2_block})")
        return self._required(
            self.endpoints.l2,
            f"execution witness of L2 block {self.l2_block}",
            "debug_executionWitness",
            hex(self.l2_block),
        )

    def l2_ancestors(self, oldest: int, transactions_through: int) -> list[Any]:
        """L2 blocks ``N − 2`` down to ``oldest``, nearest first; full transactions at or before
        ``transactions_through`` (each block fetched once, again only to add its transactions)."""
        first = self.l2_block - 2
        if first - oldest + 1 > MAX_L2_ANCESTORS:
            raise InvalidInputError(
                f"a span batch for L2 block {self.l2_block} starts at block {oldest + 1}: more than "
                f"{MAX_L2_ANCESTORS} L2 ancestors, past the fault program's cap",
                piece="l2_ancestors",
            )
        blocks = []
        for number in range(first, oldest - 1, -1):
            full = number <= transactions_through
            held = self._l2.get(number)
            if held is None or (full and not held[0]):
                self.progress("L2 ancestors", f"L2 block {number}")
                block = self._required(
                    self.endpoints.l2, f"L2 block {number}", "eth_getBlockByNumber", hex(number), full
                )
                held = self._l2[number] = (full, block)
            blocks.append(held[1])
        return blocks

    # ---- L1 ----

    def l1_headers(self, origin: int) -> None:
        """Blocks (transaction hashes only) from ``l1_head`` back to L1 block ``origin``, by parent hash.

        Called again with an earlier ``origin``, it goes on from the oldest block fetched.
        """
        if self._blocks and _number(self._blocks[-1]["number"], "number") <= origin:
            return
        block_hash = str(self._blocks[-1].get("parentHash")) if self._blocks else self.l1_head
        while True:
            self.progress("L1 headers", f"{len(self._blocks)} fetched, back to L1 block {origin}")
            block = self._required(self.endpoints.l1, f"L1 block {block_hash}", "eth_getBlockByHash", block_hash, False)
            if not isinstance(block, dict):
                raise InvalidInputError(f"eth_getBlockByHash({block_hash}): expected a block object")
            number = _number(block.get("number"), f"L1 block {block_hash}: number")
            if self._blocks and number != _number(self._blocks[-1]["number"], "number") - 1:
                raise InvalidInputError(
                    f"L1 block {block_hash} (the parent of block {self._blocks[-1]['number']}) has number {number}",
                    piece="l1_block",
                )
            self._blocks.append(block)
            if number <= origin:
                return
            if len(self._blocks) >= MAX_L1_HEADERS:
                raise InvalidInputError(
                    f"l1_head is more than {MAX_L1_HEADERS} L1 blocks after L1 block {origin}; "
                    "choose an earlier --l1-head"
                )
            block_hash = str(block.get("parentHash"))

    @property
    def head_number(self) -> int:
        return _number(self._blocks[0]["number"], "l1_head number")

    def _hash_of(self, number: int) -> str:
        return str(self._blocks[self.head_number - number]["hash"])

    def full_block(self, number: int) -> dict[str, Any]:
        """L1 block ``number`` of the chain to ``l1_head``, with full transactions (fetched by hash)."""
        if number not in self._full:
            block_hash = self._hash_of(number)
            self.progress("L1 transactions", f"L1 block {number}")
            self._full[number] = self._required(
                self.endpoints.l1,
                f"L1 block {number} ({block_hash}) with transactions",
                "eth_getBlockByHash",
                block_hash,
                True,
            )
        return self._full[number]

    def receipts(self, number: int) -> list[Any]:
        """The receipts of L1 block ``number`` (fetched once)."""
        if number not in self._receipts:
            self.progress("L1 receipts", f"L1 block {number}")
            self._receipts[number] = list(
                self._required(
                    self.endpoints.l1, f"receipts of L1 block {number}", "eth_getBlockReceipts", self._hash_of(number)
                )
            )
        return self._receipts[number]

    def l1_blocks(self, window_from: int, window_to: int) -> list[dict[str, Any]]:
        """The blocks from ``l1_head`` down, full where inside the window ``window_from ..= window_to``."""
        return [
            self.full_block(_number(b["number"], "number"))
            if window_from <= _number(b["number"], "number") <= window_to
            else b
            for b in self._blocks
        ]

    # ---- blobs ----

    def blob(self, beacon: BeaconClient, request: dict[str, Any]) -> str:
        """The blob with ``request['versioned_hash']`` from the beacon node, KZG-checked against the hash."""
        wanted = request["versioned_hash"].lower()
        if wanted in self._blobs:
            return self._blobs[wanted]
        slot = beacon.slot_of(int(request["timestamp"]))
        if slot not in self._sidecars:
            self.progress("blobs", f"slot {slot} (L1 block {request['l1_block']})")
            self.fetched["blob_sidecars"] = self.fetched.get("blob_sidecars", 0) + 1
            sidecars = beacon.sidecars(slot)
            self._sidecars[slot] = sidecars if sidecars is not None else []
        for sidecar in self._sidecars[slot]:
            if to_hex(kzg.versioned_hash(sidecar.commitment)).lower() != wanted:
                continue
            if kzg.commitment(sidecar.blob) != sidecar.commitment:
                raise InvalidInputError(
                    f"blob {wanted} (slot {slot}): the beacon node's blob does not match its KZG commitment",
                    piece="blobs",
                )
            self._blobs[wanted] = to_hex(sidecar.blob)
            return self._blobs[wanted]
        raise MissingDataError(
            [f"blob {wanted} (L1 block {request['l1_block']}, slot {slot})"],
            "the beacon node has no sidecar with this versioned hash (pruned, or a node that lies)",
        )


def collect(
    endpoints: Endpoints, l2_block: int, l1_head: str, *, payout: str = "0x" + "00" * 20, progress: Progress = _quiet
) -> Collected:
    """Fetches and assembles the fault input for ``l2_block`` relative to ``l1_head``."""
    c = Collector(endpoints, l2_block, l1_head, payout, progress)
    request = c.plan_request()
    plan = native.call_json("fault_bundle", json.dumps({"step": "plan", **request}))
    origin = int(plan["l1_origin"]["number"])
    request["witness"] = c.witness()
    c.l1_headers(origin)
    request["l1_head"] = c.l1_head
    head = c.head_number
    if head <= origin:
        raise InvalidInputError(
            f"l1_head (L1 block {head}) is not after the agreed block's L1 origin {origin}: "
            f"no batch for L2 block {l2_block} can be in it",
            piece="l1_block",
        )
    beacon = BeaconClient(endpoints.beacon)
    full_start = int(plan["full_window_start"])
    window_from = window_to = origin + 1
    asked: tuple[int, int] | None = None
    while True:
        request["l1_blocks"] = c.l1_blocks(window_from, window_to)
        request["l1_transactions"] = {"from": window_from, "to": window_to}
        needed = native.call_json("fault_bundle", json.dumps({"step": "blobs", **request}))
        # The next origin's receipts (its deposits) and those of any window block whose logs bloom
        # may hold a system config update.
        request["l1_receipts"] = [{"number": n, "receipts": c.receipts(n)} for n in needed["receipts"]]
        request["blobs"] = [c.blob(beacon, r) for r in needed["blobs"]]
        assembled = native.call_json("fault_bundle", json.dumps({"step": "assemble", **request}))
        input_bytes = parse_hex(assembled["input"], "assembled input")
        progress("derivation", f"L1 blocks {window_from}..={window_to}")
        try:
            report = native.call_json("fault_check", input_bytes)
        except FaultInputRefused as exc:
            oldest, through = exc.fields.get("oldest"), exc.fields.get("transactions_through")
            if exc.kind == "l2_ancestors" and isinstance(oldest, int) and isinstance(through, int):
                if (oldest, through) == asked:
                    raise
                # A span batch for N starts before the agreed block: add the blocks back to its parent.
                asked = (oldest, through)
                request["l2_ancestors"] = c.l2_ancestors(oldest, through)
                continue
            if exc.kind == "window_start" and window_from > full_start:
                # A channel opened before the window: read from where none can still deliver a batch.
                window_from = full_start
                c.l1_headers(window_from)
                continue
            if exc.kind != "derivation" or window_to >= head:
                raise
            window_to = min(head, window_to + (window_to - origin))
            continue
        break
    description = {
        "source": "refute fault bundle (collected from RPC)",
        "l2_block_number": l2_block,
        "l1_head": c.l1_head,
        "agreed_output_root": plan["agreed_output_root"],
        "rollup_config_hash": assembled["rollup_config_hash"],
        "l1_origin": origin,
        "l1_headers": head - min(origin, window_from) + 1,
        "l1_transaction_window": [window_from, window_to],
        "blobs": len(request["blobs"]),
        "l2_ancestors": len(request.get("l2_ancestors", [])),
        "computed_output_root": report["fields"]["computed_output_root"],
    }
    return Collected(input_bytes, description, dict(c.fetched))


def endpoints_from_urls(
    l1_rpc: str, l2_rpc: str, beacon_rpc: str, rollup_rpc: str | None = None, *, retries: int = 4, backoff: float = 0.5
) -> Endpoints:
    """Clients for the four nodes; the rollup node defaults to the L2 node (op-geth behind a proxy, or a devnet)."""

    def client(url: str) -> RpcClient:
        return RpcClient(url, retries=retries, backoff=backoff)

    return Endpoints(client(l1_rpc), client(l2_rpc), client(beacon_rpc), client(rollup_rpc or l2_rpc))


def bundle(
    out: Path,
    endpoints: Endpoints,
    l2_block: int,
    l1_head: str,
    *,
    payout: str = "0x" + "00" * 20,
    progress: Progress = _quiet,
) -> dict[str, Any]:
    """Collects the input for ``l2_block`` and writes it as a bundle directory; returns the manifest."""
    collected = collect(endpoints, l2_block, l1_head, payout=payout, progress=progress)
    written = write_bundle(out, collected.input, {**collected.description, "requests": collected.fetched})
    return {"bundle": str(out), **written.manifest}

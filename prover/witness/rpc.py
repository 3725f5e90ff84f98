"""Witnesses (and blocks) from an L2 node over JSON-RPC.

``debug_executionWitness`` is served by reth and geth in slightly different
shapes (lists or hash→bytes maps; headers as RLP or as JSON objects; older reth
without headers); the core's parser accepts all of them, so this module passes
the result through untouched and only adds what a shape lacks (the parent
header). Nodes without that method get the fallback: the block's touched
accounts and slots (``debug_traceBlockByNumber`` with the prestate tracer), then
``eth_getProof`` and ``eth_getCode`` at the parent. Proofs do not include the
sibling nodes a deletion's branch collapse reads, so fallback witnesses can
fail on such blocks with a precise missing-node error (never a wrong root).
"""

from __future__ import annotations

import time
from typing import Any

import requests

from prover.errors import RefuteError


class RpcError(RefuteError):
    """The node could not be reached or answered with an error."""


class RpcWitnessSource:
    """Fetches blocks and witnesses from one JSON-RPC endpoint."""

    def __init__(self, url: str, *, timeout: float = 60.0, retries: int = 2, session: requests.Session | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.session = session or requests.Session()
        self._id = 0

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call; raises :class:`RpcError` naming the method on any failure."""
        self._id += 1
        payload = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                resp = self.session.post(self.url, json=payload, timeout=self.timeout)
                resp.raise_for_status()
                body = resp.json()
                break
            except (requests.RequestException, ValueError) as exc:
                last = exc
                if attempt < self.retries:
                    time.sleep(0.5 * 2**attempt)
        else:
            raise RpcError(f"{method}: {self.url} unreachable: {last}")
        if "error" in body and body["error"]:
            err = body["error"]
            raise RpcError(f"{method}: node error {err.get('code')}: {err.get('message')}")
        return body.get("result")

    def _method_missing(self, exc: RpcError) -> bool:
        text = str(exc).lower()
        return "-32601" in text or "not found" in text or "not supported" in text or "does not exist" in text

    def block_rlp(self, number: int) -> bytes:
        """The RLP block: ``debug_getRawBlock``, else rebuilt from ``eth_getBlockByNumber``."""
        tag = hex(number)
        try:
            raw = self.call("debug_getRawBlock", tag)
            if raw:
                return bytes.fromhex(raw.removeprefix("0x"))
        except RpcError as exc:
            if not self._method_missing(exc):
                raise
        block = self.call("eth_getBlockByNumber", tag, True)
        if block is None:
            raise RpcError(f"eth_getBlockByNumber: block {number} not found")
        from prover.execute.api import block_from_json

        return block_from_json(block)

    def header_rlp(self, number: int) -> str:
        """An RLP header as 0x-hex: ``debug_getRawHeader``, else from the JSON block."""
        tag = hex(number)
        try:
            raw = self.call("debug_getRawHeader", tag)
            if raw:
                return raw
        except RpcError as exc:
            if not self._method_missing(exc):
                raise
        from prover.execute.api import block_from_json

        block = self.call("eth_getBlockByNumber", tag, True)
        if block is None:
            raise RpcError(f"eth_getBlockByNumber: block {number} not found")
        # The header is the first item of the rebuilt (hash-checked) block.
        return "0x" + _first_rlp_item(block_from_json(block)).hex()

    def witness(self, number: int, *, ancestors: int = 1) -> dict[str, Any]:
        """The witness of block ``number`` in ``debug_executionWitness`` shape.

        Headers are completed with the ``ancestors`` most recent ancestors when the
        node's answer has none (older reth).
        """
        try:
            w = self.call("debug_executionWitness", hex(number))
        except RpcError as exc:
            if not self._method_missing(exc):
                raise
            return self.witness_from_proofs(number, ancestors=ancestors)
        if not isinstance(w, dict):
            raise RpcError("debug_executionWitness: expected an object")
        if not w.get("headers"):
            w = dict(w)
            w["headers"] = [self.header_rlp(n) for n in range(max(0, number - ancestors), number)]
        return w

    def witness_from_proofs(self, number: int, *, ancestors: int = 1) -> dict[str, Any]:
        """Fallback: proofs of every account and slot the block touches, at the parent state."""
        parent = hex(number - 1)
        trace = self.call("debug_traceBlockByNumber", hex(number), {"tracer": "prestateTracer"})
        touched: dict[str, set[str]] = {}
        for item in trace or []:
            result = item.get("result", item)
            for address, account in (result or {}).items():
                slots = touched.setdefault(address.lower(), set())
                slots.update((account.get("storage") or {}).keys())
        state: dict[str, None] = {}
        codes: dict[str, None] = {}
        for address, slots in sorted(touched.items()):
            proof = self.call("eth_getProof", address, sorted(slots), parent)
            for node in proof.get("accountProof", []):
                state[node] = None
            for sp in proof.get("storageProof", []):
                for node in sp.get("proof", []):
                    state[node] = None
            code = self.call("eth_getCode", address, parent)
            if code and code != "0x":
                codes[code] = None
        headers = [self.header_rlp(n) for n in range(max(0, number - ancestors), number)]
        return {"state": list(state), "codes": list(codes), "keys": [], "headers": headers}


def _first_rlp_item(data: bytes) -> bytes:
    """The first item inside the RLP list ``data`` (a block's header)."""

    def header(buf: bytes, at: int) -> tuple[int, int]:
        b = buf[at]
        if b < 0x80:
            return at, 1
        if b <= 0xB7:
            return at + 1, b - 0x80
        if b <= 0xBF:
            n = b - 0xB7
            return at + 1 + n, int.from_bytes(buf[at + 1 : at + 1 + n], "big")
        if b <= 0xF7:
            return at + 1, b - 0xC0
        n = b - 0xF7
        return at + 1 + n, int.from_bytes(buf[at + 1 : at + 1 + n], "big")

    start, _ = header(data, 0)
    item_payload, item_len = header(data, start)
    return data[start : item_payload + item_len]

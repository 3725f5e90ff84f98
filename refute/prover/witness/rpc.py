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

from typing import Any

import requests

from refute.hexutil import HexError, parse_hex, to_hex
from refute.prover.da.errors import MissingDataError
from refute.prover.rpc import RpcClient, RpcError, ServiceAnswerError

__all__ = ["RpcError", "RpcWitnessSource"]

#: What nodes say (besides JSON-RPC code -32601) when they do not serve a method.
_METHOD_MISSING = ("not found", "not supported", "does not exist")


class RpcWitnessSource:
    """Fetches blocks and witnesses from one JSON-RPC endpoint.

    Calls go through :class:`~refute.prover.rpc.RpcClient`: a node that does not
    answer raises :class:`~refute.prover.errors.ServiceUnreachable`, a node that
    answers with an error raises :class:`~refute.prover.rpc.RpcError`.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        retries: int = 2,
        session: requests.Session | None = None,
        client: RpcClient | None = None,
    ) -> None:
        self.url = url
        self.client = client or RpcClient(url, retries=retries, timeout=timeout, session=session or requests.Session())

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call (see :meth:`RpcClient.call`)."""
        return self.client.call(method, *params)

    @staticmethod
    def _method_missing(exc: RpcError) -> bool:
        """True when the node refused because it does not serve the method (so a fallback applies)."""
        text = exc.message.lower()
        return exc.code == -32601 or any(phrase in text for phrase in _METHOD_MISSING)

    def _hex_answer(self, value: Any, method: str) -> bytes:
        try:
            return parse_hex(value, f"{method} result")
        except HexError as exc:
            raise ServiceAnswerError(f"{self.url}: {exc}", service=self.url, request=method) from None

    def _block_json(self, number: int) -> dict[str, Any]:
        block = self.call("eth_getBlockByNumber", hex(number), True)
        if block is None:
            raise MissingDataError([f"block {number}"], f"{self.url} has no such block")
        if not isinstance(block, dict):
            raise ServiceAnswerError(
                f"eth_getBlockByNumber: {self.url} answered {type(block).__name__}, expected a block object",
                service=self.url,
                request="eth_getBlockByNumber",
            )
        return block

    def block_rlp(self, number: int) -> bytes:
        """The RLP block: ``debug_getRawBlock``, else rebuilt from ``eth_getBlockByNumber``."""
        try:
            raw = self.call("debug_getRawBlock", hex(number))
            if raw:
                return self._hex_answer(raw, "debug_getRawBlock")
        except RpcError as exc:
            if not self._method_missing(exc):
                raise
        from refute.prover.execute.api import block_from_json

        return block_from_json(self._block_json(number))

    def header_rlp(self, number: int) -> str:
        """An RLP header as 0x-hex: ``debug_getRawHeader``, else from the JSON block."""
        try:
            raw = self.call("debug_getRawHeader", hex(number))
            if raw:
                return raw
        except RpcError as exc:
            if not self._method_missing(exc):
                raise
        from refute.prover.execute.api import block_from_json

        # The header is the first item of the rebuilt (hash-checked) block.
        return to_hex(_first_rlp_item(block_from_json(self._block_json(number))))

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
            raise ServiceAnswerError(
                f"debug_executionWitness: {self.url} answered {type(w).__name__}, expected an object",
                service=self.url,
                request="debug_executionWitness",
            )
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

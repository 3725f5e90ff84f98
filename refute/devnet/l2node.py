"""The devnet's L2 execution and rollup node: what a watcher asks op-geth/op-reth and op-node.

It serves the canonical chain (the one the batches on L1 define), never the
proposer's node: a watcher compares a proposal against what correct execution
gives, so its L2 source must be the honest sequencer. Answers are rendered by
the native core from the exact bytes the sequencer hashed
(:mod:`refute.devnet.render`). ``eth_sendRawTransaction`` queues a transaction
for the sequencer's next block.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from eth_utils import keccak

from refute.devnet.render import l2_block_json, output_json, output_parts_json, rollup_config_json
from refute.devnet.sequencer import L2Chain
from refute.devnet.server import INVALID_PARAMS, NOT_AVAILABLE, RpcFailure
from refute.hexutil import HexError, parse_hex, to_hex

__all__ = ["DevnetL2"]

#: Most transactions the mempool holds (a devnet, not a public node).
MAX_MEMPOOL = 256


class DevnetL2:
    """Answers for ``chain``; ``l1_hash(number)`` gives the L1 block hash an output's L1 origin names."""

    def __init__(self, chain: L2Chain, l1_hash: Callable[[int], str]) -> None:
        self.chain = chain
        self.l1_hash = l1_hash
        self.lock = threading.Lock()
        self.mempool: list[bytes] = []

    def take_mempool(self) -> list[bytes]:
        """The queued transactions, in arrival order (the sequencer's next block includes them)."""
        with self.lock:
            out, self.mempool = self.mempool, []
        return out

    def _number(self, method: str, params: list[Any]) -> int:
        if not params:
            raise RpcFailure(INVALID_PARAMS, f"{method}: missing block number")
        key = params[0]
        if key in ("latest", "safe", "finalized", "pending"):
            return self.chain.head_number
        try:
            number = int(key, 16) if isinstance(key, str) else int(key)
        except (TypeError, ValueError):
            raise RpcFailure(INVALID_PARAMS, f"{method}: this devnet serves L2 blocks by number, not {key!r}") from None
        if not 0 <= number <= self.chain.head_number:
            raise LookupError(f"L2 block {number} does not exist (head is {self.chain.head_number})")
        return number

    def l2(self, method: str, params: list[Any]) -> Any:
        chain = self.chain
        if method == "eth_chainId":
            return hex(chain.params.l2_chain_id)
        if method == "eth_blockNumber":
            return hex(chain.head_number)
        if method == "optimism_rollupConfig":
            return rollup_config_json(chain.genesis.config)
        if method == "eth_sendRawTransaction":
            return self._send_raw(params)
        if method == "eth_getBlockByNumber":
            try:
                number = self._number(method, params)
            except LookupError:
                return None
            header, txs = (
                (chain.genesis.header, [])
                if number == 0
                else (chain.block(number).header, chain.block(number).transactions)
            )
            block = l2_block_json(header, txs)
            full = bool(params[1]) if len(params) > 1 else False
            return block if full else {**block, "transactions": [t["hash"] for t in block["transactions"]]}
        if method == "debug_executionWitness":
            number = self._number(method, params)
            if number == 0:
                raise RpcFailure(NOT_AVAILABLE, "block 0 is genesis: it has no execution witness")
            return chain.block(number).witness
        if method == "optimism_outputAtBlock":
            number = self._number(method, params)
            if number == 0:
                g, origin = chain.genesis, chain.params.l1_genesis_header
                number = chain.params.l1_genesis_number
                return output_parts_json(g.header, g.output, number, to_hex(keccak(origin)), 0)
            built = chain.block(number)
            return output_json(built, self.l1_hash(built.l1_origin))
        raise RpcFailure(-32601, f"the method {method} does not exist/is not available")

    def _send_raw(self, params: list[Any]) -> str:
        if not params or not isinstance(params[0], str):
            raise RpcFailure(INVALID_PARAMS, "eth_sendRawTransaction: expected the signed transaction as hex")
        try:
            raw = parse_hex(params[0], "transaction")
        except HexError as exc:
            raise RpcFailure(INVALID_PARAMS, f"eth_sendRawTransaction: {exc}") from None
        with self.lock:
            if len(self.mempool) >= MAX_MEMPOOL:
                raise RpcFailure(NOT_AVAILABLE, f"txpool is full ({MAX_MEMPOOL} transactions)")
            self.mempool.append(raw)
        return to_hex(keccak(raw))

    def l1(self, method: str, params: list[Any]) -> Any:
        raise RpcFailure(-32601, "this is the L2 node")

    def beacon(self, path: str) -> tuple[int, Any]:
        return 404, {"code": 404, "message": "this is the L2 node"}

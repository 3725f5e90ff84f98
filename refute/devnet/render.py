"""Node answers rendered from consensus encodings, for the devnet's RPC servers.

Why the native core renders them: the bundle builder parses node answers with
alloy's serde forms, so the devnet answers with the very same forms (what
op-geth/reth would send), produced from the exact bytes py-evm and the
sequencer hashed. A devnet answer that the bundle builder could not parse, or
that parsed to other bytes, would be a bug in one of them, not a test artefact.
"""

from __future__ import annotations

import json
from typing import Any

from refute.devnet.sequencer import L2Block
from refute.hexutil import to_hex
from refute.prover.native import call_json

__all__ = [
    "l1_block_json",
    "l2_block_json",
    "output_json",
    "output_parts_json",
    "receipts_json",
    "rollup_config_json",
]


def _render(request: dict[str, Any]) -> Any:
    return call_json("devnet_render", json.dumps(request).encode())


def l1_block_json(header: bytes, transactions: list[bytes] | None) -> dict[str, Any]:
    """``eth_getBlockByHash(…, full)``: with ``transactions`` None, the block without its list (as hashes are unknown)."""
    txs = None if transactions is None else [to_hex(t) for t in transactions]
    return dict(_render({"l1_block": {"header": to_hex(header), "transactions": txs}}))


def receipts_json(receipts: list[bytes]) -> list[dict[str, Any]]:
    """``eth_getBlockReceipts``."""
    return list(_render({"receipts": [to_hex(r) for r in receipts]}))


def l2_block_json(header: bytes, transactions: list[bytes]) -> dict[str, Any]:
    """``eth_getBlockByNumber(…, true)`` of an L2 block."""
    return dict(_render({"l2_block": {"header": to_hex(header), "transactions": [to_hex(t) for t in transactions]}}))


def output_json(block: L2Block, l1_origin_hash: str) -> dict[str, Any]:
    """``optimism_outputAtBlock`` of a built block."""
    return output_parts_json(block.header, block.output, block.l1_origin, l1_origin_hash, block.sequence_number)


def output_parts_json(
    header: bytes, output: dict[str, str], l1_origin: int, l1_origin_hash: str, sequence_number: int
) -> dict[str, Any]:
    """``optimism_outputAtBlock`` from its parts (the genesis block has no :class:`L2Block`)."""
    request = {
        "header": to_hex(header),
        "output": output,
        "l1_origin": {"number": l1_origin, "hash": l1_origin_hash},
        "sequence_number": sequence_number,
    }
    return dict(_render({"output": request}))


def rollup_config_json(config: bytes) -> dict[str, Any]:
    """``optimism_rollupConfig``."""
    return dict(_render({"rollup_config": to_hex(config)}))

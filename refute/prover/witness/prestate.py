"""Witnesses from a full pre-state, built by the native core.

Why in Rust: which nodes a block needs (including the siblings a branch
collapse reads) is only known by executing it, so the core executes the block
once against all nodes of the full tries and keeps exactly those it handed out.
A Python trie would be a second copy of the trie rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from refute.prover import native
from refute.prover.execute.api import ChainLike, block_bytes, chain_bytes


@dataclass(frozen=True)
class PrestateWitness:
    """The minimal witness for a block, and what the recording run found."""

    witness: dict[str, Any]
    post_state: dict[str, Any] | None
    outcome: dict[str, Any] | None
    error: str | None


def witness_from_state(
    state: Mapping[str, Any],
    block: bytes | str,
    ancestors: Sequence[bytes | str],
    chain: ChainLike = None,
    *,
    check_header: bool = True,
) -> PrestateWitness:
    """Builds the witness of ``block`` from the full ``state``.

    ``state``: address → {nonce, balance, code, storage} (hex quantities, as in
    genesis ``alloc`` and blockchain-test ``pre``); its root must equal the
    parent's state root. ``ancestors``: RLP headers (bytes or hex), oldest
    first, the last being the parent. An invalid block still gets a witness
    (with ``error`` set) so a stateless run can reject it the same way.
    ``check_header=False`` accepts placeholder roots in the block's header
    (building a block): ``outcome["header_rlp"]`` then holds the true header.
    """
    headers = ["0x" + h.hex() if isinstance(h, (bytes, bytearray)) else h for h in ancestors]
    r = native.call_json(
        "stf_witness_from_state",
        json.dumps(dict(state)).encode(),
        block_bytes(block),
        json.dumps(headers).encode(),
        chain_bytes(chain),
        1 if check_header else 0,
    )
    return PrestateWitness(witness=r["witness"], post_state=r["post_state"], outcome=r["outcome"], error=r["error"])


def state_root(state: Mapping[str, Any]) -> str:
    """The state root (0x-hex) of a full state in ``alloc`` form."""
    return native.call("stf_state_root", json.dumps(dict(state)).encode()).decode()

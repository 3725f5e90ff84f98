"""What the ``refute l1`` and ``refute conformance`` commands do, as functions.

Why a separate module: the CLI stays a thin layer of flags, and tests call
these functions directly. Both commands reach L1 through one ``Web3``: an
in-process chain by default, or ``--l1-rpc URL`` (a real node, or ``refute l1
node`` in another process).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from web3 import Web3

from refute.prover.errors import InvalidInputError, UsageError

from .chain import connect, local_chain
from .contracts import GameConfig, deploy_stack

__all__ = ["PRIVATE_KEY_ENV", "conformance_command", "default_receipts_path", "deploy_command", "l1_web3"]

#: Environment variable holding the deployer's key for a node without unlocked accounts.
PRIVATE_KEY_ENV = "REFUTE_L1_PRIVATE_KEY"


def l1_web3(l1_rpc: str | None) -> tuple[Web3, bool]:
    """(web3, ephemeral): the node at ``l1_rpc`` or a fresh in-process chain (ephemeral).

    With ``$REFUTE_L1_PRIVATE_KEY`` set, transactions are signed locally with that key.
    """
    if l1_rpc is None:
        return local_chain().w3, True
    w3 = connect(l1_rpc)
    key = os.environ.get(PRIVATE_KEY_ENV)
    if key:
        from eth_account import Account
        from web3.middleware import SignAndSendRawMiddlewareBuilder

        account = Account.from_key(key)
        w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(account), layer=0)
        w3.eth.default_account = account.address
    if not isinstance(w3.eth.default_account, str):
        raise UsageError(f"{l1_rpc} has no unlocked account: set {PRIVATE_KEY_ENV} to the deployer's key")
    return w3, False


def _digest(value: str, name: str) -> bytes:
    raw = value.removeprefix("0x")
    try:
        out = bytes.fromhex(raw)
    except ValueError:
        raise InvalidInputError(f"{name}: not hex: {value!r}", field=name) from None
    if len(out) != 32:
        raise InvalidInputError(f"{name}: expected 32 bytes, got {len(out)}", field=name)
    return out


def deploy_command(
    l1_rpc: str | None,
    *,
    fault_image_id: str,
    rollup_config_hash: str,
    anchor_output_root: str,
    anchor_l2_block: int,
    bond_wei: int,
    challenge_window: int,
    dev_mode: bool | None,
) -> dict[str, Any]:
    """Deploys verifiers, router (mock in dev mode) and game; returns the addresses as JSON."""
    config = GameConfig(
        fault_image_id=_digest(fault_image_id, "fault_image_id"),
        rollup_config_hash=_digest(rollup_config_hash, "rollup_config_hash"),
        anchor_output_root=_digest(anchor_output_root, "anchor_output_root"),
        anchor_l2_block_number=anchor_l2_block,
        bond=bond_wei,
        challenge_window=challenge_window,
    )
    w3, ephemeral = l1_web3(l1_rpc)
    deployment = deploy_stack(w3, config, dev_mode=dev_mode)
    out = deployment.to_json()
    out["l1_rpc"] = l1_rpc
    out["ephemeral"] = ephemeral
    return out


def default_receipts_path() -> Path:
    """RISC Zero's published receipts in the shared data (``$REFUTE_FIXTURES``, default ``../shared``)."""
    base = Path(os.environ.get("REFUTE_FIXTURES") or Path(__file__).resolve().parents[2].parent / "shared")
    return base / "conformance" / "risc0-groth16-receipts.json"


def conformance_command(
    l1_rpc: str | None, receipts: Path | None, *, mutations: int = 1
) -> tuple[list[Any], str | None]:
    """Runs the game corpus, then (if the file exists) the receipt corpus; returns (results, note)."""
    from .conformance import load_receipts, run_game_corpus, run_receipt_corpus

    w3, _ = l1_web3(l1_rpc)
    results = run_game_corpus(w3)
    path = receipts or default_receipts_path()
    note = None
    if path.is_file():
        results += run_receipt_corpus(w3, load_receipts(path), mutations=mutations)
    elif receipts is not None:
        raise InvalidInputError(f"{receipts}: no such receipts file", path=str(receipts))
    else:
        note = f"receipt corpus skipped: {path} not found (set REFUTE_FIXTURES or pass --receipts)"
    return results, note

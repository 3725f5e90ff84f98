"""Deploys refute's L1 contracts through any ``Web3`` and names the reverts they raise.

What gets deployed (:func:`deploy_stack`): one ``RiscZeroGroth16Verifier`` per
parameter set, a ``RiscZeroVerifierRouter`` routing each selector to it, in
dev mode also the ``RiscZeroMockVerifier`` at ``0xFFFFFFFF``, and a
``FaultDisputeGame`` that verifies through the router.

Dev mode is decided by the chain: a router in dev mode can only be
constructed on a devnet chain ID (:data:`DEVNET_CHAIN_IDS`, the same list the
contracts hard-code), and only a dev-mode router registers the mock verifier.

Every contract reverts with its error's name as the reason string;
:func:`revert_reason` extracts it from whatever web3 raised, and an empty
revert (the ABI decoder refusing calldata) is reported as ``MalformedCalldata``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from web3 import Web3
from web3.contract import Contract

from refute.verifier.deployments import ALL_RELEASES
from refute.verifier.mock import MOCK_SELECTOR
from refute.verifier.params import ParameterSet

from .compiler import compile_contract

__all__ = [
    "DEVNET_CHAIN_IDS",
    "MALFORMED_CALLDATA",
    "GameConfig",
    "L1Deployment",
    "Reverted",
    "contract_at",
    "deploy_contract",
    "deploy_stack",
    "revert_reason",
    "send",
]

#: Chain IDs where dev mode (the mock verifier) may be deployed; contracts/devnet.vy lists the same.
DEVNET_CHAIN_IDS = frozenset({1337, 31337, 131277322940537})
#: The name given to an empty revert: Vyper's ABI decoder rejecting malformed or oversized calldata.
MALFORMED_CALLDATA = "MalformedCalldata"
_ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)


class Reverted(Exception):
    """A call or transaction reverted; ``reason`` is the contract's named error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def revert_reason(exc: BaseException) -> str | None:
    """The named error in a revert raised by web3 (eth-tester or an HTTP node), or None if ``exc`` is no revert."""
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x"):
        raw = bytes.fromhex(data[2:])
        if raw[:4] == _ERROR_SELECTOR:
            return str(abi_decode(["string"], raw[4:])[0])
        if not raw:
            return MALFORMED_CALLDATA
    text = str(exc)
    match = re.search(r"execution reverted: ([A-Z][A-Za-z0-9_]*)\b", text)
    if match:
        return match.group(1)
    if "execution reverted" in text or "TransactionFailed" in type(exc).__name__ or "revert" in text.lower():
        return MALFORMED_CALLDATA
    return None


def _raise_named(exc: Exception) -> None:
    reason = revert_reason(exc)
    if reason is None:
        raise exc
    raise Reverted(reason) from None


def send(fn: Any, *, sender: str | None = None, value: int = 0) -> Any:
    """Sends a contract function as a transaction; returns its receipt, or raises :class:`Reverted`."""
    w3: Web3 = fn.w3
    tx: dict[str, Any] = {"from": sender or w3.eth.default_account, "value": value}
    try:
        tx_hash = fn.transact(tx)
    except Exception as exc:
        _raise_named(exc)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise Reverted(MALFORMED_CALLDATA)
    return receipt


def call(fn: Any) -> Any:
    """Calls a view function; returns its result, or raises :class:`Reverted`."""
    try:
        return fn.call()
    except Exception as exc:
        _raise_named(exc)


def contract_at(w3: Web3, name: str, address: str) -> Contract:
    """A handle on a deployed contract of ``contracts/<name>.vy``."""
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=compile_contract(name).abi)


def deploy_contract(w3: Web3, name: str, *args: Any, sender: str | None = None) -> Contract:
    """Compiles (or reuses the cached build of) ``contracts/<name>.vy`` and deploys it."""
    compiled = compile_contract(name)
    factory = w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
    receipt = send(factory.constructor(*args), sender=sender)
    return w3.eth.contract(address=receipt["contractAddress"], abi=compiled.abi)


@dataclass(frozen=True)
class GameConfig:
    """The dispute game's immutable parameters."""

    fault_image_id: bytes
    rollup_config_hash: bytes
    anchor_output_root: bytes
    anchor_l2_block_number: int = 0
    bond: int = 10**17
    challenge_window: int = 7 * 24 * 3600


@dataclass
class L1Deployment:
    """Addresses of one deployment, and what it was deployed with."""

    chain_id: int
    dev_mode: bool
    router: str
    groth16: dict[str, str] = field(default_factory=dict)  # selector hex -> verifier address
    parameter_sets: dict[str, str] = field(default_factory=dict)  # selector hex -> parameter set name
    mock: str | None = None
    game: str | None = None
    game_config: GameConfig | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "chain_id": self.chain_id,
            "dev_mode": self.dev_mode,
            "router": self.router,
            "groth16_verifiers": {
                sel: {"address": addr, "parameter_set": self.parameter_sets[sel]} for sel, addr in self.groth16.items()
            },
            "mock_verifier": self.mock,
            "game": self.game,
        }
        if self.game_config is not None:
            c = self.game_config
            out["game_config"] = {
                "fault_image_id": "0x" + c.fault_image_id.hex(),
                "rollup_config_hash": "0x" + c.rollup_config_hash.hex(),
                "anchor_output_root": "0x" + c.anchor_output_root.hex(),
                "anchor_l2_block_number": c.anchor_l2_block_number,
                "bond_wei": c.bond,
                "challenge_window_seconds": c.challenge_window,
            }
        return out


def deploy_stack(
    w3: Web3,
    game: GameConfig | None,
    *,
    parameter_sets: Sequence[ParameterSet] | None = None,
    dev_mode: bool | None = None,
    remove: Iterable[bytes] = (),
    sender: str | None = None,
) -> L1Deployment:
    """Deploys verifiers, router (and mock in dev mode) and, given a config, the game.

    ``parameter_sets`` defaults to every embedded set, the router state of the
    ``all-releases`` deployment (``verifier.ALL_RELEASES``), not RISC Zero's mainnet
    router (the pure-Python default): the Python mirror of this router must use the
    same state (``GameHarness`` derives it from what was registered).
    ``dev_mode`` defaults to "the chain is a devnet". ``remove`` lists selectors to
    tombstone after registration (to reproduce a router that dropped a verifier).
    """
    chain_id = w3.eth.chain_id
    if dev_mode is None:
        dev_mode = chain_id in DEVNET_CHAIN_IDS
    sets = tuple(ALL_RELEASES.registered if parameter_sets is None else parameter_sets)
    router = deploy_contract(w3, "RiscZeroVerifierRouter", dev_mode, sender=sender)
    out = L1Deployment(chain_id=chain_id, dev_mode=dev_mode, router=router.address)
    for ps in sets:
        verifier = deploy_contract(w3, "RiscZeroGroth16Verifier", ps.control_root, ps.bn254_control_id, sender=sender)
        send(router.functions.add_verifier(ps.selector, verifier.address), sender=sender)
        out.groth16["0x" + ps.selector.hex()] = verifier.address
        out.parameter_sets["0x" + ps.selector.hex()] = ps.name
    if dev_mode:
        mock = deploy_contract(w3, "RiscZeroMockVerifier", sender=sender)
        send(router.functions.add_verifier(MOCK_SELECTOR, mock.address), sender=sender)
        out.mock = mock.address
    for selector in remove:
        send(router.functions.remove_verifier(selector), sender=sender)
    if game is not None:
        g = deploy_contract(
            w3,
            "FaultDisputeGame",
            router.address,
            game.fault_image_id,
            game.rollup_config_hash,
            game.anchor_output_root,
            game.anchor_l2_block_number,
            game.bond,
            game.challenge_window,
            sender=sender,
        )
        out.game = g.address
        out.game_config = game
    return out

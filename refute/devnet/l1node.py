"""The devnet's L1: py-evm with a 12-second block clock, its JSON-RPC answers and its beacon API.

Why a clock instead of eth-tester's one-block-per-transaction: the fault
program binds L1 by walking headers and the beacon API finds a blob by the
slot of its block, so the devnet's L1 must look like Ethereum: one block per
12-second slot, holding every transaction sent since the last one. Automatic
mining is switched off once the contracts are deployed; :meth:`DevnetL1.mine`
then seals the pending transactions into the next slot's block.

Blocks and receipts are answered from the bytes py-evm hashed
(:mod:`refute.devnet.pyevm`) rendered as a node would (:mod:`refute.devnet.render`),
so what the watcher parses is what the fault program later hashes; every other
method (``eth_call``, ``eth_sendRawTransaction``, ``eth_getTransactionReceipt`` …)
goes to eth-tester unchanged.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from eth.vm.forks.prague.constants import BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
from web3 import Web3
from web3.exceptions import TransactionNotFound

from refute.devnet.chain import SECONDS_PER_SLOT
from refute.devnet.pyevm import raw_header, raw_receipts, raw_transactions
from refute.devnet.render import l1_block_json, receipts_json
from refute.devnet.server import INVALID_PARAMS, RpcFailure, beacon_response
from refute.hexutil import HexError, parse_hex, to_hex
from refute.l1.chain import LocalChain
from refute.prover.da import kzg

__all__ = ["PRAGUE_BLOB_UPDATE_FRACTION", "SECONDS_PER_SLOT", "DevnetL1"]

#: EIP-7691's blob base fee update fraction: what py-evm's Prague chain computes blob fees with.
PRAGUE_BLOB_UPDATE_FRACTION: int = BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE


class DevnetL1:
    """A py-evm chain that mines one block per slot on request, and answers as an L1 node and beacon node.

    Every access to py-evm holds ``chain._lock`` (py-evm is not thread-safe and
    the server answers on many threads).
    """

    def __init__(self, chain: LocalChain) -> None:
        self.chain = chain
        self.lock: threading.Lock = chain._lock
        self._rendered: dict[int, dict[str, Any]] = {}
        self._receipts: dict[int, list[dict[str, Any]]] = {}
        self._blobs: dict[str, list[bytes]] = {}
        self._sidecars: dict[int, list[dict[str, Any]]] = {}
        self._pending: dict[str, bytes] = {}
        self._sent: dict[str, tuple[bytes, list[bytes]]] = {}
        self.genesis_time = 0

    @property
    def w3(self) -> Web3:
        return self.chain.w3

    @property
    def tester(self) -> Any:
        return self.chain.provider.ethereum_tester

    def start_clock(self) -> None:
        """Stops mining per transaction; the next block is one slot after the head, on a slot boundary."""
        with self.lock:
            self.tester.disable_auto_mine_transactions()
            latest = self.w3.eth.get_block("latest")
            self.genesis_time = (
                int(latest["timestamp"]) + SECONDS_PER_SLOT - SECONDS_PER_SLOT * (int(latest["number"]) + 1)
            )
            self._set_pending_timestamp(int(latest["timestamp"]) + SECONDS_PER_SLOT)

    def _set_pending_timestamp(self, timestamp: int) -> None:
        """The block being filled carries ``timestamp``: transactions applied to it see that time."""
        backend = self.tester.backend
        backend.chain.header = backend.chain.header.copy(timestamp=timestamp)

    def head_number(self) -> int:
        with self.lock:
            return int(self.w3.eth.block_number)

    def receipt(self, tx_hash: str) -> Any | None:
        """The receipt of ``tx_hash`` once it is mined, else None."""
        with self.lock:
            try:
                return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
            except TransactionNotFound:
                return None

    def send_raw(self, raw: bytes, blobs: list[bytes] | None = None) -> str:
        """``eth_sendRawTransaction``: applies the transaction to the block being filled.

        eth-tester's own pending pool checks each transaction against the last
        block only, so a sender's second transaction in a slot would be refused;
        applying to py-evm's pending block keeps nonces in order, as a node's pool does.
        Sending the same bytes again while they are pending answers the same hash.
        """
        with self.lock:
            for tx_hash, pending in self._pending.items():
                if pending == raw:
                    return tx_hash
            try:
                tx_hash = Web3.to_hex(self.tester.backend.send_raw_transaction(raw))
            except Exception as exc:
                raise RpcFailure(-32000, f"transaction rejected: {exc}") from None
            self._pending[tx_hash] = raw
            self._sent[tx_hash] = (raw, list(blobs or []))
            if blobs:
                self._blobs[tx_hash] = list(blobs)
            return tx_hash

    def mine(self) -> int:
        """Seals the block being filled (one slot after the head); returns its number."""
        with self.lock:
            # The backend's own mining: eth-tester's wrapper re-reads the block through a
            # validator that refuses blocks mixing blob and other typed transactions.
            self.tester.backend.mine_blocks(1)
            mined = list(self._pending)
            self._pending.clear()
            latest = self.w3.eth.get_block("latest")
            timestamp = int(latest["timestamp"])
            self._set_pending_timestamp(timestamp + SECONDS_PER_SLOT)
            self._record_sidecars(timestamp, mined)
            return int(latest["number"])

    def warp(self, seconds: int) -> int:
        """Seals the block being filled, then mines an empty block ``seconds`` (whole slots) after it."""
        if seconds <= 0 or seconds % SECONDS_PER_SLOT:
            raise ValueError(f"L1 time moves in whole slots of {SECONDS_PER_SLOT} s, not {seconds} s")
        self.mine()
        with self.lock:
            latest = int(self.w3.eth.get_block("latest")["timestamp"])
            self._set_pending_timestamp(latest + seconds)
        return self.mine()

    def reorg(self, to_block: int, keep: set[str]) -> list[str]:
        """Makes ``to_block`` the head again (the blocks after it are orphaned), mines the new
        fork's first block one slot late and empty, then puts back the orphaned transactions
        whose sender is in ``keep`` (lower-case addresses), as their senders' nodes would, and
        every transaction not mined yet; returns the orphaned transaction hashes that were
        dropped (their senders must notice and send again).

        The late first block makes every block of the new fork differ from the orphaned one
        at its height: py-evm is deterministic, so the same transactions at the same times
        would rebuild the same blocks and the reorg would change nothing the watcher reads."""
        with self.lock:
            head = int(self.w3.eth.block_number)
            if not 0 <= to_block < head:
                raise ValueError(f"cannot reorg to block {to_block}: the head is {head}")
            txs = [t for n in range(to_block + 1, head + 1) for t in self._block(n)["transactions"]]
            orphaned = [str(t["hash"]) for t in txs]
            senders = {h: str(self.w3.eth.get_transaction(h)["from"]).lower() for h in orphaned}  # type: ignore[arg-type]
            target = self._block(to_block)
            unmined = list(self._pending)
            self.tester.backend.revert_to_snapshot(bytes.fromhex(str(target["hash"])[2:]))
            self._pending.clear()
            target_slot = self.slot_of(int(str(target["timestamp"]), 16))
            self._sidecars = {slot: s for slot, s in self._sidecars.items() if slot <= target_slot}
            self._rendered = {n: b for n, b in self._rendered.items() if n <= to_block}
            self._receipts = {n: r for n, r in self._receipts.items() if n <= to_block}
            self._set_pending_timestamp(int(str(target["timestamp"]), 16) + 2 * SECONDS_PER_SLOT)
        self.mine()
        dropped = []
        for tx_hash in orphaned + unmined:
            if (tx_hash in unmined or senders[tx_hash] in keep) and tx_hash in self._sent:
                raw, blobs = self._sent[tx_hash]
                self.send_raw(raw, blobs)
            else:
                dropped.append(tx_hash)
        return dropped

    def _record_sidecars(self, timestamp: int, mined: list[str]) -> None:
        """The beacon node's sidecars for the slot at ``timestamp``: the blobs of the transactions just mined."""
        sidecars: list[dict[str, Any]] = []
        for tx_hash in mined:
            for blob in self._blobs.pop(tx_hash, []):
                committed = kzg.commit_blob(blob)
                sidecars.append(
                    {
                        "index": str(len(sidecars)),
                        "blob": to_hex(blob),
                        "kzg_commitment": to_hex(committed.commitment),
                        "kzg_proof": to_hex(committed.proof),
                    }
                )
        if sidecars:
            self._sidecars[self.slot_of(timestamp)] = sidecars

    def slot_of(self, timestamp: int) -> int:
        return (timestamp - self.genesis_time) // SECONDS_PER_SLOT

    # ---- raw data (what the sequencer and the fault program hash) ----

    def raw_header(self, number: int) -> bytes:
        with self.lock:
            return raw_header(self.chain, number)

    def raw_receipts(self, number: int) -> list[bytes]:
        with self.lock:
            return raw_receipts(self.chain, number)

    # ---- JSON-RPC ----

    def _number_of(self, key: Any) -> int | None:
        """A block number for a hash, number or tag; None for an unknown hash; "pending" is not served here."""
        if isinstance(key, str) and len(key) == 66:
            try:
                return int(self.w3.eth.get_block(key)["number"])  # type: ignore[arg-type]
            except Exception:
                return None
        if key in ("latest", "safe", "finalized"):
            return int(self.w3.eth.block_number)
        if key == "earliest":
            return 0
        try:
            number = int(key, 16) if isinstance(key, str) else int(key)
        except (TypeError, ValueError):
            raise RpcFailure(INVALID_PARAMS, f"not a block hash, number or tag: {key!r}") from None
        return number if 0 <= number <= int(self.w3.eth.block_number) else None

    def _block(self, number: int) -> dict[str, Any]:
        if number not in self._rendered:
            self._rendered[number] = l1_block_json(raw_header(self.chain, number), raw_transactions(self.chain, number))
        return self._rendered[number]

    def l1(self, method: str, params: list[Any]) -> Any:
        if method == "eth_config":
            return self.eth_config()
        if method == "eth_sendRawTransaction":
            if not params or not isinstance(params[0], str):
                raise RpcFailure(INVALID_PARAMS, "eth_sendRawTransaction: expected the signed transaction as hex")
            try:
                return self.send_raw(parse_hex(params[0], "transaction"))
            except HexError as exc:
                raise RpcFailure(INVALID_PARAMS, f"eth_sendRawTransaction: {exc}") from None
        with self.lock:
            if method in ("eth_getBlockByHash", "eth_getBlockByNumber") and params and params[0] != "pending":
                number = self._number_of(params[0])
                if number is None:
                    return None
                block = self._block(number)
                full = bool(params[1]) if len(params) > 1 else False
                return block if full else {**block, "transactions": [t["hash"] for t in block["transactions"]]}
            if method == "eth_getBlockReceipts" and params:
                number = self._number_of(params[0])
                if number is None:
                    return None
                if number not in self._receipts:
                    self._receipts[number] = receipts_json(raw_receipts(self.chain, number))
                return self._receipts[number]
            response = self.w3.manager._make_request(method, params)  # type: ignore[arg-type]
        if "error" in response:
            err = response["error"]
            code = err.get("code", -32000) if isinstance(err, dict) else -32000
            raise RpcFailure(code, err.get("message", str(err)) if isinstance(err, dict) else str(err))
        return _jsonable(response.get("result"))

    def eth_config(self) -> dict[str, Any]:
        """EIP-7910 ``eth_config``: Prague's blob fee schedule from the chain's genesis."""
        fork = {
            "activationTime": 0,
            "blobSchedule": {"baseFeeUpdateFraction": PRAGUE_BLOB_UPDATE_FRACTION},
            "chainId": hex(self.w3.eth.chain_id),
        }
        return {"current": fork, "next": None, "last": None}

    # ---- beacon API ----

    def beacon(self, path: str) -> tuple[int, Any]:
        return beacon_response(path, self.genesis_time, self._sidecars_at)

    def _sidecars_at(self, slot: int) -> list[Any] | None:
        """The blob sidecars of ``slot``'s block; ``None`` for a slot after the head."""
        with self.lock:
            head_slot = self.slot_of(int(self.w3.eth.get_block("latest")["timestamp"]))
        if slot > head_slot:
            return None
        return list(self._sidecars.get(slot, []))

    def l2(self, method: str, params: list[Any]) -> Any:
        raise RpcFailure(-32601, "this is the L1 node")


def _jsonable(value: Any) -> Any:
    """eth-tester's Python values (bytes, AttributeDicts) as JSON-RPC values."""
    return json.loads(Web3.to_json(value))

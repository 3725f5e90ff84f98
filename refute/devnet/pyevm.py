"""Consensus encodings of the local py-evm L1's blocks: headers, transactions, receipts.

Why raw encodings: the fault program binds L1 data by hashing headers and
rebuilding transaction and receipt roots, so the devnet must hand out the exact
bytes py-evm hashed, not a JSON rendering of them. These are what a node's
``debug_getRawHeader`` / ``debug_getRawTransaction`` / ``debug_getRawReceipts``
return.
"""

from __future__ import annotations

from typing import Any

import rlp

from refute.l1.chain import LocalChain
from refute.prover.errors import InvalidInputError

__all__ = ["raw_header", "raw_receipts", "raw_transactions"]


def _evm_chain(chain: LocalChain) -> Any:
    tester = chain.provider.ethereum_tester
    if tester is None:
        raise InvalidInputError("the local L1 provider has no eth-tester backend", field="chain")
    return tester.backend.chain


def _block(chain: LocalChain, number: int) -> Any:
    evm_chain = _evm_chain(chain)
    head = evm_chain.get_canonical_head().block_number
    if not 0 <= number <= head:
        raise InvalidInputError(f"L1 block {number} does not exist (head is {head})", field="number")
    return evm_chain.get_canonical_block_by_number(number)


def _encode(item: Any) -> bytes:
    """EIP-2718 bytes of a typed transaction or receipt, RLP of a legacy one."""
    return bytes(item.encode()) if hasattr(item, "encode") else rlp.encode(item)


def raw_header(chain: LocalChain, number: int) -> bytes:
    """The RLP header of L1 block ``number`` (its keccak is the block hash)."""
    return rlp.encode(_block(chain, number).header)


def raw_transactions(chain: LocalChain, number: int) -> list[bytes]:
    """The block's transactions as EIP-2718 bytes (the leaves of its transactions root)."""
    return [_encode(tx) for tx in _block(chain, number).transactions]


def raw_receipts(chain: LocalChain, number: int) -> list[bytes]:
    """The block's receipts as EIP-2718 bytes (the leaves of its receipts root)."""
    block = _block(chain, number)
    evm_chain = _evm_chain(chain)
    return [_encode(receipt) for receipt in block.get_receipts(evm_chain.chaindb)]

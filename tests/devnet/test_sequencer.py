"""The devnet's L2 node on a real local L1: blocks built on py-evm origins, batches posted as blobs.

The sequencer's agreement with the fault program (same roots from the same
batches) is proven in Rust (``refute-fault/tests/sequencer.rs``); here the
Python chain keeper, the C ABI and the py-evm L1 encodings are checked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from refute.devnet.pyevm import raw_header, raw_receipts, raw_transactions
from refute.devnet.sequencer import ChainParams, L2Chain, batch_blobs
from refute.l1.chain import LocalChain, advance_time, local_chain
from refute.prover.errors import InvalidInputError

USER = Account.from_key(b"\x11" * 32)
MESSAGE_PASSER = "0x4200000000000000000000000000000000000016"


def _transfer(nonce: int, to: int) -> bytes:
    tx = {
        "type": 2,
        "chainId": 901,
        "nonce": nonce,
        "to": Web3.to_checksum_address(f"0x{to:040x}"),
        "value": 10**15,
        "gas": 21_000,
        "maxFeePerGas": 10 * 10**9,
        "maxPriorityFeePerGas": 10**9,
        "data": b"",
    }
    return bytes(USER.sign_transaction(tx).raw_transaction)


@pytest.fixture(scope="module")
def l1() -> LocalChain:
    return local_chain()


@pytest.fixture(scope="module")
def devnet(l1: LocalChain) -> tuple[L2Chain, Any]:
    """Genesis on the L1 head; blocks 1 (origin = genesis L1 block), 2 (next origin), 3 (same origin)."""
    batcher = Account.from_key(b"\x22" * 32)
    l1.w3.eth.send_transaction({"to": batcher.address, "value": 10**19})
    origin0 = l1.w3.eth.block_number
    header0 = raw_header(l1, origin0)
    time0 = l1.w3.eth.get_block(origin0)["timestamp"]
    params = ChainParams(
        l1_chain_id=l1.w3.eth.chain_id, l1_genesis_header=header0, genesis_time=time0, batcher=batcher.address
    )
    alloc = {USER.address: {"balance": hex(10**20)}, MESSAGE_PASSER: {"storage": {"0x1": "0x7"}}}
    chain = L2Chain(params, alloc)
    chain.append(chain.next_block(header0, [_transfer(0, 0xB0), _transfer(1, 0xB1)]))
    advance_time(l1.w3, 3)
    origin1 = origin0 + 1
    assert l1.w3.eth.get_block(origin1)["timestamp"] <= time0 + 4, "block 2 may take the next L1 block as origin"
    chain.append(chain.next_block(raw_header(l1, origin1), [_transfer(2, 0xB2)], raw_receipts(l1, origin1)))
    chain.append(chain.next_block(raw_header(l1, origin1), [_transfer(3, 0xB3)]))
    return chain, batcher


def test_py_evm_encodings_hash_to_the_block_and_its_roots(l1: LocalChain, devnet: tuple[L2Chain, Any]) -> None:
    number = l1.w3.eth.block_number
    block = l1.w3.eth.get_block(number, full_transactions=True)
    assert keccak(raw_header(l1, number)) == bytes(block["hash"])
    assert [keccak(t) for t in raw_transactions(l1, number)] == [bytes(t["hash"]) for t in block["transactions"]]
    assert len(raw_receipts(l1, number)) == len(block["transactions"])
    with pytest.raises(InvalidInputError, match="does not exist"):
        raw_header(l1, number + 10)


def test_blocks_follow_their_l1_origins(devnet: tuple[L2Chain, Any]) -> None:
    chain, _ = devnet
    b1, b2, b3 = (chain.block(n) for n in (1, 2, 3))
    assert (b2.l1_origin, b2.sequence_number) == (b1.l1_origin + 1, 0)
    assert (b3.l1_origin, b3.sequence_number) == (b2.l1_origin, 1)
    assert [b.timestamp for b in (b1, b2, b3)] == [chain.params.genesis_time + 2 * n for n in (1, 2, 3)]
    # L1-info deposit first, then the batched transfers (no deposits on the devnet L1 yet).
    assert [len(b.transactions) for b in (b1, b2, b3)] == [3, 2, 2]
    assert b2.batch["parent_hash"] == b1.block_hash
    assert len({chain.output_root(n) for n in range(4)}) == 4
    assert b3.witness["headers"] and b3.witness["state"]


@pytest.mark.parametrize("encoding", ["span", "singular"])
def test_a_batch_blob_lands_on_l1_with_its_versioned_hash(
    l1: LocalChain, devnet: tuple[L2Chain, Any], encoding: str
) -> None:
    """Blocks 1-3 as one span batch (what op-batcher posts since Delta) or three singular batches."""
    chain, batcher = devnet
    batches = [chain.block(n).batch for n in (1, 2, 3)]
    if encoding == "span":
        (posted,) = batch_blobs(batches, b"\x5a" * 16, config=chain.genesis.config, first_opens_epoch=True)
    else:
        (posted,) = batch_blobs(batches, b"\x5a" * 16, encoding="singular")
    tx = {
        "type": 3,
        "chainId": l1.w3.eth.chain_id,
        "nonce": l1.w3.eth.get_transaction_count(batcher.address),
        "to": Web3.to_checksum_address(chain.params.batch_inbox),
        "value": 0,
        "data": b"",
        "gas": 21_000,
        "maxFeePerGas": 10**11,
        "maxPriorityFeePerGas": 10**9,
        "maxFeePerBlobGas": 10**10,
    }
    signed = batcher.sign_transaction(tx, blobs=[posted.blob])
    receipt = l1.w3.eth.wait_for_transaction_receipt(l1.w3.eth.send_raw_transaction(signed.raw_transaction))
    assert receipt["status"] == 1
    on_chain = l1.w3.eth.get_transaction(receipt["transactionHash"])
    assert [Web3.to_hex(h) for h in on_chain["blobVersionedHashes"]] == [posted.versioned_hash]


def test_bad_requests_are_typed_errors(devnet: tuple[L2Chain, Any]) -> None:
    chain, _ = devnet
    with pytest.raises(InvalidInputError, match="does not exist"):
        chain.block(9)
    with pytest.raises(InvalidInputError, match="neither the parent's origin"):
        # An origin that is not the parent's nor its child (the genesis L1 block again, two epochs back).
        chain.next_block(chain.params.l1_genesis_header, [])
    with pytest.raises(InvalidInputError, match="channel_id"):
        batch_blobs([], b"short")
    with pytest.raises(InvalidInputError, match="no batches"):
        batch_blobs([], b"\x00" * 16, encoding="singular")
    with pytest.raises(InvalidInputError, match="no batches"):
        batch_blobs([], b"\x00" * 16, config=chain.genesis.config)
    with pytest.raises(InvalidInputError, match="config"):
        batch_blobs([chain.block(1).batch], b"\x00" * 16)
    with pytest.raises(InvalidInputError, match="encoding"):
        batch_blobs([chain.block(1).batch], b"\x00" * 16, encoding="brotli")
    with pytest.raises(InvalidInputError, match="does not follow"):
        # A span batch covers consecutive blocks only (block 2 is missing).
        batch_blobs([chain.block(n).batch for n in (1, 3)], b"\x00" * 16, config=chain.genesis.config)


def test_rendered_l1_answers_parse_back_to_the_block_py_evm_hashed(l1: LocalChain) -> None:
    """py-evm's bytes → node JSON (devnet) → the bundle builder's parser: the same block hash and roots."""
    from refute.devnet.render import l1_block_json, receipts_json
    from refute.prover.native import call_json as native_json

    for number in range(1, l1.w3.eth.block_number + 1):
        header, txs, receipts = raw_header(l1, number), raw_transactions(l1, number), raw_receipts(l1, number)
        block = l1_block_json(header, txs)
        assert block["hash"] == Web3.to_hex(keccak(header))
        parsed = native_json(
            "fault_bundle",
            json.dumps({"step": "l1_block", "block": block, "receipts": receipts_json(receipts)}).encode(),
        )
        assert (parsed["number"], parsed["hash"], parsed["transactions"], parsed["receipts"]) == (
            number,
            Web3.to_hex(keccak(header)),
            len(txs),
            len(receipts),
        )


def test_rendered_l2_answers_carry_the_sequencer_block(devnet: tuple[L2Chain, Any]) -> None:
    from refute.devnet.render import l2_block_json, output_json, rollup_config_json

    chain, _ = devnet
    block = chain.block(3)
    rendered = l2_block_json(block.header, block.transactions)
    assert rendered["hash"] == block.block_hash and len(rendered["transactions"]) == len(block.transactions)
    output = output_json(block, "0x" + "ab" * 32)
    assert output["outputRoot"] == block.output_root
    assert output["blockRef"]["sequenceNumber"] == block.sequence_number
    config = rollup_config_json(chain.genesis.config)
    assert config["l2_chain_id"] == chain.params.l2_chain_id and config["block_time"] == 2

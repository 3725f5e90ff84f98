"""The Python API of stateless execution, on real blocks of the blockchain tests."""

from __future__ import annotations

import pytest
import rlp
from fixture_rules import fixtures_path, require

from execution.conftest import Case
from execution.helpers import keccak256


def test_simple_block_matches_its_header(simple_case: Case) -> None:
    from refute.prover.execute import execute_block

    r = execute_block(simple_case.block, simple_case.witness, simple_case.chain, strict_witness=True)
    exp = simple_case.expected
    assert r.state_root == exp["stateRoot"]
    assert r.receipts_root == exp["receiptTrie"]
    assert r.transactions_root == exp["transactionsTrie"]
    assert r.block_hash == exp["hash"]
    assert r.gas_used == int(exp["gasUsed"], 16)
    assert r.fork == "Cancun"
    assert [t.status for t in r.transactions] == ["success"] * len(r.transactions)
    assert r.raw["witness"]["unused_nodes"] == 0


def test_output_root_is_op_stack_v0(simple_case: Case) -> None:
    from refute.prover.execute import execute_block

    r = execute_block(simple_case.block, simple_case.witness, simple_case.chain)
    mp = r.raw["message_passer_storage_root"]
    assert mp is not None
    preimage = bytes(32) + bytes.fromhex(r.state_root[2:]) + bytes.fromhex(mp[2:]) + bytes.fromhex(r.block_hash[2:])
    assert r.output_root == "0x" + keccak256(preimage).hex()


def test_prague_block(prague_case: Case) -> None:
    from refute.prover.execute import execute_block

    r = execute_block(prague_case.block, prague_case.witness, prague_case.chain, strict_witness=True)
    assert r.fork == "Prague"
    assert r.state_root == prague_case.expected["stateRoot"]
    assert r.block_hash == prague_case.expected["hash"]
    assert r.raw["requests_hash"] == prague_case.expected["requestsHash"]


def test_witness_shapes_are_tolerated(simple_case: Case) -> None:
    """Lists or hash→bytes maps (older reth), RLP headers or JSON header objects (geth), RPC envelope."""
    from refute.prover.execute import execute_block

    w = simple_case.witness
    as_map = {k: {"0x" + keccak256(bytes.fromhex(v[2:])).hex(): v for v in w[k]} for k in ("state", "codes", "keys")}
    as_map["headers"] = w["headers"]
    envelope = {"jsonrpc": "2.0", "id": 1, "result": w}
    expected = simple_case.expected["stateRoot"]
    for shape in (as_map, envelope):
        assert execute_block(simple_case.block, shape, simple_case.chain).state_root == expected
    # Geth's RLP form of the same witness.
    headers = [rlp.decode(bytes.fromhex(h[2:])) for h in w["headers"]]
    as_rlp = rlp.encode(
        [headers, [bytes.fromhex(c[2:]) for c in w["codes"]], [bytes.fromhex(n[2:]) for n in w["state"]], []]
    )
    assert execute_block(simple_case.block, as_rlp, simple_case.chain).state_root == expected


def test_wrong_claimed_state_root_gives_true_values_without_check(simple_case: Case) -> None:
    """The fraud-proof use: a block whose header claims a wrong state root."""
    from refute.prover.execute import InvalidBlockError, execute_block

    block = rlp.decode(simple_case.block)
    header = list(block[0])
    header[3] = b"\x11" * 32  # state root
    forged = rlp.encode([header, *block[1:]])
    with pytest.raises(InvalidBlockError, match="state_root"):
        execute_block(forged, simple_case.witness, simple_case.chain)
    r = execute_block(forged, simple_case.witness, simple_case.chain, check_header=False)
    assert r.state_root == simple_case.expected["stateRoot"]
    assert r.block_hash == simple_case.expected["hash"]  # the true header's hash
    assert [m["field"] for m in r.raw["mismatches"]] == ["state_root"]


def test_block_info_and_json_round_trip(simple_case: Case) -> None:
    from refute.prover.execute import block_info

    info = block_info(simple_case.block)
    assert info["hash"] == simple_case.expected["hash"]
    assert info["number"] == int(simple_case.expected["number"], 16)


def test_block_from_rpc_json_is_hash_checked(native_core: None) -> None:
    """A real Holesky block in eth_getBlockByNumber form (17 txs incl. blob txs) rebuilds to its hash."""
    import json

    from refute.prover.execute import InvalidBlockError, block_from_json, block_info

    path = require(fixtures_path("execution-witness/sbv-holesky/0x2d411e/block.json"))
    data = json.loads(path.read_text())
    info = block_info(block_from_json(data))
    assert info["hash"] == data["hash"] and info["transactions"] == len(data["transactions"])
    data["gasUsed"] = hex(int(data["gasUsed"], 16) + 1)
    with pytest.raises(InvalidBlockError, match="a field was lost"):
        block_from_json(data)

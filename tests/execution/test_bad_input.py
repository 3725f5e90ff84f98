"""Bad input: each gives a precise error of the project's types, never a crash or a wrong root."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import rlp
from fixture_rules import missing_fixture, require

from execution.conftest import Case, load_case
from execution.helpers import find_invalid_block, keccak256

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _root_node_index(case: Case) -> int:
    parent = rlp.decode(bytes.fromhex(case.witness["headers"][-1][2:]))
    root = bytes(parent[3])
    return next(i for i, n in enumerate(case.witness["state"]) if keccak256(bytes.fromhex(n[2:])) == root)


def test_altered_node(simple_case: Case) -> None:
    from refute.prover.execute import InvalidWitnessError, execute_block

    for index in range(len(simple_case.witness["state"])):
        w = copy.deepcopy(simple_case.witness)
        node = bytearray(bytes.fromhex(w["state"][index][2:]))
        node[-1] ^= 0x01
        w["state"][index] = "0x" + node.hex()
        with pytest.raises(InvalidWitnessError, match=r"is not in the witness|malformed"):
            execute_block(simple_case.block, w, simple_case.chain)


def test_missing_node_names_the_node_and_the_account(simple_case: Case) -> None:
    from refute.prover.execute import InvalidWitnessError, execute_block

    w = copy.deepcopy(simple_case.witness)
    idx = _root_node_index(simple_case)
    root = keccak256(bytes.fromhex(w["state"].pop(idx)[2:]))
    with pytest.raises(InvalidWitnessError) as err:
        execute_block(simple_case.block, w, simple_case.chain)
    assert f"0x{root.hex()}" in str(err.value) and "account 0x" in str(err.value)


def test_missing_code(blockchain_tests_dir: Path, native_core: None) -> None:
    from refute.prover.execute import InvalidWitnessError, execute_block

    path = require(blockchain_tests_dir / "ethereum-tests/ValidBlocks/bcStateTests/simpleSuicide.json")
    case = load_case(path)
    assert case.witness["codes"], f"the block of {path} calls a contract, so its witness holds code"
    w = dict(case.witness, codes=[])
    with pytest.raises(InvalidWitnessError, match=r"code 0x[0-9a-f]{64} is not in the witness"):
        execute_block(case.block, w, case.chain)


def test_extra_irrelevant_node_strict(simple_case: Case) -> None:
    from refute.prover.execute import InvalidWitnessError, execute_block

    extra = rlp.encode([b"\x20" + b"\x01" * 31, b"x" * 40])  # a well-formed leaf no path leads to
    w = dict(simple_case.witness, state=simple_case.witness["state"] + ["0x" + extra.hex()])
    # Lenient (the default): executes, and reports the unused node.
    r = execute_block(simple_case.block, w, simple_case.chain)
    assert r.state_root == simple_case.expected["stateRoot"] and r.raw["witness"]["unused_nodes"] == 1
    with pytest.raises(InvalidWitnessError, match=f"not used by the block: 0x{keccak256(extra).hex()}"):
        execute_block(simple_case.block, w, simple_case.chain, strict_witness=True)


def test_headers_must_chain_to_the_block(simple_case: Case) -> None:
    from refute.prover.execute import InvalidWitnessError, execute_block

    parent = list(rlp.decode(bytes.fromhex(simple_case.witness["headers"][-1][2:])))
    parent[12] = b"forged"  # extra data: another hash
    w = dict(simple_case.witness, headers=["0x" + rlp.encode(parent).hex()])
    with pytest.raises(InvalidWitnessError, match="parent hash"):
        execute_block(simple_case.block, w, simple_case.chain)
    with pytest.raises(InvalidWitnessError, match="parent header is required"):
        execute_block(simple_case.block, dict(simple_case.witness, headers=[]), simple_case.chain)


def test_bad_signature(simple_case: Case) -> None:
    from refute.prover.execute import InvalidBlockError, execute_block

    block = rlp.decode(simple_case.block)
    tx = list(block[1][0])
    assert isinstance(tx[0], bytes) and len(tx) == 9, "SimpleTx has one legacy transaction"
    s = int.from_bytes(tx[8], "big")
    tx[8] = (SECP256K1_N - s).to_bytes(32, "big")  # the malleated (high-s) twin: invalid since EIP-2
    forged = rlp.encode([block[0], [tx], *block[2:]])
    with pytest.raises(InvalidBlockError, match=r"invalid transaction 0: bad signature"):
        execute_block(forged, simple_case.witness, simple_case.chain)


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        ("TransactionException.NONCE_MISMATCH_TOO_LOW", r"invalid transaction \d+: .*nonce"),
        ("TransactionException.GAS_ALLOWANCE_EXCEEDED", r"invalid transaction \d+: gas limit \d+ exceeds"),
        ("TransactionException.INTRINSIC_GAS_TOO_LOW", r"invalid transaction \d+: .*gas"),
        ("BlockException.INVALID_GASLIMIT", r"invalid block header: gas limit"),
        ("BlockException.INVALID_STATE_ROOT", r"state_root is 0x[0-9a-f]{64} but execution gives"),
    ],
)
def test_invalid_block_fixtures_fail_precisely(
    blockchain_tests_dir: Path, native_core: None, exception: str, message: str
) -> None:
    from refute.prover.execute import InvalidBlockError, execute_block
    from refute.prover.witness import witness_from_state

    found = find_invalid_block(blockchain_tests_dir, exception)
    if found is None:
        missing_fixture(f"no fixture expects {exception}")
    path, name, index = found
    import json

    test = json.loads(path.read_text())[name]
    # Witness from the pre-state of that block (earlier blocks are valid and applied first).
    case = load_case(path, index, name) if index else None
    if case is None:
        from execution.conftest import first_rlp_item

        chain = {"network": test["network"]}
        block = bytes.fromhex(test["blocks"][0]["rlp"][2:])
        pw = witness_from_state(test["pre"], block, [first_rlp_item(bytes.fromhex(test["genesisRLP"][2:]))], chain)
        witness, block_rlp = pw.witness, block
        assert pw.error is not None
    else:
        chain, witness, block_rlp = case.chain, case.witness, case.block
    with pytest.raises(InvalidBlockError, match=message):
        execute_block(block_rlp, witness, chain)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b[:-1],  # truncated
        lambda b: b + b"\x00",  # trailing byte
        lambda b: b"\xc0",  # empty list
        lambda b: b"",  # nothing
        lambda b: b"\xf9\xff\xff" + b[3:],  # length prefix larger than the data
    ],
)
def test_malformed_block_rlp(simple_case: Case, mutate) -> None:
    from refute.prover.execute import InvalidBlockError, execute_block

    with pytest.raises(InvalidBlockError, match="malformed block RLP"):
        execute_block(mutate(simple_case.block), simple_case.witness, simple_case.chain)


def test_malformed_witness_and_config(simple_case: Case) -> None:
    from refute.prover.execute import InvalidChainConfigError, InvalidWitnessError, execute_block

    with pytest.raises(InvalidWitnessError, match="JSON"):
        execute_block(simple_case.block, b"{not json", simple_case.chain)
    with pytest.raises(InvalidWitnessError, match=r"state\[0\]: bad hex"):
        execute_block(simple_case.block, dict(simple_case.witness, state=["0xzz"]), simple_case.chain)
    with pytest.raises(InvalidWitnessError, match="unknown field"):
        execute_block(simple_case.block, dict(simple_case.witness, extra=[]), simple_case.chain)
    with pytest.raises(InvalidWitnessError, match="RLP"):
        execute_block(simple_case.block, b"\x01\x02", simple_case.chain)
    with pytest.raises(InvalidChainConfigError, match="not supported"):
        execute_block(simple_case.block, simple_case.witness, {"fork": "Frontier"})

"""OP Stack execution on real OP Sepolia blocks (kona executor fixtures).

Each fixture is a real block: payload attributes (deposits first, the L1-info
deposit at index 0), the parent header and kona's preimage store. Rebuilding
the block statelessly must give the block hash OP Sepolia has; tampering with
any input must not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rlp
from fixture_rules import fixture_cases, fixtures_path, missing_fixture, require

KONA_DIR = "execution-witness/kona-op-sepolia"


def _fixture_blocks() -> list[tuple[str, int]]:
    """Every kona fixture on disk, as (id, block number)."""
    root = fixtures_path(KONA_DIR)
    paths = sorted(root.glob("block-*.tar.gz")) if root.is_dir() else []
    return [(p.name.removesuffix(".tar.gz"), int(p.name.removeprefix("block-").removesuffix(".tar.gz"))) for p in paths]


BLOCKS = fixture_cases(_fixture_blocks(), fixtures_path(KONA_DIR))


@pytest.fixture(scope="session")
def kona_dir(native_core: None) -> Path:
    path = fixtures_path(KONA_DIR)
    if not path.is_dir():
        missing_fixture(f"kona fixtures not found at {path}")
    return path


class _Loaded(dict):
    """Fixtures by block number, each loaded on first use (RocksDB reads take a moment)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, number: int):
        from refute.prover.witness.kona import load_kona_fixture

        self[number] = load_kona_fixture(require(self.root / f"block-{number}.tar.gz"))
        return self[number]


@pytest.fixture(scope="session")
def loaded(kona_dir: Path) -> _Loaded:
    return _Loaded(kona_dir)


@pytest.mark.conformance
@pytest.mark.parametrize("number", BLOCKS)
def test_fixture_block_hash_matches(loaded, number: int) -> None:
    from refute.prover.execute import execute_payload

    fixture = loaded[number]
    result = execute_payload(fixture.payload, fixture.witness, fixture.chain)
    assert fixture.number == number
    assert result.number == number
    assert result.fork == "Holocene"
    assert result.block_hash == fixture.expected_block_hash
    assert result.transactions[0].type == 0x7E  # the L1-info deposit


@pytest.mark.conformance
def test_cli_kona_fixture_json(kona_dir: Path) -> None:
    path = require(kona_dir / "block-26207960.tar.gz")
    proc = subprocess.run(
        [sys.executable, "-m", "refute.cli", "execute", "--kona-fixture", str(path), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["match"] is True
    assert report["block_hash"] == report["expected_block_hash"]
    for key in ("state_root", "output_root", "output_root_unavailable", "fork", "transactions"):
        assert key in report


def _payload_fields(payload: bytes) -> list:
    return rlp.decode(payload)


def _with(payload: bytes, index: int, value) -> bytes:
    fields = _payload_fields(payload)
    fields[index] = value
    return rlp.encode(fields)


TXS = 5  # index of the transactions in the RLP payload


def _run(fixture, payload=None, witness=None, chain=None):
    from refute.prover.execute import execute_payload

    return execute_payload(payload or fixture.payload, witness or fixture.witness, chain or fixture.chain)


def test_tampered_user_transaction_is_rejected(loaded) -> None:
    """A changed byte in a signed transaction recovers another sender: the
    transaction becomes invalid (no funds, wrong nonce) or builds another block."""
    from refute.prover.execute import InvalidBlockError

    fixture = loaded[26207960]
    txs = list(_payload_fields(fixture.payload)[TXS])
    last = bytearray(txs[-1])
    last[-40] ^= 0x01  # inside the signature's r
    txs[-1] = bytes(last)
    try:
        result = _run(fixture, payload=_with(fixture.payload, TXS, txs))
    except InvalidBlockError as exc:
        assert f"transaction {len(txs) - 1}" in str(exc)
    else:
        assert result.block_hash != fixture.expected_block_hash


def test_dropped_transaction_changes_the_block(loaded) -> None:
    fixture = loaded[26207962]
    txs = list(_payload_fields(fixture.payload)[TXS])
    result = _run(fixture, payload=_with(fixture.payload, TXS, txs[:-1]))
    assert result.block_hash != fixture.expected_block_hash


def _deposit_fields(raw: bytes) -> list:
    assert raw[0] == 0x7E
    return rlp.decode(raw[1:])


def _deposit(fields: list) -> bytes:
    return b"\x7e" + rlp.encode(fields)


def _tamper_l1_info_deposit(fixture, field: int, change) -> object:
    """Runs the fixture with field ``field`` of its L1-info deposit replaced by ``change(old)``.

    Deposit fields: [sourceHash, from, to, mint, value, gas, isSystemTx, data].
    """
    txs = list(_payload_fields(fixture.payload)[TXS])
    fields = _deposit_fields(txs[0])
    fields[field] = change(fields[field])
    txs[0] = _deposit(fields)
    return _run(fixture, payload=_with(fixture.payload, TXS, txs))


def test_tampered_deposit_mint_changes_the_state(loaded) -> None:
    fixture = loaded[26207960]
    honest = _run(fixture)
    result = _tamper_l1_info_deposit(fixture, 3, lambda _old: b"\x01")  # mint 1 wei to the depositor
    assert result.block_hash != fixture.expected_block_hash
    assert result.state_root != honest.state_root


def test_tampered_l1_info_data_changes_the_state(loaded) -> None:
    """A different L1 base fee in the L1-info calldata changes every user transaction's L1 fee."""
    fixture = loaded[26207962]
    honest = _run(fixture)

    def flip_l1_base_fee(data: bytes) -> bytes:
        out = bytearray(data)
        out[4 + 32 + 31] ^= 0x01  # Ecotone calldata: selector, scalars/number/time (32 bytes), then the L1 base fee
        return bytes(out)

    result = _tamper_l1_info_deposit(fixture, 7, flip_l1_base_fee)
    assert result.block_hash != fixture.expected_block_hash
    assert result.state_root != honest.state_root


def test_deposit_after_user_transaction_is_invalid(loaded) -> None:
    from refute.prover.execute import InvalidBlockError

    fixture = loaded[26207960]
    txs = list(_payload_fields(fixture.payload)[TXS])
    txs = [txs[0], txs[2], txs[1], *txs[3:]] if txs[1][0] == 0x7E else [txs[1], txs[0], *txs[2:]]
    with pytest.raises(InvalidBlockError, match="transaction"):
        _run(fixture, payload=_with(fixture.payload, TXS, txs))


def _keccak(data: bytes) -> str:
    from Crypto.Hash import keccak

    return "0x" + keccak.new(digest_bits=256, data=data).hexdigest()


def test_tampered_witness_node_is_named(loaded) -> None:
    from refute.prover.execute import InvalidWitnessError

    fixture = loaded[26207960]
    parent = fixture.witness["headers"][-1]
    parent_state_root = rlp.decode(bytes.fromhex(parent.removeprefix("0x")))[3]
    root = "0x" + parent_state_root.hex()
    witness = dict(fixture.witness)
    state = []
    for node in witness["state"]:
        raw = bytes.fromhex(node.removeprefix("0x"))
        if _keccak(raw) == root:
            raw = raw[:-1] + bytes([raw[-1] ^ 0x01])
        state.append("0x" + raw.hex())
    witness["state"] = state
    with pytest.raises(InvalidWitnessError, match=rf"trie node {root} at path 0x is not in the witness"):
        _run(fixture, witness=witness)


def test_tampered_parent_header_is_rejected(loaded) -> None:
    from refute.prover.execute import InvalidWitnessError

    fixture = loaded[26207960]
    fields = _payload_fields(fixture.payload)
    fields[0] = b"\x11" * 32  # parent hash no header in the witness hashes to
    with pytest.raises(InvalidWitnessError, match="parent hash"):
        _run(fixture, payload=rlp.encode(fields))


def test_misconfigured_chain_gives_another_block(loaded) -> None:
    """The founding incident's shape: a node with the wrong fork schedule builds another block."""
    fixture = loaded[26207961]
    wrong = dict(fixture.chain)
    wrong["holocene_time"] = None  # Holocene never activated
    wrong["isthmus_time"] = None
    wrong["jovian_time"] = None
    wrong["karst_time"] = None
    from refute.prover.execute import InvalidBlockError

    try:
        result = _run(fixture, chain=wrong)
    except InvalidBlockError as exc:
        assert "eip1559Params" in str(exc)  # Holocene attributes under pre-Holocene rules
    else:
        assert result.block_hash != fixture.expected_block_hash


def test_shipped_op_sepolia_spec_equals_the_fixture_rollup_config(loaded) -> None:
    fixture = loaded[26208384]
    named = _run(fixture, chain="op-sepolia")
    assert named.block_hash == fixture.expected_block_hash


def test_unknown_chain_name_is_a_config_error(loaded) -> None:
    from refute.prover.execute import InvalidChainConfigError

    fixture = loaded[26207960]
    with pytest.raises(InvalidChainConfigError, match="unknown chain"):
        _run(fixture, chain="op-nowhere")


def _rlp_list(encoded_items: list[bytes]) -> bytes:
    from rlp.codec import length_prefix

    body = b"".join(encoded_items)
    return length_prefix(len(body), 0xC0) + body


def _op_block(header: list, txs: list[bytes]) -> bytes:
    """An OP block as RLP: header, transactions (legacy ones as lists, typed ones as byte
    strings), no ommers, empty withdrawals (Canyon)."""
    body = [tx if tx[0] >= 0xC0 else rlp.encode(tx) for tx in txs]
    return _rlp_list([rlp.encode(header), _rlp_list(body), rlp.encode([]), rlp.encode([])])


def test_claimed_op_block_is_rebuilt_and_checked(loaded) -> None:
    """The block path: a claimed OP block is rebuilt from its own attributes and compared."""
    from refute.prover.execute import InvalidBlockError, block_info, execute_block

    fixture = loaded[26207963]
    built = _run(fixture)
    txs = list(_payload_fields(fixture.payload)[TXS])
    header = rlp.decode(bytes.fromhex(built.raw["header_rlp"].removeprefix("0x")))
    block = _op_block(header, txs)
    assert block_info(block)["hash"] == fixture.expected_block_hash
    result = execute_block(block, fixture.witness, fixture.chain)
    assert result.block_hash == fixture.expected_block_hash
    assert result.raw["mismatches"] == []

    header[3] = b"\x22" * 32  # a wrong state root, as a faulty proposer would claim
    forged = _op_block(header, txs)
    with pytest.raises(InvalidBlockError, match="state_root"):
        execute_block(forged, fixture.witness, fixture.chain)
    report = execute_block(forged, fixture.witness, fixture.chain, check_header=False)
    assert report.block_hash == fixture.expected_block_hash
    assert {m["field"] for m in report.raw["mismatches"]} == {"state_root", "block_hash"}


@pytest.fixture(scope="module")
def block_guest(native_core: None):
    from refute.prover.errors import EnvironmentUnavailable
    from refute.prover.guests_registry import load_guest

    try:
        return load_guest("block")
    except EnvironmentUnavailable as exc:
        missing_fixture(str(exc))


@pytest.mark.slow
@pytest.mark.conformance
@pytest.mark.parametrize("number", BLOCKS)
def test_guest_builds_the_same_block(loaded, block_guest, number: int) -> None:
    """The zkVM guest (executor, no proving) builds each fixture block to the same hash."""
    from refute.prover import zkvm
    from refute.prover.execute import decode_journal, guest_input

    fixture = loaded[number]
    run = zkvm.execute(
        block_guest.program,
        guest_input(fixture.payload, fixture.witness, fixture.chain, payload=True, check_header=False),
    )
    journal = decode_journal(run.journal)
    assert journal["block_hash"] == fixture.expected_block_hash
    assert run.total_cycles > 0

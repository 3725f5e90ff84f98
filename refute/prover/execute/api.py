"""Stateless block execution through the native core (crate ``refute-stf``).

Why a thin layer: every rule lives in the Rust crate that the zkVM guest also
runs; this module only moves bytes in and typed results out, so a watcher's
native check and the prover's guest can never disagree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refute.prover import native
from refute.prover.execute.errors import InvalidBlockError, InvalidChainConfigError

CHECK_HEADER = 1
STRICT_WITNESS = 2
PAYLOAD = 4
MINIMAL_WITNESS = 8

# Ethereum fork and blockchain-test network names; any other string names a shipped chain.
ETHEREUM_FORK_NAMES = frozenset(
    {
        "Frontier",
        "Homestead",
        "Byzantium",
        "Constantinople",
        "Petersburg",
        "Istanbul",
        "Berlin",
        "London",
        "Paris",
        "Merge",
        "Shanghai",
        "Cancun",
        "Prague",
        "ShanghaiToCancunAtTime15k",
        "CancunToPragueAtTime15k",
    }
)

WitnessLike = bytes | str | Mapping[str, Any]
ChainLike = Mapping[str, Any] | str | None


_call_json = native.call_json
_call = native.call


def witness_bytes(witness: WitnessLike) -> bytes:
    """A witness as the core takes it: JSON text or geth's RLP bytes."""
    if isinstance(witness, Mapping):
        return json.dumps(witness).encode()
    if isinstance(witness, str):
        return witness.encode()
    return bytes(witness)


def chain_bytes(chain: ChainLike) -> bytes:
    """Chain JSON for the core. ``None``: chain 1 with Prague rules. A string is an
    Ethereum fork name (``"Cancun"``) or a shipped chain's name or ID
    (``"op-sepolia"``, ``"10"``). A mapping is an Ethereum chain config, refute's OP
    spec (``{"type": "op", ...}``) or an op-node rollup config."""
    if chain is None:
        return b""
    if isinstance(chain, str):
        key = "fork" if chain in ETHEREUM_FORK_NAMES else "chain"
        return json.dumps({key: chain}).encode()
    return json.dumps(dict(chain)).encode()


def chain_from_option(value: str | None) -> ChainLike:
    """``--chain NAME|FILE``: a JSON file (chain config or rollup config) if one exists at
    ``value``, else a fork or chain name, checked by the core when used."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        try:
            loaded = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidChainConfigError(f"{path}: not JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise InvalidChainConfigError(f"{path}: expected a JSON object")
        return loaded
    return value


def block_bytes(block: bytes | str) -> bytes:
    """RLP block bytes from raw bytes or 0x-hex text."""
    if isinstance(block, str):
        text = block.strip()
        try:
            return bytes.fromhex(text.removeprefix("0x"))
        except ValueError as exc:
            raise InvalidBlockError(f"block: not hex: {exc}") from None
    data = bytes(block)
    stripped = data.strip()
    if stripped[:2] == b"0x":
        try:
            return bytes.fromhex(stripped[2:].decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidBlockError(f"block: not hex: {exc}") from None
    return data


@dataclass(frozen=True)
class TxResult:
    hash: str
    type: int
    sender: str
    status: str
    gas_used: int
    cumulative_gas_used: int
    logs: int


@dataclass(frozen=True)
class ExecutionResult:
    """What stateless execution of one block computed (hashes are 0x-hex)."""

    number: int
    fork: str
    state_root: str
    transactions_root: str
    receipts_root: str
    block_hash: str
    gas_used: int
    output_root: str | None
    logs_bloom: str
    transactions: list[TxResult]
    raw: dict[str, Any] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """The full report (the interface keys plus everything else the core returns)."""
        return dict(self.raw)


def execute_block(
    block: bytes | str,
    witness: WitnessLike,
    chain: ChainLike = None,
    *,
    check_header: bool = True,
    strict_witness: bool = False,
) -> ExecutionResult:
    """Executes ``block`` (RLP) statelessly against ``witness``.

    ``check_header``: every field the block's header claims must match the
    computed one (off: compute the true values and list differences in
    ``raw["mismatches"]`` — the fraud-proof use). ``strict_witness``: reject
    witnesses carrying nodes, codes or headers the block does not use.
    Raises :class:`InvalidBlockError`, :class:`InvalidWitnessError` or
    :class:`InvalidChainConfigError` with the reason.
    """
    flags = (CHECK_HEADER if check_header else 0) | (STRICT_WITNESS if strict_witness else 0)
    raw = _call_json("stf_execute", block_bytes(block), witness_bytes(witness), chain_bytes(chain), flags)
    return _result(raw)


def execute_payload(
    payload: bytes, witness: WitnessLike, chain: ChainLike, *, strict_witness: bool = False
) -> ExecutionResult:
    """Builds and executes the OP Stack block that ``payload`` (RLP payload attributes bound
    to a parent hash) describes; nothing a proposer claims enters the result."""
    flags = PAYLOAD | (STRICT_WITNESS if strict_witness else 0)
    return _result(_call_json("stf_execute", bytes(payload), witness_bytes(witness), chain_bytes(chain), flags))


def _result(raw: dict[str, Any]) -> ExecutionResult:
    return ExecutionResult(
        number=raw["number"],
        fork=raw["fork"],
        state_root=raw["state_root"],
        transactions_root=raw["transactions_root"],
        receipts_root=raw["receipts_root"],
        block_hash=raw["block_hash"],
        gas_used=raw["gas_used"],
        output_root=raw["output_root"],
        logs_bloom=raw["logs_bloom"],
        transactions=[TxResult(**t) for t in raw["transactions"]],
        raw=raw,
    )


def execute_files(
    block_file: Path, witness_file: Path, chain_file: Path | None = None, **kwargs: Any
) -> ExecutionResult:
    """:func:`execute_block` on files (block: RLP binary or hex; witness: JSON or RLP; chain: JSON)."""
    chain = chain_from_option(str(chain_file)) if chain_file is not None else None
    return execute_block(block_file.read_bytes(), witness_file.read_bytes(), chain, **kwargs)


def block_from_json(block: Mapping[str, Any] | str | bytes) -> bytes:
    """RLP block rebuilt from ``eth_getBlockByNumber`` JSON (full transactions); the hash is checked."""
    text = (
        json.dumps(block).encode()
        if isinstance(block, Mapping)
        else (block.encode() if isinstance(block, str) else block)
    )
    return _call("stf_block_from_json", text)


def block_info(block: bytes | str) -> dict[str, Any]:
    """Number, hash, parent hash and state root of an RLP block."""
    return _call_json("stf_block_info", block_bytes(block))


def guest_input(
    block: bytes | str,
    witness: WitnessLike,
    chain: ChainLike = None,
    *,
    check_header: bool = True,
    payload: bool = False,
    minimal: bool = True,
) -> bytes:
    """The ``block`` zkVM guest's input (RLP envelope): a block, or with ``payload`` the RLP
    OP payload attributes the guest builds the block from.

    With ``minimal`` (the default) the block is first executed here and the guest is given only
    the witness nodes, codes and headers it reads: the guest hashes every node and code it is
    given, and a preimage-store witness (kona's fixtures list every preimage as both a node and a
    code) would otherwise cost it several times the execution itself. A block that cannot be
    executed from ``witness`` keeps the witness as given, so the guest meets the same error."""
    flags = (CHECK_HEADER if check_header else 0) | (PAYLOAD if payload else 0) | (MINIMAL_WITNESS if minimal else 0)
    data = block_bytes(block)
    return _call("stf_guest_input", data, witness_bytes(witness), chain_bytes(chain), flags)


@dataclass(frozen=True)
class KonaResult:
    """A kona fixture rebuilt statelessly."""

    fixture: Any
    result: ExecutionResult

    @property
    def match(self) -> bool:
        return self.result.block_hash == self.fixture.expected_block_hash

    def to_json(self) -> dict[str, Any]:
        report = dict(self.result.raw)
        report.update(
            block_hash=self.result.block_hash,
            expected_block_hash=self.fixture.expected_block_hash,
            match=self.match,
            fixture=self.fixture.description,
        )
        return report


def execute_kona_fixture(path: Path) -> KonaResult:
    """Rebuilds a kona executor fixture's block (payload attributes on the parent) statelessly."""
    from refute.prover.witness.kona import load_kona_fixture

    fixture = load_kona_fixture(path)
    return KonaResult(fixture, execute_payload(fixture.payload, fixture.witness, fixture.chain))


def decode_journal(journal: bytes) -> dict[str, Any]:
    """The ``block`` guest's journal as a dict with the same keys as :class:`ExecutionResult`."""
    return _call_json("stf_decode_journal", journal)


@dataclass(frozen=True)
class BlockchainTestResult:
    name: str
    passed: bool
    reason: str
    blocks: int
    rejected_blocks: int

    def line(self) -> str:
        return f"PASS {self.name}" if self.passed else f"FAIL {self.name}: {self.reason}"


def run_blockchain_tests(path: Path, name: str | None = None) -> list[BlockchainTestResult]:
    """Runs the Ethereum blockchain tests in ``path`` statelessly (each block from a witness built
    from the full pre-state, strict witness check, state root and block hash compared)."""
    results = _call_json("stf_blockchain_test", path.read_bytes(), name or "")
    return [BlockchainTestResult(**r) for r in results]


def iter_blockchain_test_files(root: Path) -> Iterator[Path]:
    """Every ``*.json`` under ``root`` in a stable order."""
    yield from sorted(p for p in root.rglob("*.json") if p.is_file())

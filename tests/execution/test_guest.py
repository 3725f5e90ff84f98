"""The same blocks inside the zkVM guest (executor, no proving): identical results."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_rules import require

from execution.conftest import Case, load_case

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def block_guest(native_core: None):
    from refute.prover.errors import EnvironmentUnavailable
    from refute.prover.guests_registry import load_guest

    try:
        return load_guest("block")
    except EnvironmentUnavailable as exc:
        pytest.skip(str(exc))


SAMPLE = [
    "ethereum-tests/ValidBlocks/bcValidBlockTest/SimpleTx.json",
    "ethereum-tests/ValidBlocks/bcStateTests/simpleSuicide.json",
    "ethereum-tests/ValidBlocks/bcEIP1559/transType.json",
]


@pytest.mark.parametrize("rel", SAMPLE)
def test_guest_matches_native(block_guest, blockchain_tests_dir: Path, rel: str) -> None:
    from refute.prover import zkvm
    from refute.prover.execute import decode_journal, execute_block, guest_input

    case = load_case(require(blockchain_tests_dir / rel))
    native = execute_block(case.block, case.witness, case.chain)
    run = zkvm.execute(block_guest.program, guest_input(case.block, case.witness, case.chain))
    journal = decode_journal(run.journal)
    for key in ("state_root", "receipts_root", "transactions_root", "block_hash", "gas_used", "output_root"):
        assert journal[key] == getattr(native, key), key
    print(f"{rel}: {run.total_cycles} cycles ({run.user_cycles} user) for {len(native.transactions)} txs")


def test_guest_refuses_bad_witness(block_guest, simple_case: Case) -> None:
    """No journal (so no receipt) for a block the guest cannot execute correctly."""
    from refute.prover import zkvm
    from refute.prover.errors import InvalidInputError
    from refute.prover.execute import guest_input

    w = dict(simple_case.witness, state=simple_case.witness["state"][1:])
    with pytest.raises(InvalidInputError):
        zkvm.execute(block_guest.program, guest_input(simple_case.block, w, simple_case.chain))


def test_guest_refuses_bad_signature(block_guest, simple_case: Case) -> None:
    import rlp

    from refute.prover import zkvm
    from refute.prover.errors import InvalidInputError
    from refute.prover.execute import guest_input

    block = rlp.decode(simple_case.block)
    tx = list(block[1][0])
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    tx[8] = (n - int.from_bytes(tx[8], "big")).to_bytes(32, "big")  # high-s twin
    forged = rlp.encode([block[0], [tx], *block[2:]])
    with pytest.raises(InvalidInputError):
        zkvm.execute(block_guest.program, guest_input(forged, simple_case.witness, simple_case.chain))

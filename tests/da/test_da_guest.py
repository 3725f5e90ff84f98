"""The same decoder runs inside the zkVM guest (executor only) and gives byte-identical output."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_rules import require

from refute.prover.da.config import preset
from refute.prover.da.reconstruct import canonical_output
from refute.prover.da.request import KIND_BATCHER_DATA, KIND_OP_BLOB, PipelineInput, encode_request
from refute.prover.da.sources import calldata_of_tx
from refute.prover.errors import EnvironmentUnavailable

pytestmark = [pytest.mark.conformance, pytest.mark.slow, pytest.mark.usefixtures("native")]


@pytest.fixture(scope="module")
def da_guest():
    from refute.prover.guests_registry import load_guest

    try:
        return load_guest("da")
    except EnvironmentUnavailable as exc:
        pytest.skip(f"{exc} (build it with `python3 guest/build.py da`)")


def _execute(guest, config, inputs: list[PipelineInput]) -> tuple[bytes, bytes]:
    from refute.prover import zkvm

    run = zkvm.execute(guest.program, encode_request(config, inputs))
    return run.journal, b"\x00" + canonical_output(config, inputs)


def test_one_full_blob(da_guest, unichain_blob_paths: list[Path]) -> None:
    inputs = [PipelineInput(24149392, KIND_OP_BLOB, unichain_blob_paths[0].read_bytes())]
    journal, native = _execute(da_guest, preset("unichain-mainnet"), inputs)
    assert journal == native


def test_batcher_tx_channel_to_blocks(da_guest, da_fixtures: Path) -> None:
    calldata = calldata_of_tx(require(da_fixtures / "op-derivation" / "kona" / "raw_batcher_tx.hex").read_bytes())
    journal, native = _execute(da_guest, preset("op-mainnet"), [PipelineInput(1, KIND_BATCHER_DATA, calldata)])
    assert journal == native
    assert len(native) > 100_000  # blocks with signed transactions, not an empty result


def test_malformed_input_same_error(da_guest) -> None:
    bad = bytearray(131072)
    bad[1] = 7
    inputs = [PipelineInput(1, KIND_OP_BLOB, bytes(bad))]
    from refute.prover import zkvm

    run = zkvm.execute(da_guest.program, encode_request(preset("op-mainnet"), inputs))
    assert run.journal[:1] == b"\x01"
    assert (
        run.journal[1:].decode()
        == "blob layer, offset 1: input 0: unknown OP blob encoding version 7 (only 0 is defined)"
    )

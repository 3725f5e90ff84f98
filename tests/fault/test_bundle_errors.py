"""``refute fault bundle`` when the nodes are flaky, lack a piece or answer wrongly:
flakiness is retried away; every missing or wrong piece is named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from refute.devnet import DevnetServer, Failure, FailurePlan, ServedChain
from refute.prover.da.errors import MissingDataError
from refute.prover.errors import InvalidInputError
from refute.prover.fault.collect import Endpoints, collect
from refute.prover.rpc import RpcClient


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    return ServedChain.from_example(2).answers


def _endpoints(server: DevnetServer, timeout: float = 5.0) -> Endpoints:
    def client(url: str) -> RpcClient:
        return RpcClient(url, retries=3, backoff=0.01, timeout=timeout)

    return Endpoints(client(server.url), client(server.l2_url), client(server.url), client(server.l2_url))


def _collect(chain: ServedChain, failures: FailurePlan | None = None, timeout: float = 5.0) -> Any:
    with DevnetServer(chain, failures=failures) as server:
        return collect(_endpoints(server, timeout), chain.l2_block, chain.l1_head), server


def _mutated(answers: dict[str, Any]) -> tuple[dict[str, Any], ServedChain]:
    changed = copy.deepcopy(answers)
    return changed, ServedChain(changed)


def test_flaky_nodes_are_retried(answers: dict[str, Any]) -> None:
    failures = FailurePlan(timeout_seconds=0.6)
    failures.add("eth_getBlockByHash", Failure.RATE_LIMITED, Failure.DROP)
    failures.add("debug_executionWitness", Failure.SERVER_ERROR, Failure.TIMEOUT)
    failures.add("eth_getBlockReceipts", Failure.UNAVAILABLE)
    failures.add("/eth/v1/beacon/blob_sidecars", Failure.RATE_LIMITED, Failure.SERVER_ERROR)
    collected, _ = _collect(ServedChain(copy.deepcopy(answers)), failures, timeout=0.3)
    assert failures.pending() == 0
    assert len(failures.injected) == 7
    assert collected.description["blobs"] == 1


def test_missing_l1_block_is_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    origin = changed["output"]["blockRef"]["l1origin"]
    changed["l1_blocks"] = [b for b in changed["l1_blocks"] if b["hash"] != origin["hash"]]
    with pytest.raises(MissingDataError, match=f"L1 block {origin['hash']}"):
        _collect(ServedChain(changed))


def test_header_not_hashing_to_its_hash_is_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    changed["l1_blocks"][-2]["gasUsed"] = "0x1"
    number = int(changed["l1_blocks"][-2]["number"], 16)
    with pytest.raises(InvalidInputError, match=f"L1 block {number}: the header hashes to") as info:
        _collect(ServedChain(changed))
    assert info.value.fields["piece"] == "l1_block"


def test_wrong_receipts_are_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    origin = int(changed["output"]["blockRef"]["l1origin"]["number"])
    changed["l1_receipts"][str(origin + 1)][0]["cumulativeGasUsed"] = "0x1"
    with pytest.raises(InvalidInputError, match=f"L1 block {origin + 1}: its 1 receipts hash to") as info:
        _collect(ServedChain(changed))
    assert info.value.fields["piece"] == "l1_receipts"


def test_missing_blob_is_named(answers: dict[str, Any]) -> None:
    chain = ServedChain(copy.deepcopy(answers))
    versioned_hash = answers["blobs"][0]["versioned_hash"]
    chain.drop_blob(versioned_hash)
    with pytest.raises(MissingDataError, match=f"blob {versioned_hash}"):
        _collect(chain)


def test_witness_of_the_wrong_block_is_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    changed["witness"]["headers"] = changed["witness"]["headers"][:-1]
    with pytest.raises(InvalidInputError, match="not the witness of L2 block 2") as info:
        _collect(ServedChain(changed))
    assert info.value.fields["piece"] == "witness"


def test_missing_witness_is_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    changed["witness"] = None
    with pytest.raises(MissingDataError, match="execution witness of L2 block 2"):
        _collect(ServedChain(changed))


def test_l1_head_before_the_origin_is_refused(answers: dict[str, Any]) -> None:
    chain = ServedChain(copy.deepcopy(answers))
    origin_hash = answers["output"]["blockRef"]["l1origin"]["hash"]
    with (
        DevnetServer(chain) as server,
        pytest.raises(InvalidInputError, match="is not after the agreed block's L1 origin"),
    ):
        collect(_endpoints(server), chain.l2_block, origin_hash)


def test_unreachable_node_is_reported(tmp_path: Path) -> None:
    dead = RpcClient("http://127.0.0.1:9", retries=0, timeout=0.5)
    endpoints = Endpoints(dead, dead, dead, dead)
    from refute.prover.errors import ServiceUnreachable

    with pytest.raises(ServiceUnreachable):
        collect(endpoints, 2, "0x" + "11" * 32)


def test_blob_fee_schedule_not_in_force_at_the_origin_is_named(answers: dict[str, Any]) -> None:
    changed, _ = _mutated(answers)
    changed["l1_blob_schedule"] = [{"time": 2**40, "update_fraction": 5_007_716}]
    with pytest.raises(InvalidInputError, match="no step in force") as info:
        _collect(ServedChain(changed))
    assert info.value.fields["piece"] == "l1_blob_schedule"

"""The devnet server answers the standard methods for its chain and injects the failures it is told to."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from refute.devnet import DevnetServer, Failure, FailurePlan, ServedChain
from refute.prover.errors import ServiceUnreachable
from refute.prover.rpc import RpcClient, RpcError


@pytest.fixture(scope="module")
def chain() -> ServedChain:
    return ServedChain.from_example(1)


def test_l1_blocks_by_hash_and_number_agree(chain: ServedChain) -> None:
    with DevnetServer(chain) as server:
        l1 = RpcClient(server.url)
        assert int(l1.call("eth_chainId"), 16) == chain.l1_chain_id
        head = l1.call("eth_getBlockByHash", chain.l1_head, True)
        assert head["hash"] == chain.l1_head
        by_number = l1.call("eth_getBlockByNumber", head["number"], False)
        assert by_number["hash"] == chain.l1_head
        assert all(isinstance(t, str) for t in by_number["transactions"])
        assert l1.call("eth_getBlockByHash", "0x" + "00" * 32, False) is None
        with pytest.raises(RpcError, match="does not exist"):
            l1.call("eth_sendRawTransaction", "0x00")


def test_l2_and_rollup_methods(chain: ServedChain) -> None:
    with DevnetServer(chain) as server:
        l2 = RpcClient(server.l2_url)
        n = chain.l2_block
        assert int(l2.call("eth_chainId"), 16) == chain.l2_chain_id
        output = l2.call("optimism_outputAtBlock", hex(n - 1))
        parent = l2.call("eth_getBlockByNumber", hex(n - 1), True)
        assert output["blockRef"]["hash"] == parent["hash"]
        assert set(l2.call("debug_executionWitness", hex(n))) == {"state", "codes", "keys", "headers"}
        with pytest.raises(RpcError, match="no execution witness"):
            l2.call("debug_executionWitness", hex(n + 5))
        assert l2.call("optimism_rollupConfig")["l2_chain_id"] == chain.l2_chain_id


def _answer(beacon: RpcClient, path: str) -> Any:
    body = beacon.get_json(path)
    assert body is not None, path
    return body["data"]


def test_beacon_serves_the_blob_at_its_blocks_slot(chain: ServedChain) -> None:
    blob = chain.answers["blobs"][0]
    with DevnetServer(chain) as server:
        beacon = RpcClient(server.url)
        genesis = int(_answer(beacon, "/eth/v1/beacon/genesis")["genesis_time"])
        seconds = int(_answer(beacon, "/eth/v1/config/spec")["SECONDS_PER_SLOT"])
        assert (int(blob["timestamp"]) - genesis) % seconds == 0
        slot = (int(blob["timestamp"]) - genesis) // seconds
        sidecars = _answer(beacon, f"/eth/v1/beacon/blob_sidecars/{slot}")
        assert [s["blob"] for s in sidecars] == [blob["blob"]]
        assert beacon.get_json(f"/eth/v1/beacon/blob_sidecars/{slot + 10_000}") is None


def test_injected_failures_are_used_once_each(chain: ServedChain) -> None:
    failures = FailurePlan()
    failures.add("eth_chainId", Failure.RATE_LIMITED, Failure.SERVER_ERROR, Failure.DROP)
    sleeps: list[float] = []
    with DevnetServer(chain, failures=failures) as server:
        assert RpcClient(server.url, backoff=0.5, sleep=sleeps.append).call("eth_chainId")
        assert sleeps == [0.5, 1.0, 2.0]
        failures.add("eth_chainId", Failure.UNAVAILABLE)
        with pytest.raises(ServiceUnreachable):
            RpcClient(server.url, retries=0).call("eth_chainId")
        assert requests.post(server.url, json={"method": "eth_chainId", "id": 1}, timeout=5).status_code == 200
    assert [f for _, f in failures.injected] == [
        Failure.RATE_LIMITED,
        Failure.SERVER_ERROR,
        Failure.DROP,
        Failure.UNAVAILABLE,
    ]

"""Reconstruction from an L1 RPC and a beacon API served by a local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from da_helpers import load_gz_json
from fixture_rules import require

from refute.prover.da import kzg
from refute.prover.da.config import preset
from refute.prover.da.errors import MissingDataError
from refute.prover.da.reconstruct import reconstruct_rpc
from refute.prover.errors import ServiceUnreachable
from refute.prover.rpc import RpcClient

pytestmark = [pytest.mark.conformance, pytest.mark.usefixtures("native")]

GENESIS_TIME = 1_606_824_023
SLOT = 13380190


class FakeChain:
    """What the local server answers: L1 blocks, beacon genesis/spec, sidecars, and injected failures."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}
        self.sidecars: dict[int, list[dict[str, str]]] = {}
        self.fail_next = 0
        self.requests: list[str] = []


def _handler(chain: FakeChain) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, code: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _flaky(self) -> bool:
            self.requests_log()
            if chain.fail_next > 0:
                chain.fail_next -= 1
                self._send(503, {"error": "busy"})
                return True
            return False

        def requests_log(self) -> None:
            chain.requests.append(f"{self.command} {self.path}")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self._flaky():
                return
            assert body["method"] == "eth_getBlockByNumber"
            self._send(
                200, {"jsonrpc": "2.0", "id": body["id"], "result": chain.blocks.get(int(body["params"][0], 16))}
            )

        def do_GET(self) -> None:
            if self._flaky():
                return
            if self.path == "/eth/v1/beacon/genesis":
                self._send(200, {"data": {"genesis_time": str(GENESIS_TIME)}})
            elif self.path == "/eth/v1/config/spec":
                self._send(200, {"data": {"SECONDS_PER_SLOT": "12"}})
            elif self.path.startswith("/eth/v1/beacon/blob_sidecars/"):
                slot = int(self.path.rsplit("/", 1)[1])
                if slot in chain.sidecars:
                    self._send(200, {"data": chain.sidecars[slot]})
                else:
                    self._send(404, {"message": "not found"})
            else:
                self._send(404, {})

    return Handler


@pytest.fixture()
def server() -> Iterator[tuple[str, FakeChain]]:
    chain = FakeChain()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(chain))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", chain
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_calldata_from_l1_rpc(server: tuple[str, FakeChain], da_fixtures: Path) -> None:
    url, chain = server
    block = load_gz_json(require(da_fixtures / "op-derivation" / "raiko-op-mainnet" / "ethereum" / "18090218.json.gz"))[
        "full_blocks"
    ][0][1]
    chain.blocks[18090218] = block
    chain.fail_next = 2  # the first two requests get HTTP 503: retried with backoff
    # No `at`: the rules are OP Mainnet's at the L1 block's (2023) timestamp.
    report = reconstruct_rpc(preset("op-mainnet"), url, None, 18090218, backoff=0.01)
    assert len(report["channels"]) == 1 and len(report["channels"][0]["batches"]) == 60
    assert len(chain.requests) == 3


@pytest.fixture(scope="module")
def unichain_sidecars(unichain_blob_paths: list[Path]) -> list[dict[str, str]]:
    out = []
    for i, p in enumerate(unichain_blob_paths):
        b = p.read_bytes()
        c = kzg.commitment(b)
        out.append(
            {
                "index": str(i),
                "blob": "0x" + b.hex(),
                "kzg_commitment": "0x" + c.hex(),
                "kzg_proof": "0x" + kzg.blob_proof(b, c).hex(),
            }
        )
    return out


def _blob_block(sidecars: list[dict[str, str]]) -> dict[str, Any]:
    cfg = preset("unichain-mainnet")
    hashes = ["0x" + kzg.versioned_hash(bytes.fromhex(s["kzg_commitment"][2:])).hex() for s in sidecars]
    return {
        "number": hex(24149392),
        "timestamp": hex(GENESIS_TIME + SLOT * 12),
        "transactions": [
            {
                "hash": "0xaa",
                "from": "0x0000000000000000000000000000000000000001",
                "to": cfg.batch_inbox,
                "input": "0x00ff",
            },
            {
                "hash": "0x713d",
                "from": cfg.batcher,
                "to": cfg.batch_inbox,
                "type": "0x3",
                "input": "0x",
                "blobVersionedHashes": hashes,
            },
        ],
    }


def test_blobs_from_beacon(server: tuple[str, FakeChain], unichain_sidecars: list[dict[str, str]]) -> None:
    url, chain = server
    chain.blocks[24149392] = _blob_block(unichain_sidecars)
    # The beacon node returns sidecars in its own order; matching is by versioned hash.
    chain.sidecars[SLOT] = list(reversed(unichain_sidecars))
    report = reconstruct_rpc(preset("unichain-mainnet"), url, url, 24149392, backoff=0.01)
    assert [k["ok"] for k in report["kzg"]] == [True, True, True]
    assert len(report["blocks"]) == 540
    assert any(r == f"GET /eth/v1/beacon/blob_sidecars/{SLOT}" for r in chain.requests)


def test_missing_sidecars_are_listed(server: tuple[str, FakeChain], unichain_sidecars: list[dict[str, str]]) -> None:
    url, chain = server
    chain.blocks[24149392] = _blob_block(unichain_sidecars)
    chain.sidecars[SLOT] = unichain_sidecars[:2]
    with pytest.raises(MissingDataError) as e:
        reconstruct_rpc(preset("unichain-mainnet"), url, url, 24149392, 24149393, backoff=0.01)
    missing = e.value.missing
    assert len(missing) == 2
    assert "not among the slot's sidecars" in missing[0] and "0x01066ce0dde5" in missing[0]
    assert missing[1] == "L1 block 24149393"


def test_slot_not_served(server: tuple[str, FakeChain], unichain_sidecars: list[dict[str, str]]) -> None:
    url, chain = server
    chain.blocks[24149392] = _blob_block(unichain_sidecars)
    with pytest.raises(MissingDataError) as e:
        reconstruct_rpc(preset("unichain-mainnet"), url, url, 24149392, backoff=0.01)
    assert f"blob sidecars of slot {SLOT} (L1 block 24149392)" in e.value.missing


def test_gives_up_after_retries(server: tuple[str, FakeChain]) -> None:
    url, chain = server
    chain.fail_next = 100
    sleeps: list[float] = []
    client = RpcClient(url, retries=3, backoff=0.5, sleep=sleeps.append)
    with pytest.raises(ServiceUnreachable, match="after 4 attempts; last error: HTTP 503"):
        client.get_json("/eth/v1/beacon/genesis")
    assert sleeps == [0.5, 1.0, 2.0]

"""The JSON-RPC witness source against a local JSON-RPC server.

The server answers from a real block and its real witness (extracted from the
blockchain test's pre-state) in the shapes clients use; what is under test is
the client: method fallbacks, shape tolerance, header completion.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import rlp

from execution.conftest import Case
from execution.helpers import keccak256


def serve(handlers: dict[str, Callable[[list[Any]], Any]]):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fn = handlers.get(req["method"])
            if fn is None:
                body = {
                    "jsonrpc": "2.0",
                    "id": req["id"],
                    "error": {"code": -32601, "message": "the method does not exist"},
                }
            else:
                body = {"jsonrpc": "2.0", "id": req["id"], "result": fn(req["params"])}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _number(case: Case) -> int:
    return int(case.expected["number"], 16)


def test_reth_shape_with_maps_and_no_headers(simple_case: Case) -> None:
    """Older reth: hash→bytes maps, no headers; the parent header comes from debug_getRawHeader."""
    from refute.prover.execute import execute_block
    from refute.prover.witness import RpcWitnessSource

    w = simple_case.witness
    number = _number(simple_case)
    maps = {k: {"0x" + keccak256(bytes.fromhex(v[2:])).hex(): v for v in w[k]} for k in ("state", "codes", "keys")}
    parent_hex = w["headers"][-1]
    server = serve(
        {
            "debug_executionWitness": lambda p: maps if int(p[0], 16) == number else None,
            "debug_getRawBlock": lambda p: "0x" + simple_case.block.hex(),
            "debug_getRawHeader": lambda p: parent_hex if int(p[0], 16) == number - 1 else None,
        }
    )
    try:
        src = RpcWitnessSource(f"http://127.0.0.1:{server.server_port}", retries=0)
        block = src.block_rlp(number)
        witness = src.witness(number)
        assert witness["headers"] == [parent_hex]
        r = execute_block(block, witness, simple_case.chain)
        assert r.state_root == simple_case.expected["stateRoot"]
    finally:
        server.shutdown()


def test_geth_shape_with_header_objects(simple_case: Case) -> None:
    """Geth: headers as JSON objects; no debug_getRawBlock (block rebuilt from JSON is refused if its hash differs)."""
    from refute.prover.execute import execute_block
    from refute.prover.witness import RpcWitnessSource

    parent = rlp.decode(bytes.fromhex(simple_case.witness["headers"][-1][2:]))
    names = [
        "parentHash",
        "sha3Uncles",
        "miner",
        "stateRoot",
        "transactionsRoot",
        "receiptsRoot",
        "logsBloom",
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "extraData",
        "mixHash",
        "nonce",
        "baseFeePerGas",
        "withdrawalsRoot",
        "blobGasUsed",
        "excessBlobGas",
        "parentBeaconBlockRoot",
        "requestsHash",
    ]
    quantities = {
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "baseFeePerGas",
        "blobGasUsed",
        "excessBlobGas",
    }
    obj = {}
    for name, value in zip(names, parent, strict=False):
        obj[name] = hex(int.from_bytes(value, "big")) if name in quantities else "0x" + bytes(value).hex()
    witness = dict(simple_case.witness, headers=[obj])
    server = serve(
        {"debug_executionWitness": lambda p: witness, "debug_getRawBlock": lambda p: "0x" + simple_case.block.hex()}
    )
    try:
        src = RpcWitnessSource(f"http://127.0.0.1:{server.server_port}", retries=0)
        r = execute_block(src.block_rlp(_number(simple_case)), src.witness(_number(simple_case)), simple_case.chain)
        assert r.block_hash == simple_case.expected["hash"]
    finally:
        server.shutdown()


def test_node_errors_are_reported(simple_case: Case) -> None:
    from refute.prover.errors import ServiceUnreachable
    from refute.prover.witness import RpcError, RpcWitnessSource

    server = serve({})
    try:
        src = RpcWitnessSource(f"http://127.0.0.1:{server.server_port}", retries=0)
        with pytest.raises(RpcError, match="debug_traceBlockByNumber"):
            src.witness(5)
    finally:
        server.shutdown()
    with pytest.raises(ServiceUnreachable, match="unreachable"):
        RpcWitnessSource("http://127.0.0.1:9", retries=0, timeout=2).block_rlp(1)


def test_fallback_to_proofs(simple_case: Case) -> None:
    """No debug_executionWitness: touched accounts from the prestate tracer, then eth_getProof/eth_getCode."""
    from refute.prover.execute import execute_block
    from refute.prover.witness import RpcWitnessSource

    number = _number(simple_case)
    block = rlp.decode(simple_case.block)
    tx = block[1][0]
    to = "0x" + bytes(tx[3]).hex()
    beneficiary = "0x" + bytes(block[0][2]).hex()
    sender = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b"  # SimpleTx's sender
    calls: list[tuple[str, Any]] = []

    def proof(params: list[Any]) -> dict[str, Any]:
        calls.append(("eth_getProof", params))
        assert params[2] == hex(number - 1), "proofs must be taken at the parent"
        return {"accountProof": simple_case.witness["state"], "storageProof": []}

    server = serve(
        {
            "debug_traceBlockByNumber": lambda p: [
                {"txHash": "0x00", "result": {sender: {"balance": "0x1"}, to: {}, beneficiary: {}}}
            ],
            "eth_getProof": proof,
            "eth_getCode": lambda p: (simple_case.witness["codes"] or ["0x"])[0] if p[0] == to else "0x",
            "debug_getRawHeader": lambda p: simple_case.witness["headers"][-1],
        }
    )
    try:
        src = RpcWitnessSource(f"http://127.0.0.1:{server.server_port}", retries=0)
        witness = src.witness(number)
        assert len(calls) == 3 and sorted(witness["state"]) == sorted(simple_case.witness["state"])
        r = execute_block(simple_case.block, witness, simple_case.chain)
        assert r.state_root == simple_case.expected["stateRoot"]
    finally:
        server.shutdown()

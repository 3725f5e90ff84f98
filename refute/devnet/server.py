"""The devnet's HTTP server: one threaded server on 127.0.0.1 answering JSON-RPC
(POST, the execution and rollup nodes) and the beacon REST API (GET).

Methods served: ``eth_chainId``, ``eth_blockNumber``, ``eth_getBlockByHash``,
``eth_getBlockByNumber``, ``eth_getBlockReceipts``, ``eth_config``,
``debug_executionWitness``, ``optimism_outputAtBlock``, ``optimism_rollupConfig``;
beacon: ``/eth/v1/beacon/genesis``, ``/eth/v1/config/spec``,
``/eth/v1/beacon/blob_sidecars/{slot}``. One server plays every node: L1 and L2
blocks are told apart by the ``l2`` path prefix (``{url}/l2`` is the L2 and
rollup node, ``{url}`` the L1 node and beacon API).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from refute.devnet.chain import SECONDS_PER_SLOT, ServedChain
from refute.devnet.faults import Failure, FailurePlan

#: JSON-RPC error codes: method not found, invalid params, and a server-side "not available".
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
NOT_AVAILABLE = -32000


class RpcFailure(Exception):
    """A JSON-RPC error answer."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _block_key(value: Any) -> str | int:
    if isinstance(value, str) and len(value) == 66:
        return value
    if value in ("latest", "safe", "finalized"):
        return "latest"
    try:
        return int(value, 16) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise RpcFailure(INVALID_PARAMS, f"not a block hash or number: {value!r}") from None


def _param(params: list[Any], index: int, method: str) -> Any:
    if len(params) <= index:
        raise RpcFailure(INVALID_PARAMS, f"{method}: missing parameter {index}")
    return params[index]


def _l1_method(chain: ServedChain, method: str, params: list[Any]) -> Any:
    if method == "eth_chainId":
        return hex(chain.l1_chain_id)
    if method == "eth_blockNumber":
        return hex(chain.l1_latest())
    if method in ("eth_getBlockByHash", "eth_getBlockByNumber"):
        key = _block_key(_param(params, 0, method))
        full = bool(params[1]) if len(params) > 1 else False
        return chain.l1_block(chain.l1_latest() if key == "latest" else key, full)
    if method == "eth_getBlockReceipts":
        key = _block_key(_param(params, 0, method))
        return chain.l1_receipts(chain.l1_latest() if key == "latest" else key)
    if method == "eth_config":
        return chain.eth_config()
    raise RpcFailure(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")


def _l2_method(chain: ServedChain, method: str, params: list[Any]) -> Any:
    if method == "eth_chainId":
        return hex(chain.l2_chain_id)
    if method == "eth_getBlockByNumber":
        key = _block_key(_param(params, 0, method))
        if not isinstance(key, int):
            raise RpcFailure(INVALID_PARAMS, f"{method}: this devnet serves L2 blocks by number")
        return chain.l2_block_by_number(key, bool(params[1]) if len(params) > 1 else False)
    if method == "debug_executionWitness":
        key = _block_key(_param(params, 0, method))
        witness = chain.witness(key) if isinstance(key, int) else None
        if witness is None:
            raise RpcFailure(NOT_AVAILABLE, f"no execution witness for block {key}")
        return witness
    if method == "optimism_outputAtBlock":
        key = _block_key(_param(params, 0, method))
        output = chain.output_at(key) if isinstance(key, int) else None
        if output is None:
            raise RpcFailure(NOT_AVAILABLE, f"no output at block {key}")
        return output
    if method == "optimism_rollupConfig":
        return chain.rollup_config
    raise RpcFailure(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")


def beacon_response(path: str, genesis_time: int, sidecars: Callable[[int], list[Any] | None]) -> tuple[int, Any]:
    """The beacon API's status and body for ``path``: genesis, spec, and blob sidecars by slot.

    ``sidecars(slot)`` is the slot's sidecars (empty when its block carried no
    blob), or ``None`` when the node has no block at that slot (yet).
    """
    if path == "/eth/v1/beacon/genesis":
        return 200, {"data": {"genesis_time": str(genesis_time)}}
    if path == "/eth/v1/config/spec":
        return 200, {"data": {"SECONDS_PER_SLOT": str(SECONDS_PER_SLOT)}}
    prefix = "/eth/v1/beacon/blob_sidecars/"
    if path.startswith(prefix):
        slot = path[len(prefix) :].split("?")[0]
        if not slot.isdigit():
            return 400, {"code": 400, "message": f"invalid slot {slot!r}"}
        found = sidecars(int(slot))
        if found is None:
            return 404, {"code": 404, "message": f"no block at slot {slot}"}
        return 200, {"data": found}
    return 404, {"code": 404, "message": f"unknown path {path}"}


class Nodes(Protocol):
    """What the server answers: the L1 node, the L2 and rollup node, and the beacon API.

    ``l1`` and ``l2`` return a JSON-RPC result or raise :class:`RpcFailure`
    (or :class:`LookupError` for data the node does not hold); ``beacon``
    returns an HTTP status and body.
    """

    def l1(self, method: str, params: list[Any]) -> Any: ...

    def l2(self, method: str, params: list[Any]) -> Any: ...

    def beacon(self, path: str) -> tuple[int, Any]: ...


class ServedNodes:
    """:class:`Nodes` for a fixed :class:`ServedChain` (a fault input or the generator's chain)."""

    def __init__(self, chain: ServedChain) -> None:
        self.chain = chain

    def l1(self, method: str, params: list[Any]) -> Any:
        return _l1_method(self.chain, method, params)

    def l2(self, method: str, params: list[Any]) -> Any:
        return _l2_method(self.chain, method, params)

    def beacon(self, path: str) -> tuple[int, Any]:
        return beacon_response(path, self.chain.beacon_genesis_time, self.chain.sidecars)


def _handler(server: DevnetServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the devnet runs inside tests and commands whose output matters."""

        def _inject(self, request: str) -> bool:
            failure = server.failures.take(request)
            if failure is None:
                return False
            if failure is Failure.DROP:
                self.close_connection = True
                self.connection.close()
                return True
            if failure is Failure.TIMEOUT:
                time.sleep(server.failures.timeout_seconds)
                self.close_connection = True
                self.connection.close()
                return True
            self._send(int(failure.value), {"error": f"injected HTTP {failure.value}"})
            return True

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            server.requests.append(path)
            if self._inject(path):
                return
            status, body = server.nodes.beacon(path)
            self._send(status, body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except json.JSONDecodeError:
                self._send(400, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
                return
            if not isinstance(body, dict):
                self._send(
                    400,
                    {
                        "jsonrpc": "2.0",
                        "id": None,
                        "error": {"code": -32600, "message": "batch requests are not served"},
                    },
                )
                return
            method, params = str(body.get("method")), body.get("params") or []
            server.requests.append(method)
            if self._inject(method):
                return
            layer = server.nodes.l2 if self.path.rstrip("/").endswith("/l2") else server.nodes.l1
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": body.get("id")}
            try:
                reply["result"] = layer(method, list(params))
            except RpcFailure as exc:
                reply["error"] = {"code": exc.code, "message": str(exc)}
            except LookupError as exc:
                reply["error"] = {"code": NOT_AVAILABLE, "message": str(exc)}
            self._send(200, reply)

    return Handler


class DevnetServer:
    """Serves ``chain`` on 127.0.0.1 (an ephemeral port unless ``port`` is given); a context manager.

    ``chain`` is a fixed :class:`ServedChain` or any :class:`Nodes` (the live
    devnet). ``url`` is the L1 node and beacon API, ``l2_url`` the L2 and rollup node.
    """

    def __init__(self, chain: ServedChain | Nodes, port: int = 0, failures: FailurePlan | None = None) -> None:
        self.nodes: Nodes = ServedNodes(chain) if isinstance(chain, ServedChain) else chain
        self.failures = failures or FailurePlan()
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def l2_url(self) -> str:
        return self.url + "/l2"

    def start(self) -> DevnetServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="refute-devnet", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> DevnetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self, ready: Callable[[DevnetServer], None] | None = None) -> None:
        """Serves in the calling thread until interrupted (``ready`` is called once listening)."""
        if ready is not None:
            ready(self)
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

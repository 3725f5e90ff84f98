"""A local L1: py-evm (Prague rules) behind eth-tester, reached through web3.py like any node.

Why this shape: refute talks to L1 only through a ``Web3`` object, so the same
code deploys to and challenges on a real node (``--l1-rpc URL``) and this
in-process chain. :func:`serve` puts the chain behind a JSON-RPC HTTP endpoint,
so a separate process reaches it with an ordinary ``HTTPProvider`` and nothing
in refute knows it is a test chain.

Time control uses the RPC methods eth-tester already answers
(``testing_timeTravel``, ``evm_mine``), so it works over HTTP as well.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from web3 import HTTPProvider, Web3
from web3.providers.eth_tester import EthereumTesterProvider

from refute.prover.errors import ServiceUnreachable

__all__ = ["LocalChain", "RpcServer", "connect", "local_chain", "serve"]

#: eth-tester's chain ID; :func:`refute.l1.contracts.DEVNET_CHAIN_IDS` lists it.
ETH_TESTER_CHAIN_ID = 131277322940537


@dataclass
class LocalChain:
    """An in-process py-evm chain and the ``Web3`` object that reaches it."""

    w3: Web3
    provider: EthereumTesterProvider
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def advance_time(self, seconds: int) -> None:
        """Mine one block ``seconds`` after the latest one (block.timestamp moves forward)."""
        advance_time(self.w3, seconds)


def _cache_kzg_setup() -> None:
    """py-evm's 0x0a precompile and eth-account reload the KZG trusted setup on every use (~4 s); load it once.

    The setup is a constant file, so caching changes no result, only the time.
    """
    import eth.precompiles.point_evaluation as point_evaluation
    import eth_account.typed_transactions.base as typed_base

    if not hasattr(point_evaluation.load_trusted_setup, "cache_info"):
        point_evaluation.load_trusted_setup = functools.cache(point_evaluation.load_trusted_setup)
    # eth-account reloads it for every blob it commits to (signing and decoding blob transactions).
    if not hasattr(typed_base.load_trusted_setup, "cache_info"):
        typed_base.load_trusted_setup = functools.cache(typed_base.load_trusted_setup)


def local_chain() -> LocalChain:
    """A fresh chain (Prague from genesis, ten funded unlocked accounts)."""
    from eth_tester import EthereumTester, PyEVMBackend

    _cache_kzg_setup()

    tester = EthereumTester(backend=PyEVMBackend())
    provider = EthereumTesterProvider(tester)
    w3 = Web3(provider)
    w3.eth.default_account = w3.eth.accounts[0]
    return LocalChain(w3=w3, provider=provider)


def advance_time(w3: Web3, seconds: int) -> None:
    """Like :meth:`LocalChain.advance_time` for any web3 that answers the eth-tester time RPCs."""
    latest = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("testing_timeTravel", [latest + seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [1])  # type: ignore[arg-type]


def connect(url: str) -> Web3:
    """A ``Web3`` for a JSON-RPC URL; raises :class:`ServiceUnreachable` if nothing answers."""
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 60}))
    try:
        w3.eth.chain_id  # noqa: B018 - the probe
    except Exception as exc:  # any transport failure means the node is not reachable
        raise ServiceUnreachable(
            f"L1 RPC {url} did not answer: {exc}", service=url, request="eth_chainId", attempts=1
        ) from None
    if w3.eth.default_account is None or not isinstance(w3.eth.default_account, str):
        accounts = w3.eth.accounts
        if accounts:
            w3.eth.default_account = accounts[0]
    return w3


class RpcServer:
    """A JSON-RPC HTTP front for a :class:`LocalChain` (one request at a time: py-evm is not thread-safe)."""

    def __init__(self, chain: LocalChain, host: str = "127.0.0.1", port: int = 0):
        self.chain = chain
        handler = _handler_for(chain)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="refute-l1-rpc", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> RpcServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _answer(chain: LocalChain, request: Any) -> Any:
    if not isinstance(request, dict) or not isinstance(request.get("method"), str):
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
    out: dict[str, Any] = {"jsonrpc": "2.0", "id": request.get("id")}
    try:
        with chain._lock:
            response = chain.w3.manager._make_request(request["method"], request.get("params") or [])
    except Exception as exc:
        # eth-tester raises where a node answers with an error object; a revert keeps
        # the node's "execution reverted: <reason>" message shape (code 3).
        text = str(exc)
        out["error"] = {"code": 3 if "execution reverted" in text else -32000, "message": text}
        return out
    if "error" in response:
        err = response["error"]
        out["error"] = err if isinstance(err, dict) else {"code": -32000, "message": str(err)}
    else:
        out["result"] = response.get("result")
    return out


def _handler_for(chain: LocalChain) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body: Any
            try:
                request = json.loads(self.rfile.read(length))
            except ValueError:
                body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}}
            else:
                body = [_answer(chain, r) for r in request] if isinstance(request, list) else _answer(chain, request)
            data = Web3.to_json(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the node serves a CLI, whose output is its own."""

    return Handler


def serve(chain: LocalChain | None = None, host: str = "127.0.0.1", port: int = 0) -> RpcServer:
    """Starts an HTTP JSON-RPC server for ``chain`` (a fresh one by default) in a daemon thread."""
    return RpcServer(chain or local_chain(), host, port).start()

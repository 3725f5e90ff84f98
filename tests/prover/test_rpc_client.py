"""The shared HTTP client (refute.prover.rpc) against a local server on 127.0.0.1: retries, errors, no real network."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from refute.prover.errors import EXIT_INVALID, EXIT_UNAVAILABLE, RefuteError, ServiceUnreachable, UsageError
from refute.prover.rpc import RpcClient, RpcError, ServiceAnswerError

# One answer per request, in order; the last one repeats. An answer is (status, body, delay in seconds);
# a body that is not bytes is sent as JSON.
Answer = tuple[int, Any, float]


class Script:
    def __init__(self) -> None:
        self.answers: list[Answer] = [(200, {"jsonrpc": "2.0", "id": 1, "result": "0x1"}, 0.0)]
        self.requests: list[dict[str, Any]] = []

    def next(self) -> Answer:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, request: dict[str, Any]) -> None:
            script.requests.append(request)
            status, body, delay = script.next()
            if delay:
                time.sleep(delay)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting
                pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self._answer({"verb": "POST", "path": self.path, "body": body})

        def do_GET(self) -> None:
            self._answer({"verb": "GET", "path": self.path})

    return Handler


@pytest.fixture()
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def _client(url: str, **kwargs: Any) -> tuple[RpcClient, list[float]]:
    sleeps: list[float] = []
    sleep: Callable[[float], None] = sleeps.append
    kwargs.setdefault("timeout", 5.0)
    return RpcClient(url, sleep=sleep, **kwargs), sleeps


def test_call_sends_json_rpc_and_returns_the_result(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {"jsonrpc": "2.0", "id": 1, "result": {"number": "0x5"}}, 0.0)]
    client, sleeps = _client(url)
    assert client.call("eth_getBlockByNumber", "0x5", True) == {"number": "0x5"}
    assert client.call("eth_chainId") == {"number": "0x5"}
    first, second = (r["body"] for r in script.requests)
    assert first["method"] == "eth_getBlockByNumber" and first["params"] == ["0x5", True]
    assert first["jsonrpc"] == "2.0" and second["params"] == [] and first["id"] != second["id"]
    assert sleeps == []


def test_null_result_is_an_answer(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {"jsonrpc": "2.0", "id": 1, "result": None}, 0.0)]
    client, _ = _client(url)
    assert client.call("eth_getBlockByNumber", "0xffffff", True) is None


def test_retries_with_backoff_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(503, {}, 0.0), (429, {}, 0.0), (200, {"jsonrpc": "2.0", "id": 1, "result": 7}, 0.0)]
    client, sleeps = _client(url, retries=4, backoff=0.25)
    assert client.call("eth_blockNumber") == 7
    assert sleeps == [0.25, 0.5] and len(script.requests) == 3


def test_gives_up_with_service_unreachable(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(502, b"bad gateway", 0.0)]
    client, sleeps = _client(url, retries=3, backoff=0.5)
    with pytest.raises(ServiceUnreachable) as e:
        client.call("debug_executionWitness", "0x1")
    err = e.value
    assert sleeps == [0.5, 1.0, 2.0] and len(script.requests) == 4
    assert err.fields == {"service": url, "request": "debug_executionWitness", "attempts": 4}
    assert url in str(err) and "debug_executionWitness" in str(err) and "HTTP 502" in str(err)
    assert err.kind == "unreachable" and err.exit_code == EXIT_UNAVAILABLE
    assert err.to_json()["fields"]["attempts"] == 4


def test_connection_refused_is_retried_then_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"  # nothing listens there any more
    client, sleeps = _client(url, retries=2, backoff=0.1)
    with pytest.raises(ServiceUnreachable, match="ConnectionError") as e:
        client.get_json("/eth/v1/beacon/genesis")
    assert sleeps == [0.1, 0.2]
    assert e.value.fields == {"service": url, "request": "/eth/v1/beacon/genesis", "attempts": 3}
    assert f"{url}/eth/v1/beacon/genesis unreachable" in str(e.value)


def test_timeout_is_retried_then_unreachable(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {"jsonrpc": "2.0", "id": 1, "result": 1}, 1.0)]
    client, sleeps = _client(url, retries=1, backoff=0.01, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ServiceUnreachable, match="Timeout"):
        client.call("eth_blockNumber")
    assert time.monotonic() - started < 5
    assert sleeps == [0.01] and len(script.requests) == 2


def test_rpc_error_is_not_retried(server: tuple[str, Script]) -> None:
    url, script = server
    error = {"code": -32601, "message": "the method debug_foo does not exist", "data": "0xab"}
    script.answers = [(200, {"jsonrpc": "2.0", "id": 1, "error": error}, 0.0)]
    client, sleeps = _client(url, retries=3)
    with pytest.raises(RpcError) as e:
        client.call("debug_foo")
    err = e.value
    assert len(script.requests) == 1 and sleeps == []
    assert err.code == -32601 and err.message == error["message"] and err.method == "debug_foo"
    assert err.fields == {
        "service": url,
        "request": "debug_foo",
        "code": -32601,
        "message": error["message"],
        "data": "0xab",
    }
    assert isinstance(err, RefuteError) and err.kind == "rpc_error" and err.exit_code == EXIT_INVALID
    assert "debug_foo" in str(err) and "-32601" in str(err) and url in str(err)


def test_rpc_error_with_an_http_error_status(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(400, {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "invalid params"}}, 0.0)]
    client, _ = _client(url)
    with pytest.raises(RpcError, match="invalid params") as e:
        client.call("eth_getProof", "0x00")
    assert e.value.code == -32602 and len(script.requests) == 1


def test_other_http_errors_are_answers_not_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(403, b"<html>forbidden: bad API key</html>", 0.0)]
    client, sleeps = _client(url, retries=3)
    with pytest.raises(ServiceAnswerError, match="HTTP 403") as e:
        client.call("eth_blockNumber")
    assert not isinstance(e.value, RpcError) and e.value.kind == "bad_answer"
    assert e.value.fields["status"] == 403 and "bad API key" in str(e.value)
    assert len(script.requests) == 1 and sleeps == []


def test_body_that_is_not_json(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, b"<html>captive portal</html>", 0.0)]
    client, _ = _client(url)
    with pytest.raises(ServiceAnswerError, match="not JSON"):
        client.call("eth_blockNumber")
    with pytest.raises(ServiceAnswerError, match="not JSON"):
        client.get_json("/eth/v1/config/spec")


def test_reply_without_result(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {"jsonrpc": "2.0", "id": 1}, 0.0)]
    client, _ = _client(url)
    with pytest.raises(ServiceAnswerError, match="without a JSON-RPC result"):
        client.call("eth_blockNumber")


def test_get_json(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(500, {}, 0.0), (200, {"data": {"genesis_time": "1"}}, 0.0), (404, {"message": "gone"}, 0.0)]
    client, sleeps = _client(url + "/", backoff=0.5)
    assert client.get_json("/eth/v1/beacon/genesis") == {"data": {"genesis_time": "1"}}
    assert sleeps == [0.5]
    assert client.get_json("/eth/v1/beacon/blob_sidecars/5") is None  # 404: "not there", an answer
    assert [r["path"] for r in script.requests] == [
        "/eth/v1/beacon/genesis",
        "/eth/v1/beacon/genesis",
        "/eth/v1/beacon/blob_sidecars/5",
    ]
    assert all(r["verb"] == "GET" for r in script.requests)


def test_unusable_url_is_a_usage_error() -> None:
    client, sleeps = _client("localhost:8545")
    with pytest.raises(UsageError, match="not a usable URL") as e:
        client.call("eth_blockNumber")
    assert e.value.exit_code == 2 and sleeps == []

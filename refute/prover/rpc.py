"""The one HTTP client for remote services: JSON-RPC nodes (L1, L2) and JSON APIs (beacon).

Why one client: every remote read has the same failure modes and should get the
same answer to them. Public endpoints drop requests and rate-limit, so a
request is retried with exponential backoff (``backoff * 2**attempt`` seconds
between attempts) on connection errors, timeouts, HTTP 429 and 5xx. What a
request can end in:

* an answer: the JSON result; for :meth:`RpcClient.get_json` a 404 is the
  answer "not there" (``None``), so callers can collect what is missing;
* :class:`~refute.prover.errors.ServiceUnreachable` (exit 3) when no attempt got
  an answer: it names the URL, the method or path, the number of attempts and
  the last error;
* :class:`RpcError` (exit 1) when a JSON-RPC node answered with an error object:
  the node is there and refused, so this is never retried;
* :class:`ServiceAnswerError` (exit 1) when the service answered with anything
  else that is not a usable answer (another HTTP error status, a body that is
  not JSON, a JSON-RPC reply without a result, endless redirects);
* :class:`~refute.prover.errors.UsageError` (exit 2) when the URL itself is not
  usable (no scheme, unknown scheme, malformed).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from refute.prover.errors import RefuteError, ServiceUnreachable, UsageError

__all__ = ["RpcClient", "RpcError", "ServiceAnswerError", "retryable_status"]

#: Failures of the transport (no answer at all); retried.
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
#: URLs requests cannot even try.
_BAD_URL = (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL)


def retryable_status(status: int) -> bool:
    """HTTP 429 (rate limited) and 5xx mean "try again later" rather than "no"."""
    return status == 429 or status >= 500


class ServiceAnswerError(RefuteError):
    """A remote service answered, but not with a usable answer (error status, body that is not JSON).

    ``fields``: ``service`` (URL), ``request`` (method or path), and ``status``
    (the HTTP status) when there was one.
    """

    kind = "bad_answer"


class RpcError(ServiceAnswerError):
    """A JSON-RPC node answered the call with an error object: it is reachable and refused.

    ``fields``: ``service`` (URL), ``request`` (method), ``code`` and ``message``
    (the JSON-RPC error's), and ``data`` when the node sent any.
    """

    kind = "rpc_error"

    def __init__(self, service: str, method: str, code: Any, message: str, data: Any = None) -> None:
        super().__init__(f"{method}: {service} answered with error {code}: {message}", service=service, request=method)
        # ``message`` is also the base class's positional parameter, so it is set here.
        self.fields["code"] = code
        self.fields["message"] = message
        if data is not None:
            self.fields["data"] = data
        self.method = method
        self.code = code
        self.message = message


@dataclass
class RpcClient:
    """JSON-RPC calls to ``url`` and JSON GETs below it, with retries and exponential backoff.

    ``retries`` is the number of attempts after the first; ``sleep`` is how the
    client waits between attempts (tests pass a recorder instead of sleeping).
    """

    url: str
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 15.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1), init=False, repr=False)

    def call(self, method: str, *params: Any) -> Any:
        """``method(*params)`` over JSON-RPC; the ``result`` (which may be ``None``)."""
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        resp = self._send("POST", self.url, method, json=body)
        reply = self._json(resp, method)
        if isinstance(reply, dict) and reply.get("error"):
            raise self._rpc_error(method, reply["error"])
        if not _ok(resp):
            raise self._status_error(resp, method)
        if not isinstance(reply, dict) or "result" not in reply:
            raise ServiceAnswerError(
                f"{method}: {self.url} answered without a JSON-RPC result", service=self.url, request=method
            )
        return reply["result"]

    def get_json(self, path: str) -> Any | None:
        """GET ``url + path`` -> the JSON body, or ``None`` when the service answers 404."""
        url = self.url.rstrip("/") + path
        resp = self._send("GET", url, path, headers={"Accept": "application/json"})
        if resp.status_code == 404:
            return None
        if not _ok(resp):
            raise self._status_error(resp, path)
        return self._json(resp, path)

    def _send(self, verb: str, url: str, request: str, **kwargs: Any) -> requests.Response:
        """The first response that is not a retryable status, or ServiceUnreachable after every attempt."""
        attempts = self.retries + 1
        last = ""
        for attempt in range(attempts):
            try:
                resp = self.session.request(verb, url, timeout=self.timeout, **kwargs)
            except _BAD_URL as exc:
                raise UsageError(f"{url}: not a usable URL: {exc}", service=self.url, request=request) from None
            except _TRANSIENT as exc:
                last = f"{type(exc).__name__}: {exc}"
            except requests.RequestException as exc:  # e.g. too many redirects: an answer, but not a usable one
                raise ServiceAnswerError(
                    f"{request}: {url}: {type(exc).__name__}: {exc}", service=self.url, request=request
                ) from None
            else:
                if not retryable_status(resp.status_code):
                    return resp
                last = f"HTTP {resp.status_code}"
            if attempt + 1 < attempts:
                self.sleep(self.backoff * 2**attempt)
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        raise ServiceUnreachable(
            f"{url} unreachable: no answer to {request} after {tries}; last error: {last}",
            service=self.url,
            request=request,
            attempts=attempts,
        )

    def _json(self, resp: requests.Response, request: str) -> Any:
        try:
            return resp.json()
        except ValueError:
            if not _ok(resp):
                raise self._status_error(resp, request) from None
            raise ServiceAnswerError(
                f"{request}: {resp.url or self.url} answered with a body that is not JSON: {_excerpt(resp)}",
                service=self.url,
                request=request,
                status=resp.status_code,
            ) from None

    def _status_error(self, resp: requests.Response, request: str) -> ServiceAnswerError:
        return ServiceAnswerError(
            f"{request}: {resp.url or self.url} answered HTTP {resp.status_code}: {_excerpt(resp)}",
            service=self.url,
            request=request,
            status=resp.status_code,
        )

    def _rpc_error(self, method: str, error: Any) -> RpcError:
        if isinstance(error, dict):
            return RpcError(self.url, method, error.get("code"), str(error.get("message", "")), error.get("data"))
        return RpcError(self.url, method, None, str(error))


def _ok(resp: requests.Response) -> bool:
    return 200 <= resp.status_code < 300


def _excerpt(resp: requests.Response, limit: int = 200) -> str:
    """The start of a response body, for error messages."""
    text = " ".join(resp.text.split())
    return (text[:limit] + "...") if len(text) > limit else (text or "(empty body)")

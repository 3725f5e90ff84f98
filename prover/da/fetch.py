"""Fetching published data over HTTP: an L1 execution RPC and a beacon API.

Why retries live here: public endpoints drop requests and rate-limit. Every
request is retried with exponential backoff on connection errors, timeouts,
HTTP 429 and 5xx; a 404 is an answer ("not there"), not a failure. Whatever
could not be obtained is collected and reported together, precisely
(:class:`~prover.da.errors.MissingDataError`), instead of failing on the first gap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from prover.da.errors import MissingDataError

RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass
class HttpClient:
    """JSON over HTTP with retries and exponential backoff."""

    base_url: str
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 15.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response | None:
        last = ""
        for attempt in range(self.retries + 1):
            try:
                resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code == 404:
                    return None
                if resp.status_code not in RETRY_STATUS:
                    resp.raise_for_status()
                    return resp
                last = f"HTTP {resp.status_code}"
            if attempt < self.retries:
                self.sleep(self.backoff * (2**attempt))
        raise MissingDataError([f"{method} {url}"], f"gave up after {self.retries + 1} attempts: {last}")

    def get_json(self, path: str) -> Any | None:
        """GET ``base_url + path`` -> JSON, or None on 404."""
        resp = self._request("GET", self.base_url.rstrip("/") + path, headers={"Accept": "application/json"})
        return None if resp is None else resp.json()

    def rpc(self, method: str, params: list[Any]) -> Any:
        """A JSON-RPC call; RPC-level errors are reported, not retried."""
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        resp = self._request("POST", self.base_url, json=body)
        if resp is None:
            raise MissingDataError([f"{method} {params}"], f"{self.base_url} answered 404")
        out = resp.json()
        if out.get("error"):
            raise MissingDataError([f"{method} {params}"], f"RPC error: {out['error']}")
        return out.get("result")


@dataclass(frozen=True)
class Sidecar:
    """One blob sidecar from ``/eth/v1/beacon/blob_sidecars/{slot}``."""

    index: int
    blob: bytes
    commitment: bytes
    proof: bytes


def _hex(s: str) -> bytes:
    return bytes.fromhex(s[2:] if s.startswith("0x") else s)


def parse_sidecars(payload: dict[str, Any]) -> list[Sidecar]:
    """Parses a blob_sidecars response body."""
    return [
        Sidecar(int(item["index"]), _hex(item["blob"]), _hex(item["kzg_commitment"]), _hex(item["kzg_proof"]))
        for item in payload.get("data", [])
    ]


@dataclass
class BeaconClient:
    """The three beacon endpoints reconstruction needs."""

    http: HttpClient

    _clock: tuple[int, int] | None = None

    def clock(self) -> tuple[int, int]:
        """(genesis time, seconds per slot), fetched once."""
        if self._clock is None:
            genesis = self.http.get_json("/eth/v1/beacon/genesis")
            spec = self.http.get_json("/eth/v1/config/spec")
            if genesis is None or spec is None:
                raise MissingDataError(["beacon genesis" if genesis is None else "beacon config spec"])
            self._clock = (int(genesis["data"]["genesis_time"]), int(spec["data"]["SECONDS_PER_SLOT"]))
        return self._clock

    def slot_of(self, timestamp: int) -> int:
        genesis_time, seconds = self.clock()
        if timestamp < genesis_time:
            raise MissingDataError([f"slot for L1 timestamp {timestamp}"], "before beacon genesis")
        return (timestamp - genesis_time) // seconds

    def sidecars(self, slot: int) -> list[Sidecar] | None:
        payload = self.http.get_json(f"/eth/v1/beacon/blob_sidecars/{slot}")
        return None if payload is None else parse_sidecars(payload)


@dataclass
class L1Client:
    """``eth_getBlockByNumber`` with full transactions."""

    http: HttpClient

    def block(self, number: int) -> dict[str, Any] | None:
        return self.http.rpc("eth_getBlockByNumber", [hex(number), True])

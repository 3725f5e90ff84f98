"""Fetching published data: L1 blocks from an execution RPC, blob sidecars from a beacon API.

Requests go through :class:`~refute.prover.rpc.RpcClient`, which retries what
is worth retrying and raises :class:`~refute.prover.errors.ServiceUnreachable`
when a service does not answer at all. An answer of "not there" (a null block,
a 404 from the beacon API) comes back as ``None``, so that everything that
could not be obtained is collected and reported together, precisely
(:class:`~refute.prover.da.errors.MissingDataError`), instead of failing on the
first gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refute.hexutil import HexError, parse_hex
from refute.prover.da.errors import MissingDataError
from refute.prover.errors import InvalidInputError
from refute.prover.rpc import RpcClient


@dataclass(frozen=True)
class Sidecar:
    """One blob sidecar from ``/eth/v1/beacon/blob_sidecars/{slot}``."""

    index: int
    blob: bytes
    commitment: bytes
    proof: bytes


def parse_sidecars(payload: dict[str, Any]) -> list[Sidecar]:
    """Parses a blob_sidecars response body; a malformed one raises :class:`InvalidInputError`."""
    out = []
    for n, item in enumerate(payload.get("data", [])):
        what = f"blob sidecar {n}"
        try:
            out.append(
                Sidecar(
                    int(item["index"]),
                    parse_hex(item["blob"], f"{what}: blob"),
                    parse_hex(item["kzg_commitment"], f"{what}: kzg_commitment"),
                    parse_hex(item["kzg_proof"], f"{what}: kzg_proof"),
                )
            )
        except HexError as exc:
            raise InvalidInputError(str(exc)) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"{what}: malformed ({type(exc).__name__}: {exc})") from None
    return out


@dataclass
class BeaconClient:
    """The three beacon endpoints reconstruction needs."""

    http: RpcClient

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

    http: RpcClient

    def block(self, number: int) -> dict[str, Any] | None:
        """The block with full transactions, or None when the node has no such block."""
        block = self.http.call("eth_getBlockByNumber", hex(number), True)
        if block is not None and not isinstance(block, dict):
            raise InvalidInputError(
                f"eth_getBlockByNumber({number}): expected a block object, got {type(block).__name__}"
            )
        return block

"""Connecting to a Ray cluster: start one on this machine, or join an existing one.

``local`` starts a private single-machine cluster bound to 127.0.0.1, with usage
reporting and the dashboard off and a small object store (segments and
receipts are a few MiB each); ``auto`` joins the cluster this machine is part of
(``ray start``); ``ray://HOST:PORT`` connects through Ray Client. The session
always shuts down what it started.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from refute.prover.cluster.errors import ClusterError
from refute.prover.errors import UsageError

#: Object store of a ``local`` cluster: room for many segments at po2 20 (~10 MiB each) and their receipts.
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ClusterInfo:
    """What the driver is connected to."""

    address: str
    nodes: int
    cpus: float
    memory_bytes: float
    startup_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "nodes": self.nodes,
            "cpus": self.cpus,
            "memory_bytes": int(self.memory_bytes),
            "startup_seconds": round(self.startup_seconds, 3),
        }


def check_cluster_spec(spec: str) -> str:
    """``local``, ``auto`` or ``ray://HOST:PORT``; anything else is a usage error."""
    if spec in ("local", "auto"):
        return spec
    if spec.startswith("ray://"):
        host, sep, port = spec.removeprefix("ray://").rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            return spec
    raise UsageError(f"--cluster {spec!r}: expected local, auto or ray://HOST:PORT")


def loopback_only() -> None:
    """Makes Ray started from this process bind to 127.0.0.1 only.

    Ray maps a requested 127.0.0.1 to the machine's reachable address unless
    multi-machine clusters are disabled (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``);
    that switch is read when Ray is imported, so it is set both in the
    environment (for Ray's own processes) and in Ray's constants if Ray is
    already imported. Only for clusters that live on this machine.
    """
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    import ray._private.ray_constants as ray_constants

    ray_constants.ENABLE_RAY_CLUSTER = False


def _check_loopback(spec: str) -> None:
    import ray

    addresses = {n.get("NodeManagerAddress") for n in ray.nodes()}
    if addresses != {"127.0.0.1"}:
        raise ClusterError(
            f"the local cluster is not bound to 127.0.0.1 only: nodes at {sorted(addresses)}", cluster=spec
        )


@contextmanager
def cluster_session(spec: str, *, num_cpus: int | None = None) -> Iterator[ClusterInfo]:
    """Connects (or starts a local cluster) for the duration of the ``with`` block."""
    check_cluster_spec(spec)
    # Ray reads this when it starts; no usage data leaves this machine.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if spec == "local":
        loopback_only()
    import ray

    if ray.is_initialized():
        raise ClusterError("already connected to a Ray cluster in this process", cluster=spec)
    started = time.perf_counter()
    kwargs: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    try:
        if spec == "local":
            ray.init(
                address="local",
                num_cpus=num_cpus,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                **kwargs,
            )
        else:
            ray.init(address=spec, **kwargs)
    except ConnectionError as exc:
        raise ClusterError(f"cannot connect to the Ray cluster at {spec}: {exc}", cluster=spec) from exc
    except Exception as exc:
        ray.shutdown()
        raise ClusterError(
            f"cannot start or join the Ray cluster {spec}: {type(exc).__name__}: {exc}", cluster=spec
        ) from exc
    try:
        if spec == "local":
            _check_loopback(spec)
        resources = ray.cluster_resources()
        info = ClusterInfo(
            address=spec,
            nodes=len([n for n in ray.nodes() if n.get("Alive")]),
            cpus=float(resources.get("CPU", 0)),
            memory_bytes=float(resources.get("memory", 0)),
            startup_seconds=time.perf_counter() - started,
        )
        yield info
    finally:
        ray.shutdown()

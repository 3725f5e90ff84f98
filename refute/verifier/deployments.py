"""The deployments refute ships: RISC Zero's Ethereum mainnet router (the default), and every release.

* :data:`ETHEREUM_MAINNET` mirrors the published state of RISC Zero's router on
  Ethereum mainnet (``data/deployments/ethereum-mainnet.json``; its ``source``
  names the risc0-ethereum commit and date it was read from): registered,
  removed (tombstoned) and e-stopped selectors exactly as there.
* :data:`DEFAULT_DEPLOYMENT` is :data:`ETHEREUM_MAINNET`: what ``refute verify``,
  ``verifier.verify_seal`` and ``default_router()`` use without a deployment.  A
  seal is accepted by default only if RISC Zero's mainnet router would route it.
* :data:`ALL_RELEASES` (``Deployment.every_release()``, ``--deployment all-releases``)
  registers every embedded parameter set (derived from ``PARAMETER_SETS``), nothing
  removed or stopped: for conformance work and for the local-chain router of
  ``refute l1 deploy``, which registers every set.
"""

from __future__ import annotations

import json
from importlib import resources

from .deployment import Deployment, deployment_from_json

__all__ = [
    "ALL_RELEASES",
    "BUILTIN_DEPLOYMENTS",
    "DEFAULT_DEPLOYMENT",
    "ETHEREUM_MAINNET",
    "builtin_deployment",
    "builtin_deployment_path",
]

_DIR = "data/deployments"


def builtin_deployment_path(name: str) -> str:
    """Filesystem path of a packaged deployment file (e.g. for ``refute verify --deployment``)."""
    return str(resources.files(__package__) / _DIR / f"{name}.json")


def _load(name: str) -> Deployment:
    resource = resources.files(__package__) / _DIR / f"{name}.json"
    return deployment_from_json(json.loads(resource.read_text(encoding="utf-8")), str(resource))


ETHEREUM_MAINNET: Deployment = _load("ethereum-mainnet")

#: the default: exactly RISC Zero's published mainnet router state
DEFAULT_DEPLOYMENT: Deployment = ETHEREUM_MAINNET

#: every embedded parameter set registered (conformance work, the local-chain router)
ALL_RELEASES: Deployment = Deployment.every_release()

#: the deployments ``refute verify --deployment NAME`` accepts by name
BUILTIN_DEPLOYMENTS: dict[str, Deployment] = {d.name: d for d in (ETHEREUM_MAINNET, ALL_RELEASES)}


def builtin_deployment(name: str) -> Deployment:
    """A shipped deployment by name (``ethereum-mainnet``, ``all-releases``); ``KeyError`` otherwise."""
    try:
        return BUILTIN_DEPLOYMENTS[name]
    except KeyError:
        raise KeyError(f"no built-in deployment {name!r}; known: {', '.join(BUILTIN_DEPLOYMENTS)}") from None

"""The deployments refute ships: RISC Zero's Ethereum mainnet router, and the default.

* :data:`ETHEREUM_MAINNET` mirrors the published state of RISC Zero's router on
  Ethereum mainnet (``data/deployments/ethereum-mainnet.json``; its ``source``
  names the risc0-ethereum commit and date it was read from).
* :data:`DEFAULT_DEPLOYMENT` is what ``refute verify`` and ``verifier.verify_seal``
  use without ``--deployment``: every embedded parameter set is registered except
  the selectors RISC Zero removed from its mainnet router, which are tombstoned as
  there.  It follows mainnet's removals, which are permanent revocations, but not
  its per-chain operational state (the e-stops of the 2.0/2.1 verifiers, which
  selectors happen to be routed), so a valid receipt of any other released
  verifier still verifies.  Pass the mainnet file to ``--deployment`` to decide
  exactly as that router does.
"""

from __future__ import annotations

import json
from importlib import resources

from .deployment import Deployment, deployment_from_json
from .params import PARAMETER_SETS

__all__ = ["BUILTIN_DEPLOYMENTS", "DEFAULT_DEPLOYMENT", "ETHEREUM_MAINNET", "builtin_deployment_path"]

_DIR = "data/deployments"


def builtin_deployment_path(name: str) -> str:
    """Filesystem path of a packaged deployment file (e.g. for ``refute verify --deployment``)."""
    return str(resources.files(__package__) / _DIR / f"{name}.json")


def _load(name: str) -> Deployment:
    resource = resources.files(__package__) / _DIR / f"{name}.json"
    return deployment_from_json(json.loads(resource.read_text(encoding="utf-8")), str(resource))


ETHEREUM_MAINNET: Deployment = _load("ethereum-mainnet")

DEFAULT_DEPLOYMENT: Deployment = Deployment(
    name="default",
    registered=tuple(ps for ps in PARAMETER_SETS if ps.selector not in ETHEREUM_MAINNET.removed),
    removed=ETHEREUM_MAINNET.removed,
    source=(
        "every embedded parameter set, minus the selectors removed from RISC Zero's Ethereum mainnet router ("
        + ETHEREUM_MAINNET.source
        + ")"
    ),
)

BUILTIN_DEPLOYMENTS: dict[str, Deployment] = {d.name: d for d in (DEFAULT_DEPLOYMENT, ETHEREUM_MAINNET)}

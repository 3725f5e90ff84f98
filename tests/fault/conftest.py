"""One generated bundle per session (the generator builds and executes two L2 blocks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def fault_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from refute.prover.fault import example

    out = tmp_path_factory.mktemp("fault") / "bundle"
    return out, example(out, transactions=10)

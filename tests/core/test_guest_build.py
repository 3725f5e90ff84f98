"""Guest builds are reproducible: a clean build elsewhere gives the locked image ID.

Slow (a from-scratch build of std and risc0-zkvm for riscv32im); it is part of
`make test` because image IDs are what L1 contracts pin: a build that is not
reproducible makes a proof unverifiable against the published ID. The locked ID
came from other builds (other checkouts, other target dirs, incremental ones),
so one clean build from another checkout path and another target dir that
matches it shows the ID depends on neither.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from refute.prover.guests_registry import manifest


def _clean_build(guest_build: ModuleType, root: Path, pack_tool: Path) -> str:
    """Builds the digest guest from a copy of the sources laid out as a checkout, into an empty target dir."""
    src = guest_build.stage_sources(root / "checkout")
    out = root / "out"
    env = dict(os.environ, REFUTE_PACK_GUEST=str(pack_tool))
    cmd = [sys.executable, str(src / "guest" / "build.py"), "--out-dir", str(out), "--target-dir", str(root / "target")]
    proc = subprocess.run([*cmd, "digest"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return str(json.loads((out / "manifest.json").read_text())["digest"]["image_id"])


@pytest.mark.slow
def test_a_clean_build_elsewhere_gives_the_locked_image_id(
    repo_dir: Path, guest_build: ModuleType, tmp_path: Path, pack_tool: Path
) -> None:
    built = _clean_build(guest_build, tmp_path / "a-checkout-at-another-path", pack_tool)
    assert built == guest_build.read_lock(repo_dir / "guest" / "image-ids.json")["digest"]
    # ...and the same as the build the package ships.
    assert manifest()["digest"]["image_id"] == built

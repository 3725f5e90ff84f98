"""Guest builds are reproducible: two clean builds from different paths, same image ID.

Slow (two from-scratch builds of std and risc0-zkvm for riscv32im); it is part of
`make test` because image IDs are what L1 contracts pin: a build that is not
reproducible makes a proof unverifiable against the published ID.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refute.prover.guests_registry import manifest


def _copy_sources(repo: Path, dest: Path) -> Path:
    """The guest workspace, the crates it depends on and their workspace root (lints), as a checkout has them."""
    ignore = shutil.ignore_patterns("target", "__pycache__")
    shutil.copytree(repo / "guest", dest / "guest", ignore=ignore)
    shutil.copytree(repo / "native" / "crates", dest / "native" / "crates", ignore=ignore)
    shutil.copytree(repo / "native" / "src", dest / "native" / "src", ignore=ignore)
    for name in ("Cargo.toml", "Cargo.lock"):
        shutil.copy2(repo / "native" / name, dest / "native" / name)
    shutil.copy2(repo / "rustfmt.toml", dest / "rustfmt.toml")
    return dest


def _clean_build(repo: Path, root: Path, pack_tool: Path) -> str:
    src = _copy_sources(repo, root / "src")
    out = root / "out"
    target = root / "target"
    env = dict(os.environ, REFUTE_PACK_GUEST=str(pack_tool))
    proc = subprocess.run(
        [sys.executable, str(src / "guest" / "build.py"), "--out-dir", str(out), "--target-dir", str(target), "digest"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads((out / "manifest.json").read_text())["digest"]["image_id"]


@pytest.mark.slow
def test_two_clean_builds_give_the_same_image_id(repo_dir: Path, tmp_path: Path, pack_tool: Path) -> None:
    first = _clean_build(repo_dir, tmp_path / "a", pack_tool)
    second = _clean_build(repo_dir, tmp_path / "second-build-at-a-longer-path", pack_tool)
    assert first == second
    # ...and the same as the build the package ships.
    assert manifest()["digest"]["image_id"] == first

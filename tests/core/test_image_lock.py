"""The guests' image IDs are a committed lockfile: a build that differs fails.

L1 contracts pin image IDs, so a guest build that silently produced another ID
(another toolchain, an edited dependency) would make every proof unverifiable
against the published one. ``guest/build.py`` checks each build against
``guest/image-ids.json`` before installing it.
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


def _build_digest(
    repo_dir: Path, pack_tool: Path, out: Path, lock: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REFUTE_PACK_GUEST=str(pack_tool))
    cmd = [sys.executable, str(repo_dir / "guest" / "build.py"), "--out-dir", str(out), "--lock", str(lock)]
    return subprocess.run([*cmd, *extra, "digest"], capture_output=True, text=True, env=env)


def test_installed_guests_match_the_committed_lockfile(repo_dir: Path, guest_build: ModuleType) -> None:
    locked = guest_build.read_lock(repo_dir / "guest" / "image-ids.json")
    installed = {name: entry["image_id"] for name, entry in manifest().items()}
    programs = sorted(p.name for p in (repo_dir / "guest" / "programs").iterdir() if (p / "Cargo.toml").exists())
    assert sorted(locked) == programs, "every guest program has a locked image ID"
    assert installed == locked


def test_a_build_that_differs_from_the_lock_is_refused_and_not_installed(
    repo_dir: Path, tmp_path: Path, pack_tool: Path
) -> None:
    lock = tmp_path / "image-ids.json"
    wrong = "0x" + "00" * 32
    lock.write_text(json.dumps({"about": "test", "image_ids": {"digest": wrong}}))
    out = tmp_path / "out"
    proc = _build_digest(repo_dir, pack_tool, out, lock)
    assert proc.returncode == 1
    assert "guest digest" in proc.stderr and wrong in proc.stderr
    assert manifest()["digest"]["image_id"] in proc.stderr
    assert "--update-lock digest" in proc.stderr
    assert not (out / "digest.bin").exists()
    assert not list(out.glob(".*.new"))


def test_update_lock_records_the_build(repo_dir: Path, tmp_path: Path, pack_tool: Path) -> None:
    lock = tmp_path / "image-ids.json"
    lock.write_text(json.dumps({"about": "test", "image_ids": {"other": "0x01"}}))
    proc = _build_digest(repo_dir, pack_tool, tmp_path / "out", lock, "--update-lock")
    assert proc.returncode == 0, proc.stderr[-2000:]
    ids = json.loads(lock.read_text())["image_ids"]
    assert ids == {"other": "0x01", "digest": manifest()["digest"]["image_id"]}


def test_a_guest_missing_from_the_lock_is_refused(repo_dir: Path, tmp_path: Path, pack_tool: Path) -> None:
    lock = tmp_path / "image-ids.json"
    lock.write_text(json.dumps({"about": "test", "image_ids": {}}))
    proc = _build_digest(repo_dir, pack_tool, tmp_path / "out", lock)
    assert proc.returncode == 1
    assert "is not in" in proc.stderr


@pytest.mark.parametrize("text", ["not json", "[]", '{"image_ids": {"a": 1}}', '{"about": "no ids"}'])
def test_a_malformed_lockfile_is_a_clear_error(guest_build: ModuleType, tmp_path: Path, text: str) -> None:
    lock = tmp_path / "image-ids.json"
    lock.write_text(text)
    with pytest.raises(guest_build.GuestBuildError, match=r"image-ids\.json"):
        guest_build.read_lock(lock)

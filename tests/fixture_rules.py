"""What a test does when third-party data is absent: skip locally, fail under CI.

The data lives outside the repo, in ``$REFUTE_FIXTURES`` (default ``../shared``
beside the clone). Conformance tests collect one item per fixture case at import
time with :func:`fixture_cases`; when the data is absent they still get one item,
which applies the policy (see ``pytest_runtest_setup`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
HINT = "set REFUTE_FIXTURES to the shared/ directory"
KNOWN_FAILURES_FILE = REPO_DIR / "tests" / "known_failures.json"


def missing_fixture(message: str) -> NoReturn:
    """Skips locally; under ``CI=true`` a missing fixture fails the run instead.

    ``message`` says what is missing and where, e.g. ``"<path> missing"``.
    """
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires the fixtures: {message}")
    pytest.skip(message)


def shared_dir() -> Path:
    """``$REFUTE_FIXTURES``, or ``../shared`` beside the clone."""
    return Path(os.environ.get("REFUTE_FIXTURES") or REPO_DIR.parent / "shared")


def fixtures_path(rel: str) -> Path:
    """``rel`` under the ``fixtures/`` folder of the shared data (or under the data itself)."""
    base = shared_dir()
    nested = base / "fixtures"
    return (nested if nested.is_dir() else base) / rel


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise applies the missing-fixture policy."""
    if not path.exists():
        missing_fixture(f"{path} missing ({HINT})")
    return path


def fixture_cases(cases: Iterable[tuple[str, Any]], where: Path) -> list[Any]:
    """One ``pytest.param`` per ``(id, value)``.

    Without any case (``where`` absent or empty) the result is a single item
    marked ``missing_fixture``: it skips locally and fails under ``CI=true``,
    so a run without the data never passes silently with zero items.
    """
    params = [pytest.param(value, id=case_id) for case_id, value in cases]
    ids = [p.id for p in params]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"fixture case ids are not unique: {duplicates}"
    if params:
        return params
    message = f"no fixture cases at {where} ({HINT})"
    return [pytest.param(None, id="fixtures-missing", marks=pytest.mark.missing_fixture(message))]


def known_failures(suite: str) -> dict[tuple[str, str], dict[str, str]]:
    """Entries of ``tests/known_failures.json`` for ``suite``, keyed by (file, case)."""
    data = json.loads(KNOWN_FAILURES_FILE.read_text())
    entries = data[suite]
    out = {}
    for entry in entries:
        missing = {"file", "case", "error", "reason"} - entry.keys()
        assert not missing, f"{KNOWN_FAILURES_FILE}: entry {entry} lacks {sorted(missing)}"
        key = (entry["file"], entry["case"])
        assert key not in out, f"{KNOWN_FAILURES_FILE}: {key} is listed twice"
        out[key] = entry
    return out

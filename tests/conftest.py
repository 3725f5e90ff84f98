"""Shared pytest configuration.

Third-party conformance data lives outside the repo, in ``$REFUTE_FIXTURES``
(default ``../shared`` beside the clone). Tests that need it use the
``fixtures_dir`` fixture, which skips with a clear message where it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixture_rules import missing_fixture

REPO_DIR = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    return Path(os.environ.get("REFUTE_FIXTURES") or REPO_DIR.parent / "shared")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    path = shared_dir()
    if not path.is_dir():
        missing_fixture(f"conformance data not found at {path} (set REFUTE_FIXTURES to the shared/ directory)")
    return path


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO_DIR

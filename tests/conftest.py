"""Shared pytest configuration.

Third-party conformance data lives outside the repo, in ``$REFUTE_FIXTURES``
(default ``../shared`` beside the clone). Tests that need it use the
``fixtures_dir`` fixture, or collect their cases with
``fixture_rules.fixture_cases``; where the data is absent they skip locally and
fail under ``CI=true`` (``fixture_rules.missing_fixture``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_rules import HINT, REPO_DIR, missing_fixture, shared_dir


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "missing_fixture(message): stands in for fixture cases whose data is absent; "
        "skips locally, fails under CI=true",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    mark = item.get_closest_marker("missing_fixture")
    if mark is not None:
        missing_fixture(mark.args[0])


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    path = shared_dir()
    if not path.is_dir():
        missing_fixture(f"conformance data not found at {path} ({HINT})")
    return path


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO_DIR


@pytest.fixture(scope="session")
def pack_tool() -> Path:
    """The `refute-pack-guest` binary `make guests` built (guest-build tests reuse it instead of rebuilding)."""
    import os

    target = Path(
        os.environ.get("CARGO_TARGET_DIR")
        or Path(os.environ.get("REFUTE_CACHE_DIR") or Path.home() / ".cache" / "refute") / "target"
    )
    tool = target / "release" / "refute-pack-guest"
    if not tool.exists():
        pytest.fail(f"refute-pack-guest not built at {tool}: `make guests` builds it before the tests")
    return tool

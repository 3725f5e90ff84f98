"""Shared pytest configuration.

Third-party conformance data lives outside the repo, in ``$REFUTE_FIXTURES``
(default ``../shared`` beside the clone). Tests that need it use the
``fixtures_dir`` fixture, or collect their cases with
``fixture_rules.fixture_cases``; where the data is absent they skip locally and
fail under ``CI=true`` (``fixture_rules.missing_fixture``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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
def guest_build(repo_dir: Path) -> ModuleType:
    """``guest/build.py`` as a module (a script: it runs before the virtualenv exists)."""
    spec = importlib.util.spec_from_file_location("guest_build", repo_dir / "guest" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pack_tool(guest_build: ModuleType) -> Path:
    """The `refute-pack-guest` binary `make guests` built (guest-build tests reuse it instead of rebuilding)."""
    tool: Path = guest_build.pack_tool_path()
    if not tool.exists():
        pytest.fail(f"refute-pack-guest not built at {tool}: `make guests` builds it before the tests")
    return tool

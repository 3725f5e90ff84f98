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
from typing import Any

import pytest
from fixture_rules import HINT, REPO_DIR, missing_fixture, shared_dir


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "missing_fixture(message): stands in for fixture cases whose data is absent; "
        "skips locally, fails under CI=true",
    )


#: The longest tests (real proofs on a local Ray cluster, minutes each), run first on a worker of
#: their own while the other workers take everything else. Side by side, their two Ray clusters
#: oversubscribe two cores and both take twice as long.
LONGEST_FIRST = "tests/cluster/test_cluster_ray.py"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Orders the modules for ``pytest -n`` (`make test` runs ``pytest -n auto --dist loadfile``,
    one module per worker at a time, so a module-scoped fixture is made once): `LONGEST_FIRST`,
    then the modules with a ``slow`` test, then the rest, each in collection order, so no long
    module starts last and leaves the other worker idle at the end. A stable sort keeps each
    module's tests together and in order."""
    slow_modules = {_module(item) for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        module = _module(item)
        return 0 if module == LONGEST_FIRST else 1 if module in slow_modules else 2

    items.sort(key=rank)


def _module(item: pytest.Item) -> str:
    """The test's module as xdist's ``loadfile`` scheduling names it (the node ID's file part)."""
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's ``loadfile`` scheduling in the order above (not re-sorted by module size), except
    that the worker running `LONGEST_FIRST` gets nothing more until it is done: xdist queues the
    next module on any worker with two tests or fewer left, which would strand that module behind
    the longest one while the other worker runs dry."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongestFirstScheduling(LoadFileScheduling):
        def _reschedule(self, node: Any) -> None:
            longest = self.assigned_work.get(node, {}).get(LONGEST_FIRST, {})
            if self.workqueue and not all(longest.values()):
                return
            super()._reschedule(node)

    config.option.loadscopereorder = False
    return LongestFirstScheduling(config, log)


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

"""Fixtures for the data-availability tests.

``da_fixtures`` is the ``fixtures/`` folder of the shared third-party data
(``$REFUTE_FIXTURES``, default ``../shared``); ``native`` skips when the native
core is not built, with the command that builds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from da_helpers import UNICHAIN_BLOBS, UNICHAIN_DIR
from fixture_rules import HINT, missing_fixture, require


@pytest.fixture(scope="session")
def native() -> None:
    try:
        import refute._native  # noqa: F401
    except ImportError:
        pytest.skip("native core (refute_native) not built: run `make install`")


@pytest.fixture(scope="session")
def da_fixtures(fixtures_dir: Path) -> Path:
    for candidate in (fixtures_dir / "fixtures", fixtures_dir):
        if (candidate / "SOURCES.md").exists():
            return candidate
    missing_fixture(f"no fixtures/SOURCES.md under {fixtures_dir} ({HINT})")


@pytest.fixture(scope="session")
def unichain_blob_paths(da_fixtures: Path) -> list[Path]:
    return [require(da_fixtures / UNICHAIN_DIR / n) for n in UNICHAIN_BLOBS]

"""Fixtures for the data-availability tests.

``da_fixtures`` is the ``fixtures/`` folder of the shared third-party data
(``$REFUTE_FIXTURES``, default ``../shared``); ``native`` skips when the native
core is not built, with the command that builds it.
"""

from __future__ import annotations

from pathlib import Path
import pytest

UNICHAIN_BLOBS = [
    # Blob order inside batcher tx 0x713d467f...131e: #0, #1, #2.
    "blob_13380190_0x010d628a3a0dfa67dcef83700e3112944385031479b9ee30b767448f23eec5b4.bin",
    "blob_13380190_0x01cdba5028140db2b9c051371c8101b449177da4b3e4b06e0e44d1fb8843b156.bin",
    "blob_13380190_0x01066ce0dde5a705b8a856c9c4c4df7ec371149dc54e5c9151a4959b0bc0de9d.bin",
]


@pytest.fixture(scope="session")
def native() -> None:
    try:
        import refute_native  # noqa: F401
    except ImportError:
        pytest.skip("native core (refute_native) not built: run `make install`")


@pytest.fixture(scope="session")
def da_fixtures(fixtures_dir: Path) -> Path:
    for candidate in (fixtures_dir / "fixtures", fixtures_dir):
        if (candidate / "SOURCES.md").exists():
            return candidate
    pytest.skip(f"no fixtures/SOURCES.md under {fixtures_dir} (set REFUTE_FIXTURES to the shared/ directory)")


@pytest.fixture(scope="session")
def unichain_blob_paths(da_fixtures: Path) -> list[Path]:
    return [da_fixtures / "op-derivation" / "unichain-mainnet-blobs" / n for n in UNICHAIN_BLOBS]

"""Fixtures of the cluster tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def digest_guest():
    from refute.prover.guests_registry import load_guest

    return load_guest("digest")


@pytest.fixture(scope="session")
def keccak_guest():
    from refute.prover.guests_registry import load_guest

    return load_guest("keccak")


@pytest.fixture(autouse=True)
def _no_usage_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray must never report usage from tests."""
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")

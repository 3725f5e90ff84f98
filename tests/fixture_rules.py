"""What a test does when third-party data is absent: skip locally, fail under CI."""

from __future__ import annotations

import os

import pytest


def missing_fixture(message: str) -> None:
    """Skips locally; under ``CI=true`` a missing fixture fails the run instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: fixtures are required)")
    pytest.skip(message)

"""Small helpers shared by the DA tests (imported by name: tests/ is not a package)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def load_gz_json(path: Path) -> Any:
    with gzip.open(path) as fh:
        return json.load(fh)

"""Small helpers shared by the DA tests (imported by name: tests/ is not a package)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

UNICHAIN_DIR = "op-derivation/unichain-mainnet-blobs"
UNICHAIN_BLOBS = [
    # Blob order inside batcher tx 0x713d467f...131e: #0, #1, #2.
    "blob_13380190_0x010d628a3a0dfa67dcef83700e3112944385031479b9ee30b767448f23eec5b4.bin",
    "blob_13380190_0x01cdba5028140db2b9c051371c8101b449177da4b3e4b06e0e44d1fb8843b156.bin",
    "blob_13380190_0x01066ce0dde5a705b8a856c9c4c4df7ec371149dc54e5c9151a4959b0bc0de9d.bin",
]


def load_gz_json(path: Path) -> Any:
    with gzip.open(path) as fh:
        return json.load(fh)

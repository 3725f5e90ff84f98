"""Helpers shared by the execution tests (not fixtures: plain functions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from Crypto.Hash import keccak


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def find_invalid_block(root: Path, exception: str) -> tuple[Path, str, int] | None:
    """(file, test name, block index) of the first block expected to fail with ``exception``."""
    for path in sorted(root.rglob("*.json")):
        text = path.read_text()
        if exception not in text:
            continue
        for name, test in json.loads(text).items():
            if test["network"] not in ("Cancun", "Prague"):
                continue
            for i, b in enumerate(test["blocks"]):
                if exception in (b.get("expectException") or ""):
                    return path, name, i
    return None


def hexb(data: bytes) -> str:
    return "0x" + data.hex()


def as_json_witness(witness: dict[str, Any]) -> bytes:
    return json.dumps(witness).encode()

"""The RISC Zero Groth16 conformance receipts, read at import time so tests can
be parametrized with one item per receipt (imported by name: tests/ is not a package)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixture_rules import fixture_cases, shared_dir

CONFORMANCE_FILE = shared_dir() / "conformance" / "risc0-groth16-receipts.json"


@dataclass(frozen=True)
class Receipt:
    name: str
    seal: bytes
    image_id: bytes
    journal: bytes
    selector: bytes
    parameters: dict


def load_conformance(path: Path = CONFORMANCE_FILE) -> dict | None:
    """The conformance file's content, or None where it is absent."""
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def parse_receipts(conformance: dict) -> list[Receipt]:
    out = []
    for r in conformance["receipts"]:
        assert r["expected"] == "accept"
        out.append(
            Receipt(
                name=r["name"],
                seal=bytes.fromhex(r["seal"]),
                image_id=bytes.fromhex(r["image_id"]),
                journal=bytes.fromhex(r["journal"]),
                selector=bytes.fromhex(r["selector"]),
                parameters=r["parameters"],
            )
        )
    assert out, "conformance file lists no receipts"
    return out


_CONFORMANCE = load_conformance()
RECEIPTS: list[Receipt] = parse_receipts(_CONFORMANCE) if _CONFORMANCE is not None else []


def each_receipt(exclude: tuple[str, ...] = ()) -> list[Any]:
    """Parameters for ``@pytest.mark.parametrize("r", each_receipt())``: one item per receipt."""
    return fixture_cases([(r.name, r) for r in RECEIPTS if r.name not in exclude], CONFORMANCE_FILE)

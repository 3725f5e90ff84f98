"""Fault bundles: one directory holding one fault-program input.

Layout: ``input.rlp`` (the RLP ``FaultInput`` the guest reads) and
``bundle.json`` (format, the input's SHA-256, and what the input commits to,
for people and scripts). Loading recomputes the hash, so a bundle whose input
was altered or truncated is refused instead of proved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refute.prover.errors import InvalidInputError, UsageError

BUNDLE_FORMAT = "refute.fault-bundle.v1"
INPUT_FILE = "input.rlp"
MANIFEST_FILE = "bundle.json"
MAX_INPUT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle: the input bytes and the manifest's description."""

    path: Path
    input: bytes
    manifest: dict[str, Any]

    @property
    def input_sha256(self) -> str:
        return "0x" + hashlib.sha256(self.input).hexdigest()


def write_bundle(out: Path, input_bytes: bytes, description: dict[str, Any]) -> Bundle:
    """Writes ``input.rlp`` and ``bundle.json`` into ``out`` (created if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / INPUT_FILE).write_bytes(input_bytes)
    manifest = {
        "format": BUNDLE_FORMAT,
        "input": INPUT_FILE,
        "input_sha256": "0x" + hashlib.sha256(input_bytes).hexdigest(),
        "input_bytes": len(input_bytes),
        **description,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
    return Bundle(out, input_bytes, manifest)


def load_bundle(path: Path) -> Bundle:
    """Reads a bundle directory; a missing, foreign or altered bundle raises a clear error."""
    if not path.is_dir():
        raise UsageError(f"{path}: not a directory (a fault bundle is a directory with {MANIFEST_FILE})")
    manifest_path = path / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no {MANIFEST_FILE}; not a fault bundle") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{manifest_path}: not JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise InvalidInputError(f"{manifest_path}: format {BUNDLE_FORMAT!r} expected")
    input_path = path / INPUT_FILE
    try:
        size = input_path.stat().st_size
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: {INPUT_FILE} is missing") from None
    if size > MAX_INPUT_BYTES:
        raise InvalidInputError(f"{input_path}: {size} bytes exceed the cap of {MAX_INPUT_BYTES}")
    data = input_path.read_bytes()
    bundle = Bundle(path, data, manifest)
    if bundle.input_sha256 != manifest.get("input_sha256"):
        raise InvalidInputError(
            f"{input_path}: SHA-256 is {bundle.input_sha256}, the manifest says {manifest.get('input_sha256')}",
            path=str(input_path),
        )
    return bundle

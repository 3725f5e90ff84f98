"""Finding the built zkVM guest programs.

Guests are built by ``guest/build.py`` into ``prover/guests/`` (or into the
directory named by ``REFUTE_GUEST_DIR``). The manifest records each image ID at
build time; :func:`load_guest` recomputes it from the binary through the native
core, so a stale or tampered manifest is caught instead of trusted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from refute.hexutil import to_hex
from refute.prover.errors import EnvironmentUnavailable, InvalidInputError

PACKAGE_GUEST_DIR = Path(__file__).resolve().parent / "guests"


def guest_dir() -> Path:
    override = os.environ.get("REFUTE_GUEST_DIR")
    return Path(override) if override else PACKAGE_GUEST_DIR


@dataclass(frozen=True)
class Guest:
    """A guest program binary (ELF + v1compat kernel) and its image ID."""

    name: str
    path: Path
    image_id: bytes

    @property
    def program(self) -> bytes:
        return self.path.read_bytes()

    @property
    def image_id_hex(self) -> str:
        return to_hex(self.image_id)


def manifest() -> dict[str, dict[str, str]]:
    path = guest_dir() / "manifest.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: expected an object of guests")
    return data


def guest_names() -> list[str]:
    return sorted(manifest())


def load_guest(name: str) -> Guest:
    """Loads a built guest and checks its image ID against the manifest."""
    from refute.prover import zkvm

    entries = manifest()
    if name not in entries:
        known = ", ".join(sorted(entries)) or "none (run `make guests`)"
        raise EnvironmentUnavailable(f"guest {name!r} is not built; built guests: {known}")
    path = guest_dir() / entries[name]["binary"]
    if not path.exists():
        raise EnvironmentUnavailable(f"guest {name!r}: {path} is missing; run `make guests`")
    image_id = zkvm.image_id(path.read_bytes())
    recorded = entries[name]["image_id"].lower().removeprefix("0x")
    if image_id.hex() != recorded:
        raise InvalidInputError(
            f"guest {name!r}: {path} has image ID 0x{image_id.hex()} but the manifest records 0x{recorded}; "
            "rebuild with `make guests`"
        )
    return Guest(name=name, path=path, image_id=image_id)

"""Content-addressed receipts on disk, so a restarted driver does not reprove.

Why content addresses: the zkVM is deterministic, so segment ``i`` of a run is
fixed by the program (its image ID), the input and the segment size; its
receipt is addressed by a hash of exactly those (and the prover version), a
keccak request's proof likewise (plus the request size), and a join's or a
union's by the keys of its two inputs. (The serialized segment itself is not
byte-stable between runs, so it cannot be the address.) A rerun of the same
guest on the same input finds every key and skips the work; a different run
never picks up another's receipt, and a corrupted one is caught where receipts
are checked anyway (a join of non-neighbours, or a final claim that differs
from the executed one, is refused). Files are written atomically (temporary
file, then rename), so a driver killed mid-write leaves no torn receipt.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from refute.prover.errors import InvalidInputError

#: Environment variable naming the store directory.
STORE_ENV = "REFUTE_RECEIPT_STORE"


def default_store_dir() -> Path:
    """``$REFUTE_RECEIPT_STORE``, else ``$XDG_CACHE_HOME/refute/receipts`` (``~/.cache/...``)."""
    override = os.environ.get(STORE_ENV)
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "refute" / "receipts"


def run_id(image_id: bytes, input_bytes: bytes, segment_po2: int) -> str:
    """What fixes every segment of a run: the program's image ID, the input and the segment size."""
    if len(image_id) != 32:
        raise InvalidInputError(f"image ID must be 32 bytes, got {len(image_id)}")
    digest = hashlib.sha256(input_bytes).hexdigest()
    return hashlib.sha256(f"refute.run.v1|{image_id.hex()}|{digest}|{segment_po2}".encode()).hexdigest()


def lift_key(namespace: str, run: str, index: int) -> str:
    """The key of segment ``index``'s lifted receipt in the run ``run`` (see :func:`run_id`)."""
    _check_hex(run, "run")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidInputError(f"segment index must be a non-negative integer, got {index!r}")
    return hashlib.sha256(f"refute.lift.v1|{namespace}|{run}|{index}".encode()).hexdigest()


def keccak_key(namespace: str, run: str, keccak_po2: int, index: int) -> str:
    """The key of the proof of keccak request ``index`` of run ``run``, requests sized by ``keccak_po2``."""
    _check_hex(run, "run")
    for what, value in (("keccak request index", index), ("keccak po2", keccak_po2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInputError(f"{what} must be a non-negative integer, got {value!r}")
    return hashlib.sha256(f"refute.keccak.v1|{namespace}|{run}|{keccak_po2}|{index}".encode()).hexdigest()


def union_key(namespace: str, left: str, right: str) -> str:
    """The key of the union of two keccak proofs (or unions), by their keys."""
    _check_hex(left, "left")
    _check_hex(right, "right")
    return hashlib.sha256(f"refute.union.v1|{namespace}|{left}|{right}".encode()).hexdigest()


def join_key(namespace: str, left: str, right: str) -> str:
    """The key of the join of two receipts, by their keys (order matters)."""
    _check_hex(left, "left")
    _check_hex(right, "right")
    return hashlib.sha256(f"refute.join.v1|{namespace}|{left}|{right}".encode()).hexdigest()


def _check_hex(key: str, what: str) -> None:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise InvalidInputError(f"{what}: expected 64 lowercase hex digits, got {key!r}")


class ReceiptStore:
    """Receipts by key under ``root/<first two hex digits>/<key>.bin``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        _check_hex(key, "key")
        return self.root / key[:2] / f"{key}.bin"

    def get(self, key: str) -> bytes | None:
        """The stored receipt, or ``None`` when there is none (an empty file counts as none)."""
        try:
            data = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        return data or None

    def put(self, key: str, receipt: bytes) -> None:
        if not receipt:
            raise InvalidInputError(f"refusing to store an empty receipt under {key}")
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{key}.", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(receipt)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

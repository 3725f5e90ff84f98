"""kona executor fixtures: a real L2 block with everything needed to rebuild it.

A fixture is a tar archive holding ``fixture.json`` (op-node rollup config,
parent header, payload attributes, expected block hash) and ``kv/``, a RocksDB
store of preimages (keccak256 → trie node, code or header) written by kona's
host. RocksDB is read with ``rocksdict`` (the RocksDB library itself), the
archive with :mod:`tarfile` under size caps and without following links; the
mapping onto refute's inputs (chain spec, OP payload, witness) happens in the
native core, so the guest sees exactly what native execution sees.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import rlp

from refute.hexutil import parse_hex
from refute.prover import native
from refute.prover.execute.errors import InvalidWitnessError

# A real fixture is under 5 MB; these caps stop a hostile archive early.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_PREIMAGES = 5_000_000


@dataclass(frozen=True)
class KonaFixture:
    """A kona fixture mapped onto refute's inputs (see ``refute_stf_kona_fixture``)."""

    number: int
    chain: dict[str, Any]
    payload: bytes
    witness: dict[str, Any]
    expected_block_hash: str
    description: str


def _extract(archive: Path, into: Path) -> Path:
    """Extracts regular files and directories only (no links, no absolute or ``..`` paths)."""
    try:
        tar = tarfile.open(archive, mode="r:*")  # noqa: SIM115 - closed by the `with tar:` below
    except (tarfile.TarError, OSError) as exc:
        raise InvalidWitnessError(f"{archive}: not a tar archive: {exc}") from None
    total = 0
    with tar:
        members = []
        for count, member in enumerate(tar, start=1):
            if count > MAX_MEMBERS:
                raise InvalidWitnessError(f"{archive}: more than {MAX_MEMBERS} entries")
            name = PurePosixPath(member.name)
            if name.is_absolute() or ".." in name.parts:
                raise InvalidWitnessError(f"{archive}: unsafe path {member.name!r}")
            if name.name.startswith("._"):
                continue  # macOS resource forks
            if not (member.isfile() or member.isdir()):
                continue
            if member.size > MAX_MEMBER_BYTES:
                raise InvalidWitnessError(f"{archive}: {member.name} is larger than {MAX_MEMBER_BYTES} bytes")
            total += member.size
            if total > MAX_TOTAL_BYTES:
                raise InvalidWitnessError(f"{archive}: more than {MAX_TOTAL_BYTES} bytes in all")
            members.append(member)
        tar.extractall(into, members=members, filter="data")
    found = sorted(into.rglob("fixture.json"))
    if len(found) != 1:
        raise InvalidWitnessError(f"{archive}: expected one fixture.json, found {len(found)}")
    return found[0].parent


def read_preimages(kv_dir: Path) -> list[bytes]:
    """Every value of kona's key-value store (keys are the values' keccak256; the core re-hashes)."""
    from rocksdict import AccessType, Rdict

    if not (kv_dir / "CURRENT").is_file():
        raise InvalidWitnessError(f"{kv_dir}: not a RocksDB directory (no CURRENT file)")
    try:
        db = Rdict(str(kv_dir), access_type=AccessType.read_only())
    except Exception as exc:  # rocksdict raises plain Exception for corrupt stores
        raise InvalidWitnessError(f"{kv_dir}: cannot open the RocksDB store: {exc}") from None
    try:
        values: list[bytes] = []
        for _key, value in db.items():
            if len(values) >= MAX_PREIMAGES:
                raise InvalidWitnessError(f"{kv_dir}: more than {MAX_PREIMAGES} preimages")
            values.append(bytes(value))
        return values
    finally:
        db.close()


def load_kona_fixture(path: Path) -> KonaFixture:
    """Reads a kona fixture (tar archive or extracted directory) into refute's inputs."""
    path = Path(path)
    tmp = Path(tempfile.mkdtemp(prefix="refute-kona-"))
    try:
        root = _extract(path, tmp) if path.is_file() else path
        fixture_json = root / "fixture.json"
        if not fixture_json.is_file():
            raise InvalidWitnessError(f"{path}: no fixture.json")
        kv = tmp / "kv-copy"
        # RocksDB may write to the directory it opens; work on a copy.
        shutil.copytree(root / "kv", kv, ignore=shutil.ignore_patterns("._*", "LOCK"))
        preimages = read_preimages(kv)
        raw = native.call_json("stf_kona_fixture", fixture_json.read_bytes(), rlp.encode(preimages))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return KonaFixture(
        number=raw["number"],
        chain=raw["chain"],
        payload=parse_hex(raw["payload"], "payload"),
        witness=raw["witness"],
        expected_block_hash=raw["expected_block_hash"],
        description=raw["description"],
    )

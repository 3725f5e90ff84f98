"""Compiles the Vyper contracts in ``contracts/`` with the pinned ``vyper`` package, in-process.

Why at runtime: the sources are the only artifact under review, so there is no
checked-in bytecode that could drift from them. Compilation takes about a
second per contract; the output (ABI + bytecode) is cached under
``$REFUTE_CACHE_DIR/vyper`` (default ``~/.cache/refute/vyper``), keyed by the
SHA-256 of every source in the folder (contracts import modules) and the
compiler version, so a changed source or compiler
never reuses stale bytecode.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CONTRACTS_DIR", "VYPER_VERSION", "CompiledContract", "cache_dir", "compile_contract"]

#: The compiler every ``contracts/*.vy`` file pins with ``# pragma version``.
VYPER_VERSION = "0.4.3"
CONTRACTS_DIR = Path(__file__).resolve().parent.parent.parent / "contracts"


@dataclass(frozen=True)
class CompiledContract:
    """One compiled contract: its name, ABI and creation bytecode."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes


def cache_dir() -> Path:
    """``$REFUTE_CACHE_DIR/vyper``, or ``~/.cache/refute/vyper``."""
    base = os.environ.get("REFUTE_CACHE_DIR") or str(Path.home() / ".cache" / "refute")
    return Path(base) / "vyper"


def _compile(source: str, path: Path) -> tuple[list[dict[str, Any]], bytes]:
    import vyper
    from vyper.compiler import compile_code

    if vyper.__version__ != VYPER_VERSION:
        raise RuntimeError(f"contracts pin vyper {VYPER_VERSION}, installed is {vyper.__version__}")
    out = compile_code(source, contract_path=path, output_formats=["abi", "bytecode"])
    return out["abi"], bytes.fromhex(out["bytecode"].removeprefix("0x"))


def compile_contract(name: str, contracts_dir: Path = CONTRACTS_DIR) -> CompiledContract:
    """Compiles ``contracts_dir/<name>.vy`` (or returns the cached output of that exact source)."""
    path = contracts_dir / f"{name}.vy"
    source = path.read_text(encoding="utf-8")
    # Contracts import modules from the same folder, so the key covers every source there.
    h = hashlib.sha256(f"vyper-{VYPER_VERSION}".encode())
    for module in sorted(contracts_dir.glob("*.vy")):
        h.update(f"\0{module.name}\0".encode() + module.read_bytes())
    key = h.hexdigest()
    cached = cache_dir() / f"{name}-{key[:16]}.json"
    if cached.is_file():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return CompiledContract(name, data["abi"], bytes.fromhex(data["bytecode"]))
        except (OSError, ValueError, KeyError):
            pass  # an unreadable cache entry is recompiled and overwritten
    abi, bytecode = _compile(source, path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"key": key, "abi": abi, "bytecode": bytecode.hex()}), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only cache only costs a recompilation next time
    return CompiledContract(name, abi, bytecode)

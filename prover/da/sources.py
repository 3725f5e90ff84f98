"""Reading published data from local files: blob files, directories, batcher txs, calldata."""

from __future__ import annotations

import re
from pathlib import Path

import rlp

from prover.da.errors import DAError
from prover.da.request import KIND_BATCHER_DATA, KIND_OP_BLOB, PipelineInput

BLOB_SIZE = 131_072
_VERSIONED_HASH = re.compile(r"0x01[0-9a-fA-F]{62}")
_HEX = re.compile(rb"^\s*(0x)?([0-9a-fA-F]*)\s*$")


def expected_versioned_hash(path: Path) -> bytes | None:
    """A versioned hash written in the file name (``..._0x01<62 hex>...``), if any."""
    m = _VERSIONED_HASH.search(path.name)
    return bytes.fromhex(m.group(0)[2:]) if m else None


def read_blob_file(path: Path, l1_block: int = 0) -> PipelineInput:
    data = path.read_bytes()
    if len(data) != BLOB_SIZE:
        # Accept a hex dump of a blob too.
        m = _HEX.match(data)
        if m and len(m.group(2)) == 2 * BLOB_SIZE:
            data = bytes.fromhex(m.group(2).decode())
        else:
            raise DAError("blob", 0, f"{path}: {len(data)} bytes; a blob file holds {BLOB_SIZE} bytes (or their hex)")
    return PipelineInput(l1_block, KIND_OP_BLOB, data, str(path))


def read_blob_dir(path: Path, l1_block: int = 0) -> list[PipelineInput]:
    """Every ``*.bin``/``*.blob``/``*.hex`` file in ``path``, in name order."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".bin", ".blob", ".hex"))
    if not files:
        raise DAError("blob", 0, f"{path}: no blob files (*.bin, *.blob, *.hex)")
    return [read_blob_file(p, l1_block) for p in files]


def _maybe_hex(data: bytes) -> bytes:
    m = _HEX.match(data)
    if m and m.group(2) and len(m.group(2)) % 2 == 0:
        return bytes.fromhex(m.group(2).decode())
    return data


def calldata_of_tx(raw: bytes) -> bytes:
    """The calldata of a signed EIP-2718 transaction (legacy, 1, 2)."""
    try:
        if raw and raw[0] >= 0xC0:
            return bytes(rlp.decode(raw)[5])
        if raw and raw[0] in (1, 2):
            fields = rlp.decode(raw[1:])
            return bytes(fields[6 if raw[0] == 1 else 7])
    except (rlp.exceptions.DecodingError, IndexError) as exc:
        raise DAError("tx", 0, f"batcher transaction: {exc}") from None
    raise DAError("tx", 0, f"batcher transaction type {raw[:1].hex() or 'empty'} carries no calldata batch")


def read_batcher_data(path: Path, l1_block: int = 0) -> PipelineInput:
    """Raw batcher data: the version byte + frames (binary or hex), or a whole signed batcher tx."""
    data = _maybe_hex(path.read_bytes())
    if data and data[0] != 0:
        data = calldata_of_tx(data)
    return PipelineInput(l1_block, KIND_BATCHER_DATA, data, str(path))

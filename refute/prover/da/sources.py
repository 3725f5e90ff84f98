"""Reading published data from local files: blob files, directories, batcher txs, calldata."""

from __future__ import annotations

import re
from pathlib import Path

import rlp

from refute.hexutil import HexError, hex_digits, parse_hex
from refute.prover.da.blob import BLOB_SIZE
from refute.prover.da.errors import DAError
from refute.prover.da.request import KIND_BATCHER_DATA, KIND_OP_BLOB, PipelineInput

_VERSIONED_HASH = re.compile(r"0x01[0-9a-fA-F]{62}")


def expected_versioned_hash(path: Path) -> bytes | None:
    """A versioned hash written in the file name (``..._0x01<62 hex>...``), if any."""
    m = _VERSIONED_HASH.search(path.name)
    return parse_hex(m.group(0)) if m else None


def read_blob_file(path: Path, l1_block: int = 0) -> PipelineInput:
    data = path.read_bytes()
    if len(data) != BLOB_SIZE:
        # Accept a hex dump of a blob too.
        digits = hex_digits(data)
        if digits is None or len(digits) != 2 * BLOB_SIZE:
            raise DAError("blob", 0, f"{path}: {len(data)} bytes; a blob file holds {BLOB_SIZE} bytes (or their hex)")
        data = parse_hex(digits)
    return PipelineInput(l1_block, KIND_OP_BLOB, data, str(path))


def read_blob_dir(path: Path, l1_block: int = 0) -> list[PipelineInput]:
    """Every ``*.bin``/``*.blob``/``*.hex`` file in ``path``, in name order."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".bin", ".blob", ".hex"))
    if not files:
        raise DAError("blob", 0, f"{path}: no blob files (*.bin, *.blob, *.hex)")
    return [read_blob_file(p, l1_block) for p in files]


def _hex_or_raw(path: Path) -> bytes:
    """The file's bytes, hex-decoded when the file is hex text.

    Raw batcher data starts with a version byte or an RLP/EIP-2718 prefix, never
    with an ASCII hex digit, so hex text cannot be mistaken for raw data.
    """
    data = path.read_bytes()
    digits = hex_digits(data)
    if digits is None:
        return data
    try:
        return parse_hex(digits, str(path))
    except HexError as exc:
        raise DAError("frame", 0, str(exc)) from None


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
    data = _hex_or_raw(path)
    if data and data[0] != 0:
        data = calldata_of_tx(data)
    return PipelineInput(l1_block, KIND_BATCHER_DATA, data, str(path))

"""OP v0 and EigenDA blob codecs through the native core: round trips and precise rejections."""

from __future__ import annotations

from pathlib import Path

import pytest
from da_helpers import UNICHAIN_BLOBS, UNICHAIN_DIR
from fixture_rules import fixture_cases, fixtures_path

from refute.prover.da import blob, kzg
from refute.prover.da.errors import DAError

pytestmark = pytest.mark.usefixtures("native")

# Decoded length of each Unichain blob, in batcher-transaction order.
UNICHAIN_DATA_SIZES = dict(zip(UNICHAIN_BLOBS, [130044, 130044, 62752], strict=True))


def _unichain_blobs() -> list[tuple[str, Path]]:
    """Every blob in the Unichain fixture folder, as (name without .bin, path)."""
    root = fixtures_path(UNICHAIN_DIR)
    return [(p.stem, p) for p in sorted(root.glob("*.bin"))]


def test_op_round_trip_edges() -> None:
    for payload in (b"", b"\x01", bytes(range(256)) * 3, b"\xff" * blob.MAX_BLOB_DATA_SIZE):
        encoded = blob.op_encode(payload)
        assert len(encoded) == blob.BLOB_SIZE
        assert blob.op_decode(encoded) == payload


def test_op_encoding_layout() -> None:
    encoded = blob.op_encode(b"\xab" * 200)
    assert encoded[1] == 0 and encoded[2:5] == (200).to_bytes(3, "big")
    assert all(encoded[i] & 0xC0 == 0 for i in range(0, blob.BLOB_SIZE, 32))


def test_op_too_large() -> None:
    with pytest.raises(DAError) as e:
        blob.op_encode(b"\0" * (blob.MAX_BLOB_DATA_SIZE + 1))
    assert e.value.layer == "blob"


@pytest.mark.parametrize(
    ("mutate", "offset", "text"),
    [
        (lambda b: b.__setitem__(1, 1), 1, "version"),
        (lambda b: b.__setitem__(32 * 7, 0x40), 32 * 7, "top two bits"),
        (lambda b: b.__setitem__(slice(2, 5), b"\xff\xff\xff"), 2, "exceeds"),
        (lambda b: b.__setitem__(131071, 1), 131071, "after the declared length"),
    ],
)
def test_op_rejects_with_layer_and_offset(mutate, offset: int, text: str) -> None:
    b = bytearray(blob.op_encode(b"hello"))
    mutate(b)
    with pytest.raises(DAError) as e:
        blob.op_decode(bytes(b))
    assert (e.value.layer, e.value.offset) == ("blob", offset)
    assert text in e.value.message


def test_op_rejects_byte_past_length_inside_round() -> None:
    b = bytearray(blob.op_encode(b"hello"))
    b[10] = 7  # stream byte 9 = payload byte 5, one past the 5-byte payload
    with pytest.raises(DAError) as e:
        blob.op_decode(bytes(b))
    assert (e.value.layer, e.value.offset) == ("blob", 10)


def test_op_wrong_size() -> None:
    with pytest.raises(DAError) as e:
        blob.op_decode(b"\0" * 100)
    assert e.value.layer == "blob" and "131072" in e.value.message


@pytest.mark.conformance
@pytest.mark.parametrize("path", fixture_cases(_unichain_blobs(), fixtures_path(UNICHAIN_DIR)))
def test_unichain_blob(path: Path) -> None:
    assert path.name in UNICHAIN_DATA_SIZES, f"{path.name}: a blob without an expected size"
    raw = path.read_bytes()
    data = blob.op_decode(raw)
    assert len(data) == UNICHAIN_DATA_SIZES[path.name]
    assert blob.op_encode(data) == raw
    # The file name carries the versioned hash from the batcher tx.
    assert "0x" + kzg.versioned_hash(kzg.commitment(raw)).hex() in path.name


def test_eigenda_round_trip_and_layout() -> None:
    payload = bytes(range(100))
    b = blob.eigenda_encode(payload)
    assert len(b) == 32 * 8  # 1 header + ceil(100/31)=4 symbols -> 5 -> padded to 8
    assert b[:6] == b"\x00\x00" + (100).to_bytes(4, "big")
    assert all(b[i] == 0 for i in range(32, len(b), 32))
    assert b[33:64] == payload[:31]
    assert blob.eigenda_decode(b) == payload
    assert blob.eigenda_decode(blob.eigenda_encode(b"")) == b""
    assert len(blob.eigenda_encode(b"")) == 32


@pytest.mark.parametrize(
    ("mutate", "offset"),
    [
        (lambda b: b.__setitem__(0, 1), 0),
        (lambda b: b.__setitem__(1, 9), 1),
        (lambda b: b.__setitem__(10, 1), 10),
        (lambda b: b.__setitem__(64, 1), 64),
        (lambda b: b.__setitem__(32 * 4 + 20, 1), 32 * 4 + 20),
        (lambda b: b.__setitem__(32 * 7 + 3, 1), 32 * 7 + 3),
    ],
)
def test_eigenda_rejects_with_offset(mutate, offset: int) -> None:
    b = bytearray(blob.eigenda_encode(bytes(range(100))))
    mutate(b)
    with pytest.raises(DAError) as e:
        blob.eigenda_decode(bytes(b))
    assert (e.value.layer, e.value.offset) == ("blob", offset)


def test_eigenda_rejects_bad_sizes() -> None:
    for bad in (b"", b"\0" * 33, b"\0" * 96):
        with pytest.raises(DAError):
            blob.eigenda_decode(bad)
    header = bytearray(32)
    header[2:6] = (1000).to_bytes(4, "big")
    with pytest.raises(DAError, match="symbols"):
        blob.eigenda_decode(bytes(header))

"""Property tests: random and mutated inputs never crash the decoders; valid inputs round-trip."""

from __future__ import annotations

import pytest
from fixture_rules import require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refute.prover.da import blob, derivation
from refute.prover.da.errors import DAError

pytestmark = pytest.mark.usefixtures("native")

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.binary(max_size=4096))
def test_op_blob_round_trip(payload: bytes) -> None:
    assert blob.op_decode(blob.op_encode(payload)) == payload


@SETTINGS
@given(
    st.binary(max_size=3000),
    st.lists(st.tuples(st.integers(0, blob.BLOB_SIZE - 1), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_op_blob_mutations(payload: bytes, edits: list[tuple[int, int]]) -> None:
    b = bytearray(blob.op_encode(payload))
    for at, value in edits:
        b[at] = value
    try:
        out = blob.op_decode(bytes(b))
    except DAError as e:
        assert e.layer == "blob" and 0 <= e.offset <= blob.BLOB_SIZE
    else:
        # Strict decoding: anything accepted is the canonical encoding of what it decodes to.
        assert blob.op_encode(out) == bytes(b)


@SETTINGS
@given(st.binary(max_size=2000))
def test_eigenda_round_trip(payload: bytes) -> None:
    assert blob.eigenda_decode(blob.eigenda_encode(payload)) == payload


@SETTINGS
@given(st.binary(max_size=600), st.integers(0, 10_000), st.integers(0, 255))
def test_eigenda_mutations(payload: bytes, at: int, value: int) -> None:
    b = bytearray(blob.eigenda_encode(payload))
    b[at % len(b)] = value
    try:
        out = blob.eigenda_decode(bytes(b))
    except DAError as e:
        assert e.layer == "blob"
    else:
        assert blob.eigenda_encode(out) == bytes(b) or len(blob.eigenda_encode(out)) < len(b)


@SETTINGS
@given(st.binary(max_size=400))
def test_frames_random(data: bytes) -> None:
    try:
        frames = derivation.parse_frames(data)
    except DAError as e:
        assert e.layer == "frame" and 0 <= e.offset <= len(data)
    else:
        assert frames and data[0] == 0


@SETTINGS
@given(
    st.lists(
        st.tuples(st.binary(min_size=16, max_size=16), st.integers(0, 65535), st.binary(max_size=200), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_frames_round_trip(frames: list[tuple[bytes, int, bytes, bool]]) -> None:
    data = b"\x00" + b"".join(
        cid + n.to_bytes(2, "big") + len(d).to_bytes(4, "big") + d + bytes([last]) for cid, n, d, last in frames
    )
    parsed = derivation.parse_frames(data)
    assert [(f.channel_id, f.number, f.data, f.is_last) for f in parsed] == frames


@SETTINGS
@given(st.binary(max_size=2000))
def test_decompress_random_is_capped(data: bytes) -> None:
    try:
        out = derivation.decompress(data, max_output=50_000)
    except DAError as e:
        assert e.layer == "channel"
    else:
        assert len(out.data) <= 50_000


def test_decompression_bomb_is_capped() -> None:
    import zlib

    bomb = zlib.compress(b"\0" * 20_000_000, 9)
    out = derivation.decompress(bomb, max_output=1_000_000)
    assert len(out.data) == 1_000_000 and "cap" in out.status


@SETTINGS
@given(st.binary(max_size=600))
def test_span_batch_random(data: bytes) -> None:
    try:
        derivation.decode_span_batch(data)
    except DAError as e:
        assert e.layer in ("batch", "tx") and 0 <= e.offset <= len(data)


@SETTINGS
@given(st.binary(max_size=600), st.booleans())
def test_batch_stream_random(data: bytes, complete: bool) -> None:
    try:
        derivation.read_batches(data, complete=complete)
    except DAError as e:
        assert e.layer in ("batch", "tx")


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=4), st.booleans())
def test_real_span_batch_mutations(da_fixtures, edits: list[tuple[int, int]], truncate: bool) -> None:
    raw = bytearray(require(da_fixtures / "op-derivation" / "kona" / "raw_batch.hex").read_bytes())
    for at, value in edits:
        raw[at % len(raw)] = value
    data = bytes(raw[: len(raw) // 2] if truncate else raw)
    try:
        fields = derivation.decode_span_batch(data)
    except DAError as e:
        assert e.layer in ("batch", "tx") and 0 <= e.offset <= len(data)
    else:
        assert fields["block_count"] >= 1

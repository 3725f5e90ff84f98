"""EigenDA: SRS decoding, blob field elements and BN254 commitments against the shared vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_rules import require

from refute.prover.da import eigenda
from refute.prover.da.blob import eigenda_decode, eigenda_encode
from refute.prover.da.errors import DAError

pytestmark = [pytest.mark.conformance, pytest.mark.usefixtures("native")]


@pytest.fixture(scope="module")
def srs(da_fixtures: Path) -> Path:
    return require(da_fixtures / "eigenda" / "srs-test-3000" / "g1.point")


@pytest.fixture(scope="module")
def published_points(da_fixtures: Path) -> list[tuple[int, int]]:
    text = require(da_fixtures / "eigenda" / "rust-kzg-bn254" / "srs.g1.points.string").read_text()
    return [tuple(int(v) for v in line.split(",")) for line in text.split("\n") if line.strip()]  # type: ignore[misc]


def test_srs_points_match_published(srs: Path, published_points: list[tuple[int, int]]) -> None:
    assert eigenda.srs_points(srs, 3000) == published_points
    assert published_points[0] == (1, 2)


def test_blob_vector_round_trips(da_fixtures: Path) -> None:
    raw = require(da_fixtures / "eigenda" / "rust-kzg-bn254" / "blobs.txt").read_bytes()
    encoded = eigenda_encode(raw)
    assert eigenda_decode(encoded) == raw
    # 131072 bytes -> 1 + ceil(131072/31) = 4230 symbols -> 8192 (power of two).
    assert len(encoded) == 8192 * 32


def test_commitment_matches_independent_computation(srs: Path, published_points: list[tuple[int, int]]) -> None:
    """Commitment of a small blob equals sum(s_i * P_i) computed with py_ecc over the published points."""
    from py_ecc.bn128 import FQ, add, multiply

    blob = eigenda_encode(b"refute: EigenDA BN254 commitment check" * 3)
    ours = eigenda.commit(blob, srs)
    acc = None
    for i in range(len(blob) // 32):
        s = int.from_bytes(blob[i * 32 : i * 32 + 32], "big")
        if s:
            x, y = published_points[i]
            term = multiply((FQ(x), FQ(y)), s)
            acc = term if acc is None else add(acc, term)
    assert acc is not None
    expected = int(acc[0]).to_bytes(32, "big") + int(acc[1]).to_bytes(32, "big")
    assert ours.point == expected
    assert eigenda.verify_commitment(blob, ours.point, srs)
    assert eigenda.verify_commitment(blob, ours.compressed, srs)
    tampered = bytearray(blob)
    tampered[33] ^= 1
    assert not eigenda.verify_commitment(bytes(tampered), ours.point, srs)


def test_blob_info_commitment_parses(da_fixtures: Path, srs: Path) -> None:
    c = eigenda.commitment_from_blob_info(require(da_fixtures / "eigenda" / "eigenda-proxy" / "blob_info.json"))
    assert len(c) == 64
    # A valid curve point: checking it against some blob answers (False), it does not error.
    assert eigenda.verify_commitment(eigenda_encode(b"x"), c, srs) is False
    bad = c[:63] + bytes([c[63] ^ 1])
    with pytest.raises(DAError, match="not a point"):
        eigenda.verify_commitment(eigenda_encode(b"x"), bad, srs)


def test_symbol_above_modulus_is_rejected(srs: Path) -> None:
    blob = b"\xff" * 32
    with pytest.raises(DAError) as e:
        eigenda.commit(blob, srs)
    assert (e.value.layer, e.value.offset) == ("blob", 0)


def test_blob_larger_than_srs(srs: Path) -> None:
    from refute.prover.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="4096 points"):
        eigenda.commit(b"\0" * 32 * 4096, srs)

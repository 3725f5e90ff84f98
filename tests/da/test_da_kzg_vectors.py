"""Every c-kzg-4844 reference vector in the shared fixtures gives the expected result."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fixture_rules import fixture_cases, fixtures_path, missing_fixture, require

from refute.prover.da import kzg
from refute.prover.da.errors import DAError

pytestmark = pytest.mark.conformance

VECTORS = fixtures_path("kzg-4844")


def _cases() -> list[tuple[str, Path]]:
    """(case folder name, data.yaml) for every c-kzg vector on disk."""
    return [(path.parent.name, path) for path in sorted(VECTORS.glob("*/*/data.yaml"))]


CASES = _cases()


def _b(s: str) -> bytes:
    return bytes.fromhex(s[2:])


def _run(kind: str, inp: dict) -> object:
    if kind == "blob_to_kzg_commitment":
        return kzg.commitment(_b(inp["blob"]))
    if kind == "compute_blob_kzg_proof":
        return kzg.blob_proof(_b(inp["blob"]), _b(inp["commitment"]))
    if kind == "verify_blob_kzg_proof":
        return kzg.verify_blob_proof(_b(inp["blob"]), _b(inp["commitment"]), _b(inp["proof"]))
    if kind == "verify_blob_kzg_proof_batch":
        return kzg.verify_blob_proofs(
            [_b(x) for x in inp["blobs"]], [_b(x) for x in inp["commitments"]], [_b(x) for x in inp["proofs"]]
        )
    if kind == "verify_kzg_proof":
        return kzg.verify_kzg_proof(_b(inp["commitment"]), _b(inp["z"]), _b(inp["y"]), _b(inp["proof"]))
    raise AssertionError(kind)


@pytest.mark.parametrize("path", fixture_cases(CASES, VECTORS))
def test_reference_vector(path: Path) -> None:
    kind = path.parent.parent.name
    data = yaml.safe_load(path.read_text())
    expected = data["output"]
    try:
        got = _run(kind, data["input"])
    except DAError:
        got = None
    if isinstance(got, bytes):
        got = "0x" + got.hex()
    assert got == expected


def test_all_reference_vectors_are_collected() -> None:
    if not CASES:
        missing_fixture(f"no c-kzg vectors under {VECTORS}")
    assert len(CASES) >= 50, f"expected the c-kzg vectors under {VECTORS}, found {len(CASES)}"


def test_trusted_setup_is_the_published_one(da_fixtures: Path) -> None:
    """The eth-account copy equals the c-kzg-4844 trusted_setup.txt in the fixtures."""
    ours = kzg.trusted_setup_path().read_text().split()
    theirs = require(da_fixtures / "kzg-4844" / "trusted_setup.txt").read_text().split()
    assert ours == theirs


def test_point_evaluation_precompile() -> None:
    blob = bytearray(kzg.BLOB_SIZE)
    for i in range(0, kzg.BLOB_SIZE, 32):
        blob[i + 31] = (i // 32) % 251
    c = kzg.commitment(bytes(blob))
    z = (12345).to_bytes(32, "big")
    proof, y = kzg.compute_kzg_proof(bytes(blob), z)
    data = kzg.versioned_hash(c) + z + y + c + proof
    assert kzg.point_evaluation(data) == kzg.PRECOMPILE_OUTPUT
    wrong_y = (int.from_bytes(y, "big") ^ 1).to_bytes(32, "big")
    with pytest.raises(DAError) as e:
        kzg.point_evaluation(kzg.versioned_hash(c) + z + wrong_y + c + proof)
    assert e.value.layer == "blob"
    with pytest.raises(DAError, match="versioned hash"):
        kzg.point_evaluation(b"\x02" + data[1:])
    with pytest.raises(DAError, match="192"):
        kzg.point_evaluation(data[:-1])


def test_non_canonical_field_element_offset() -> None:
    blob = bytearray(kzg.BLOB_SIZE)
    blob[32 * 9 : 32 * 10] = b"\xff" * 32
    with pytest.raises(DAError) as e:
        kzg.commitment(bytes(blob))
    assert (e.value.layer, e.value.offset) == ("blob", 32 * 9)


def test_bls_modulus_is_the_eip4844_constant() -> None:
    """EIP-4844 states BLS_MODULUS in hex; the precompile's output carries it."""
    assert kzg.BLS_MODULUS == 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
    assert kzg.PRECOMPILE_OUTPUT[32:] == kzg.BLS_MODULUS.to_bytes(32, "big")
    blob = bytearray(4096 * 32)
    blob[32 * 3 : 32 * 4] = kzg.BLS_MODULUS.to_bytes(32, "big")
    assert kzg.first_non_canonical(bytes(blob)) == 32 * 3
    blob[32 * 3 : 32 * 4] = (kzg.BLS_MODULUS - 1).to_bytes(32, "big")
    assert kzg.first_non_canonical(bytes(blob)) is None

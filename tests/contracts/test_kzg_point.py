"""The pure-Python point-evaluation check against the c-kzg-4844 verify_kzg_proof vectors,
and against py-evm's 0x0a precompile on the same inputs."""

from __future__ import annotations

import pytest
import yaml
from fixture_rules import fixture_cases, fixtures_path, require

from refute.verifier.kzg_point import TAU_G2_COMPRESSED, KzgOpeningError, check_opening, versioned_hash

pytestmark = pytest.mark.conformance

VECTORS = fixtures_path("kzg-4844/verify_kzg_proof")
SETUP = fixtures_path("kzg-4844/trusted_setup.txt")


def _cases():
    if not VECTORS.is_dir():
        return []
    return [(d.name, d) for d in sorted(VECTORS.iterdir()) if (d / "data.yaml").is_file()]


def _opening(inp: dict) -> bytes | None:
    """The 192-byte precompile input, or None if a field has the wrong length (the vector expects an error)."""
    try:
        c, z, y, p = (bytes.fromhex(inp[k][2:]) for k in ("commitment", "z", "y", "proof"))
    except ValueError:
        return None
    if (len(c), len(z), len(y), len(p)) != (48, 32, 32, 48):
        return None
    return versioned_hash(c) + z + y + c + p


@pytest.mark.parametrize("case", fixture_cases(_cases(), VECTORS))
def test_ckzg_vector(case):
    data = yaml.safe_load((case / "data.yaml").read_text())
    expected = data["output"] is True  # null (an error) and false both mean "the precompile fails"
    opening = _opening(data["input"])
    if opening is None:
        assert not expected
        return
    try:
        check_opening(opening)
        got = True
    except KzgOpeningError:
        got = False
    assert got == expected


def test_embedded_tau_is_the_ceremony_point():
    lines = require(SETUP).read_text().split()
    n_g1, n_g2 = int(lines[0]), int(lines[1])
    assert n_g2 >= 2
    assert bytes.fromhex(lines[2 + n_g1 + 1]) == TAU_G2_COMPRESSED


def test_wrong_versioned_hash_and_lengths_are_rejected():
    from refute.l1.conformance import sample_openings

    good = sample_openings(1)
    check_opening(good)
    with pytest.raises(KzgOpeningError):
        check_opening(b"\x02" + good[1:])
    with pytest.raises(KzgOpeningError):
        check_opening(good[:191])

"""Fixtures for the verifier tests: the RISC Zero Groth16 conformance receipts."""

from __future__ import annotations

import random

import pytest
from fixture_rules import HINT, missing_fixture
from receipt_cases import CONFORMANCE_FILE, Receipt, load_conformance, parse_receipts

from refute.verifier import bn254


@pytest.fixture(scope="session")
def conformance() -> dict:
    data = load_conformance()
    if data is None:
        missing_fixture(f"conformance receipts not found at {CONFORMANCE_FILE} ({HINT})")
    return data


@pytest.fixture(scope="session")
def receipts(conformance: dict) -> list[Receipt]:
    return parse_receipts(conformance)


def _fq2_sqrt(a):
    """Square root in Fq2 (q = 3 mod 4), or None (Adj & Rodriguez-Henriquez 2012, Alg. 9)."""
    q = bn254.Q
    a1 = bn254.f2_pow(a, (q - 3) // 4)
    alpha = bn254.f2_mul(bn254.f2_sqr(a1), a)
    a0 = bn254.f2_mul(bn254.f2_pow(alpha, q), alpha)
    if a0 == (q - 1, 0):
        return None
    x0 = bn254.f2_mul(a1, a)
    if alpha == (q - 1, 0):
        x = bn254.f2_mul((0, 1), x0)
    else:
        x = bn254.f2_mul(bn254.f2_pow(bn254.f2_add((1, 0), alpha), (q - 1) // 2), x0)
    assert bn254.f2_sqr(x) == a
    return x


def random_twist_point(seed: int):
    """A random point on the twist curve E'(Fq2); in G2 only with probability ~1/q."""
    rr = random.Random(seed)
    q = bn254.Q
    while True:
        x = (rr.randrange(q), rr.randrange(q))
        y = _fq2_sqrt(bn254.f2_add(bn254.f2_mul(bn254.f2_sqr(x), x), bn254.G2_B))
        if y is not None:
            return (x, y)


@pytest.fixture(scope="session")
def twist_point():
    """Factory: seed -> a point on the twist curve that is (checked) not in G2."""

    def make(seed: int):
        p = random_twist_point(seed)
        assert bn254.g2_is_on_curve(p) and not bn254.g2_in_subgroup(p)
        return p

    return make

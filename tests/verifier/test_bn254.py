"""The fast BN254 arithmetic against py_ecc and against the definitions."""

from __future__ import annotations

import random

from py_ecc.optimized_bn128 import FQ2, FQ12, is_inf, multiply, normalize
from py_ecc.optimized_bn128 import G1 as PG1
from py_ecc.optimized_bn128 import G2 as PG2
from py_ecc.optimized_bn128 import add as py_add
from py_ecc.optimized_bn128 import pairing as py_ecc_pairing

from refute.verifier import bn254 as b

Q, R = b.Q, b.R
rnd = random.Random(20240601)


def r2():
    return (rnd.randrange(Q), rnd.randrange(Q))


def r12():
    return ((r2(), r2(), r2()), (r2(), r2(), r2()))


def to_py(a):
    return FQ12(b.fq12_to_coeffs(a))


def g1_of(k):
    x, y = normalize(multiply(PG1, k))
    return (int(x), int(y))


def g2_of(k):
    x, y = normalize(multiply(PG2, k))
    return ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


def cyclotomic(a):
    t = b.f12_mul(b.f12_conj(a), b.f12_inv(a))
    return b.f12_mul(b.f12_frobenius(t, 2), t)


def test_fq12_ops_match_py_ecc():
    for _ in range(3):
        x, y = r12(), r12()
        assert to_py(b.f12_mul(x, y)) == to_py(x) * to_py(y)
        assert to_py(b.f12_sqr(x)) == to_py(x) * to_py(x)
        assert b.f12_mul(x, b.f12_inv(x)) == b.FQ12_ONE
        assert to_py(b.f12_inv(x)) == FQ12.one() / to_py(x)


def test_frobenius_and_conjugation_are_powers_of_q():
    x = r12()
    px = to_py(x)
    assert to_py(b.f12_conj(x)) == px ** (Q**6)
    for k in (1, 2, 3):
        assert to_py(b.f12_frobenius(x, k)) == px ** (Q**k)


def test_sparse_line_multiplication():
    x = r12()
    l0, l1 = r2(), r2()
    dense = (b.F6_ONE, (l0, l1, b.F2_ZERO))
    assert b.f12_mul_by_line(x, l0, l1) == b.f12_mul(x, dense)


def test_cyclotomic_squaring():
    t = cyclotomic(r12())
    assert b.f12_cyclotomic_sqr(t) == b.f12_sqr(t)
    # and it is NOT a squaring formula for general elements (the test can fail)
    x = r12()
    assert b.f12_cyclotomic_sqr(x) != b.f12_sqr(x)


def test_final_exponentiation_is_exact_power():
    x = r12()
    assert b.final_exponentiation(x) == b.f12_pow(x, (Q**12 - 1) // R)


def test_pairing_matches_py_ecc():
    k1, k2 = rnd.randrange(1, R), rnd.randrange(1, R)
    mine = b.pairing(g1_of(k1), g2_of(k2))
    ref = py_ecc_pairing(multiply(PG2, k2), multiply(PG1, k1))
    assert to_py(mine) == ref


def test_pairing_bilinear_and_non_degenerate():
    p, qq = g1_of(1), g2_of(1)
    e = b.pairing(p, qq)
    assert e != b.FQ12_ONE
    assert b.f12_pow(e, R) == b.FQ12_ONE
    a, c = rnd.randrange(1, 1 << 64), rnd.randrange(1, 1 << 64)
    assert b.pairing(b.g1_mul(p, a), b.g2_mul(qq, c)) == b.f12_pow(e, a * c)
    assert b.pairing(b.g1_neg(p), qq) == b.f12_conj(e)


def test_multi_miller_loop_is_product():
    p1, p2 = g1_of(5), g1_of(7)
    q1, q2 = g2_of(11), g2_of(13)
    l1, l2 = b.g2_line_coeffs(q1), b.g2_line_coeffs(q2)
    joint = b.final_exponentiation(b.multi_miller_loop([(p1, l1), (p2, l2)]))
    assert joint == b.f12_mul(b.pairing(p1, q1), b.pairing(p2, q2))
    # e(5 G1, 11 G2) e(7 G1, 13 G2) = e(G1, G2)^(55 + 91)
    assert joint == b.f12_pow(b.pairing(g1_of(1), g2_of(1)), 55 + 91)
    # points at infinity contribute 1
    assert b.multi_miller_loop([(None, l1)]) == b.FQ12_ONE


def test_ate_naf():
    assert b.ATE_LOOP_COUNT == 29793968203157093288  # py_ecc's ate_loop_count
    assert sum(d * 2**i for i, d in enumerate(reversed(b.ATE_NAF))) == b.ATE_LOOP_COUNT
    assert all(d in (-1, 0, 1) for d in b.ATE_NAF)
    assert all(not (x and y) for x, y in zip(b.ATE_NAF, b.ATE_NAF[1:], strict=False))


def test_g1_arithmetic_and_tables():
    g = b.G1_GENERATOR
    assert b.g1_is_on_curve(g)
    assert b.g1_add(g, b.g1_neg(g)) is None
    assert b.g1_mul(g, R) is None
    assert b.g1_add(g, g) == b.g1_mul(g, 2) == g1_of(2)
    table = b.G1Table(g1_of(3), bits=256)
    for k in [0, 1, 15, 16, 2**128 - 1, R - 1, rnd.randrange(R), rnd.randrange(R)]:
        got = b.g1_from_jacobian(table.mul_jacobian(k))
        assert got == (None if k == 0 else g1_of(3 * k % R))
    # accumulate onto an existing point, including cancellation to infinity and doubling
    p3 = g1_of(3)
    acc = (p3[0], p3[1], 1)
    assert b.g1_from_jacobian(table.mul_jacobian(R - 1, acc)) is None
    assert b.g1_from_jacobian(table.mul_jacobian(1, acc)) == g1_of(6)


def test_g2_subgroup_check(twist_point):
    assert b.g2_in_subgroup(g2_of(1))
    assert b.g2_in_subgroup(g2_of(rnd.randrange(R)))
    for seed in range(3):
        p = twist_point(seed)
        assert b.g2_is_on_curve(p)
        assert not b.g2_in_subgroup(p)
        # independent confirmation with py_ecc: r * p != O
        pp = (FQ2(list(p[0])), FQ2(list(p[1])), FQ2.one())
        assert not is_inf(multiply(pp, R))


def test_g2_frobenius_matches_q_power_multiplication():
    # on G2, the Frobenius endomorphism pi acts as multiplication by q
    qq = g2_of(rnd.randrange(1, R))
    assert b.g2_frobenius(qq) == b.g2_mul(qq, Q % R)
    assert b.g2_frobenius2(qq) == b.g2_mul(qq, Q * Q % R)


def test_g2_add_matches_py_ecc():
    p1, p2 = g2_of(3), g2_of(4)
    assert b.g2_add(p1, p2) == g2_of(7)
    assert b.g2_add(p1, p1) == g2_of(6)
    assert b.g2_add(p1, b.g2_neg(p1)) is None
    x, y = normalize(py_add(multiply(PG2, 3), multiply(PG2, 4)))
    assert b.g2_add(p1, p2) == ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))

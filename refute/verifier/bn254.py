"""BN254 (alt_bn128) arithmetic for Groth16 verification, on plain Python ints.

This module is the fast path of the verifier.  It implements, from the curve
definition up:

* the tower Fq2 = Fq[i]/(i^2+1), Fq6 = Fq2[v]/(v^3-xi) with xi = 9+i,
  Fq12 = Fq6[w]/(w^2-v) -- the same field as py_ecc's ``FQ12`` (w^6 = xi),
  see :func:`fq12_to_py_ecc`;
* G1 (y^2 = x^3 + 3 over Fq) and G2 (the D-type twist y^2 = x^3 + 3/xi over
  Fq2) point arithmetic, validation and the G2 subgroup check;
* the optimal-ate Miller loop over 6u+2 with affine line functions, where the
  line coefficients of a G2 point can be computed once and reused (γ and δ of a
  verifying key are fixed), several pairs share one Fq12 accumulator
  (one squaring per step), and lines are multiplied in sparsely;
* the final exponentiation (easy part, then the hard part
  (q^4 - q^2 + 1)/r with the Scott et al. addition chain and
  Granger-Scott cyclotomic squarings).

Elements: Fq = int in [0, q); Fq2 = (a0, a1); Fq6 = (c0, c1, c2) of Fq2;
Fq12 = (c0, c1) of Fq6.  G1 affine points are (x, y) tuples, G2 affine points
((x0, x1), (y0, y1)); ``None`` is the point at infinity.

Correctness is tested against py_ecc's pairing and a generic exponentiation
(tests/verifier/test_bn254.py); py_ecc is only used there and in
``verifier.reference``.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ATE_LOOP_COUNT",
    "BN_U",
    "FQ12_ONE",
    "G1Table",
    "Q",
    "R",
    "final_exponentiation",
    "g1_add",
    "g1_is_on_curve",
    "g1_mul",
    "g1_neg",
    "g2_add",
    "g2_in_subgroup",
    "g2_is_on_curve",
    "g2_line_coeffs",
    "g2_mul",
    "g2_neg",
    "multi_miller_loop",
    "pairing",
]

#: base field modulus q
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: group order r (scalar field modulus)
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: BN parameter u (q = 36u^4 + 36u^3 + 24u^2 + 6u + 1, r = 36u^4 + 36u^3 + 18u^2 + 6u + 1)
BN_U = 4965661367192848881
#: optimal-ate loop length 6u + 2
ATE_LOOP_COUNT = 6 * BN_U + 2

assert Q == 36 * BN_U**4 + 36 * BN_U**3 + 24 * BN_U**2 + 6 * BN_U + 1
assert R == 36 * BN_U**4 + 36 * BN_U**3 + 18 * BN_U**2 + 6 * BN_U + 1

_q = Q

# ---------------------------------------------------------------------------------------------
# Fq2
# ---------------------------------------------------------------------------------------------
F2_ZERO = (0, 0)
F2_ONE = (1, 0)


def f2_add(a, b):
    return ((a[0] + b[0]) % _q, (a[1] + b[1]) % _q)


def f2_sub(a, b):
    return ((a[0] - b[0]) % _q, (a[1] - b[1]) % _q)


def f2_neg(a):
    return ((-a[0]) % _q, (-a[1]) % _q)


def f2_mul(a, b):
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return ((t0 - t1) % _q, ((a0 + a1) * (b0 + b1) - t0 - t1) % _q)


def f2_sqr(a):
    a0, a1 = a
    return ((a0 + a1) * (a0 - a1) % _q, 2 * a0 * a1 % _q)


def f2_scale(a, k):
    return (a[0] * k % _q, a[1] * k % _q)


def f2_mul_xi(a):
    """Multiply by xi = 9 + i."""
    a0, a1 = a
    return ((9 * a0 - a1) % _q, (a0 + 9 * a1) % _q)


def f2_conj(a):
    return (a[0], (-a[1]) % _q)


def f2_inv(a):
    a0, a1 = a
    t = pow((a0 * a0 + a1 * a1) % _q, -1, _q)  # raises ValueError for 0
    return (a0 * t % _q, (-a1 * t) % _q)


def f2_pow(a, e: int):
    result = F2_ONE
    base = a
    while e:
        if e & 1:
            result = f2_mul(result, base)
        base = f2_sqr(base)
        e >>= 1
    return result


XI = (9, 1)

# ---------------------------------------------------------------------------------------------
# Fq6 = Fq2[v]/(v^3 - xi)
# ---------------------------------------------------------------------------------------------
F6_ZERO = (F2_ZERO, F2_ZERO, F2_ZERO)
F6_ONE = (F2_ONE, F2_ZERO, F2_ZERO)


def f6_add(a, b):
    return (f2_add(a[0], b[0]), f2_add(a[1], b[1]), f2_add(a[2], b[2]))


def f6_sub(a, b):
    return (f2_sub(a[0], b[0]), f2_sub(a[1], b[1]), f2_sub(a[2], b[2]))


def f6_neg(a):
    return (f2_neg(a[0]), f2_neg(a[1]), f2_neg(a[2]))


def f6_mul(a, b):
    """Karatsuba over Fq2, with the Fq2 products inlined (6 Fq2 products)."""
    q = _q
    (a00, a01), (a10, a11), (a20, a21) = a
    (b00, b01), (b10, b11), (b20, b21) = b
    # t0 = a0*b0, t1 = a1*b1, t2 = a2*b2 (unreduced)
    u0 = a00 * b00
    u1 = a01 * b01
    t0r = u0 - u1
    t0i = (a00 + a01) * (b00 + b01) - u0 - u1
    u0 = a10 * b10
    u1 = a11 * b11
    t1r = u0 - u1
    t1i = (a10 + a11) * (b10 + b11) - u0 - u1
    u0 = a20 * b20
    u1 = a21 * b21
    t2r = u0 - u1
    t2i = (a20 + a21) * (b20 + b21) - u0 - u1
    # s12 = (a1+a2)(b1+b2) - t1 - t2
    x0 = a10 + a20
    x1 = a11 + a21
    y0 = b10 + b20
    y1 = b11 + b21
    u0 = x0 * y0
    u1 = x1 * y1
    s12r = u0 - u1 - t1r - t2r
    s12i = (x0 + x1) * (y0 + y1) - u0 - u1 - t1i - t2i
    # s01 = (a0+a1)(b0+b1) - t0 - t1
    x0 = a00 + a10
    x1 = a01 + a11
    y0 = b00 + b10
    y1 = b01 + b11
    u0 = x0 * y0
    u1 = x1 * y1
    s01r = u0 - u1 - t0r - t1r
    s01i = (x0 + x1) * (y0 + y1) - u0 - u1 - t0i - t1i
    # s02 = (a0+a2)(b0+b2) - t0 - t2
    x0 = a00 + a20
    x1 = a01 + a21
    y0 = b00 + b20
    y1 = b01 + b21
    u0 = x0 * y0
    u1 = x1 * y1
    s02r = u0 - u1 - t0r - t2r
    s02i = (x0 + x1) * (y0 + y1) - u0 - u1 - t0i - t2i
    # c0 = t0 + xi*s12 ; c1 = s01 + xi*t2 ; c2 = s02 + t1     (xi*(a+bi) = 9a-b + (a+9b)i)
    return (
        ((t0r + 9 * s12r - s12i) % q, (t0i + s12r + 9 * s12i) % q),
        ((s01r + 9 * t2r - t2i) % q, (s01i + t2r + 9 * t2i) % q),
        ((s02r + t1r) % q, (s02i + t1i) % q),
    )


def f6_mul_v(a):
    """Multiply by v: (a0 + a1 v + a2 v^2) v = xi a2 + a0 v + a1 v^2."""
    return (f2_mul_xi(a[2]), a[0], a[1])


def f6_inv(a):
    a0, a1, a2 = a
    t0 = f2_sub(f2_sqr(a0), f2_mul_xi(f2_mul(a1, a2)))
    t1 = f2_sub(f2_mul_xi(f2_sqr(a2)), f2_mul(a0, a1))
    t2 = f2_sub(f2_sqr(a1), f2_mul(a0, a2))
    den = f2_add(f2_mul(a0, t0), f2_mul_xi(f2_add(f2_mul(a2, t1), f2_mul(a1, t2))))
    inv = f2_inv(den)
    return (f2_mul(t0, inv), f2_mul(t1, inv), f2_mul(t2, inv))


# ---------------------------------------------------------------------------------------------
# Fq12 = Fq6[w]/(w^2 - v)
# ---------------------------------------------------------------------------------------------
FQ12_ONE = (F6_ONE, F6_ZERO)


def f12_mul(a, b):
    a0, a1 = a
    b0, b1 = b
    t0 = f6_mul(a0, b0)
    t1 = f6_mul(a1, b1)
    c1 = f6_sub(f6_sub(f6_mul(f6_add(a0, a1), f6_add(b0, b1)), t0), t1)
    return (f6_add(t0, f6_mul_v(t1)), c1)


def f12_sqr(a):
    """Complex squaring: 2 Fq6 products."""
    a0, a1 = a
    t = f6_mul(a0, a1)
    c0 = f6_mul(f6_add(a0, a1), f6_add(a0, f6_mul_v(a1)))
    c0 = f6_sub(f6_sub(c0, t), f6_mul_v(t))
    return (c0, f6_add(t, t))


def f12_conj(a):
    """a^(q^6): w -> -w."""
    return (a[0], f6_neg(a[1]))


def f12_inv(a):
    a0, a1 = a
    t = f6_inv(f6_sub(f6_mul(a0, a0), f6_mul_v(f6_mul(a1, a1))))
    return (f6_mul(a0, t), f6_neg(f6_mul(a1, t)))


def f12_eq(a, b) -> bool:
    return a == b


def f12_pow(a, e: int):
    """Generic square-and-multiply (reference / tests; not on the fast path)."""
    result = FQ12_ONE
    base = a
    while e:
        if e & 1:
            result = f12_mul(result, base)
        base = f12_sqr(base)
        e >>= 1
    return result


# Frobenius: the coefficient of w^n (n = 2j + k for c_k[j]) picks up xi^(n (q^p - 1)/6).
def _frob_consts(power: int):
    e = (Q**power - 1) // 6
    base = f2_pow(XI, e)
    out = [F2_ONE]
    for _ in range(5):
        out.append(f2_mul(out[-1], base))
    return out


_FROB = {p: _frob_consts(p) for p in (1, 2, 3)}


def f12_frobenius(a, power: int = 1):
    """a^(q^power) for power in {1, 2, 3}."""
    g = _FROB[power]
    conj = power & 1
    (c00, c01, c02), (c10, c11, c12) = a
    if conj:
        c00, c01, c02, c10, c11, c12 = (f2_conj(c) for c in (c00, c01, c02, c10, c11, c12))
    return (
        (c00, f2_mul(c01, g[2]), f2_mul(c02, g[4])),
        (f2_mul(c10, g[1]), f2_mul(c11, g[3]), f2_mul(c12, g[5])),
    )


def f12_mul_by_line(f, l0, l1):
    """f * (1 + (l0 + l1 v) w) with l0, l1 in Fq2 -- the shape of a normalised line."""
    (a0, a1, a2), (b0, b1, b2) = f
    q = _q
    l00, l01 = l0
    l10, l11 = l1
    s0 = l00 + l10
    s1 = l01 + l11

    # X * L for X = (x0, x1, x2) in Fq6 and L = l0 + l1 v:
    #   (x0 l0 + xi x2 l1,  x0 l1 + x1 l0,  x1 l1 + x2 l0)
    def mul_l(x0, x1, x2):
        x00, x01 = x0
        x10, x11 = x1
        x20, x21 = x2
        # x0*l0
        u0 = x00 * l00
        u1 = x01 * l01
        p00r = u0 - u1
        p00i = (x00 + x01) * (l00 + l01) - u0 - u1
        # x1*l1
        u0 = x10 * l10
        u1 = x11 * l11
        p11r = u0 - u1
        p11i = (x10 + x11) * (l10 + l11) - u0 - u1
        # x2*l0
        u0 = x20 * l00
        u1 = x21 * l01
        p20r = u0 - u1
        p20i = (x20 + x21) * (l00 + l01) - u0 - u1
        # x2*l1
        u0 = x20 * l10
        u1 = x21 * l11
        p21r = u0 - u1
        p21i = (x20 + x21) * (l10 + l11) - u0 - u1
        # x0 l1 + x1 l0 = (x0 + x1)(l0 + l1) - x0 l0 - x1 l1
        y0 = x00 + x10
        y1 = x01 + x11
        u0 = y0 * s0
        u1 = y1 * s1
        midr = u0 - u1 - p00r - p11r
        midi = (y0 + y1) * (s0 + s1) - u0 - u1 - p00i - p11i
        return (
            (p00r + 9 * p21r - p21i, p00i + p21r + 9 * p21i),  # unreduced
            (midr, midi),
            (p11r + p20r, p11i + p20i),
        )

    # new c0 = a + (b*L) v ; new c1 = b + a*L
    (m0r, m0i), (m1r, m1i), (m2r, m2i) = mul_l(b0, b1, b2)
    (n0r, n0i), (n1r, n1i), (n2r, n2i) = mul_l(a0, a1, a2)
    # (y0, y1, y2) v = (xi y2, y0, y1)
    c0 = (
        ((a0[0] + 9 * m2r - m2i) % q, (a0[1] + m2r + 9 * m2i) % q),
        ((a1[0] + m0r) % q, (a1[1] + m0i) % q),
        ((a2[0] + m1r) % q, (a2[1] + m1i) % q),
    )
    c1 = (
        ((b0[0] + n0r) % q, (b0[1] + n0i) % q),
        ((b1[0] + n1r) % q, (b1[1] + n1i) % q),
        ((b2[0] + n2r) % q, (b2[1] + n2i) % q),
    )
    return (c0, c1)


# Cyclotomic squaring (Granger-Scott): valid for elements of the cyclotomic subgroup
# G_{Phi_6}(q^2), i.e. after the easy part of the final exponentiation.
def _fp4_sqr(a, b):
    """(a + b s)^2 in Fq4 = Fq2[s]/(s^2 - xi): returns (a^2 + xi b^2, 2ab)."""
    t0 = f2_sqr(a)
    t1 = f2_sqr(b)
    c0 = f2_add(f2_mul_xi(t1), t0)
    c1 = f2_sub(f2_sub(f2_sqr(f2_add(a, b)), t0), t1)
    return c0, c1


def f12_cyclotomic_sqr(f):
    # In terms of w: f = g0 + g1 w + g2 w^2 + g3 w^3 + g4 w^4 + g5 w^5 with
    # g0 = c0[0], g2 = c0[1], g4 = c0[2], g1 = c1[0], g3 = c1[1], g5 = c1[2].
    (g0, g2, g4), (g1, g3, g5) = f
    # f = A + B w + C w^2 over Fq4 with A = g0 + g3 s, B = g1 + g4 s, C = g2 + g5 s, w^3 = s;
    # f^2 = (3A^2 - 2 conj(A)) + (3 s C^2 + 2 conj(B)) w + (3 B^2 - 2 conj(C)) w^2.
    a0, a1 = _fp4_sqr(g0, g3)
    b0, b1 = _fp4_sqr(g1, g4)
    c0, c1 = _fp4_sqr(g2, g5)
    q = _q

    def three_minus_two(t, g):  # 3t - 2g
        return ((3 * t[0] - 2 * g[0]) % q, (3 * t[1] - 2 * g[1]) % q)

    def three_plus_two(t, g):  # 3t + 2g
        return ((3 * t[0] + 2 * g[0]) % q, (3 * t[1] + 2 * g[1]) % q)

    h0 = three_minus_two(a0, g0)
    h3 = three_plus_two(a1, g3)
    h2 = three_minus_two(b0, g2)
    h5 = three_plus_two(b1, g5)
    h4 = three_minus_two(c0, g4)
    h1 = three_plus_two(f2_mul_xi(c1), g1)
    return ((h0, h2, h4), (h1, h3, h5))


def _cyc_exp_u(f):
    """f^u for f in the cyclotomic subgroup (u = BN_U > 0)."""
    result = f
    for bit in bin(BN_U)[3:]:
        result = f12_cyclotomic_sqr(result)
        if bit == "1":
            result = f12_mul(result, f)
    return result


def final_exponentiation(f):
    """f^((q^12 - 1)/r)."""
    # easy part: f^((q^6 - 1)(q^2 + 1))
    t = f12_mul(f12_conj(f), f12_inv(f))
    t = f12_mul(f12_frobenius(t, 2), t)
    # hard part: t^((q^4 - q^2 + 1)/r), Scott et al. (Pairing 2009) chain
    fp = f12_frobenius(t, 1)
    fp2 = f12_frobenius(t, 2)
    fp3 = f12_frobenius(fp2, 1)
    fu = _cyc_exp_u(t)
    fu2 = _cyc_exp_u(fu)
    fu3 = _cyc_exp_u(fu2)
    y3 = f12_conj(f12_frobenius(fu, 1))
    fu2p = f12_frobenius(fu2, 1)
    fu3p = f12_frobenius(fu3, 1)
    y2 = f12_frobenius(fu2, 2)
    y0 = f12_mul(f12_mul(fp, fp2), fp3)
    y1 = f12_conj(t)
    y5 = f12_conj(fu2)
    y4 = f12_conj(f12_mul(fu, fu2p))
    y6 = f12_conj(f12_mul(fu3, fu3p))
    t0 = f12_cyclotomic_sqr(y6)
    t0 = f12_mul(f12_mul(t0, y4), y5)
    t1 = f12_mul(f12_mul(y3, y5), t0)
    t0 = f12_mul(t0, y2)
    t1 = f12_cyclotomic_sqr(t1)
    t1 = f12_mul(t1, t0)
    t1 = f12_cyclotomic_sqr(t1)
    t0 = f12_mul(t1, y1)
    t1 = f12_mul(t1, y0)
    t0 = f12_cyclotomic_sqr(t0)
    return f12_mul(t0, t1)


# ---------------------------------------------------------------------------------------------
# G1: y^2 = x^3 + 3 over Fq (prime order r, cofactor 1)
# ---------------------------------------------------------------------------------------------
G1_B = 3
G1_GENERATOR = (1, 2)


def g1_is_on_curve(p) -> bool:
    x, y = p
    return (y * y - x * x * x - G1_B) % _q == 0


def g1_neg(p):
    if p is None:
        return None
    return (p[0], (-p[1]) % _q)


def g1_add(p1, p2):
    """Affine addition (complete: handles infinity, doubling and inverses)."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    x1, y1 = p1
    x2, y2 = p2
    if x1 == x2:
        if (y1 + y2) % _q == 0:
            return None
        lam = 3 * x1 * x1 * pow(2 * y1, -1, _q) % _q
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, _q) % _q
    x3 = (lam * lam - x1 - x2) % _q
    return (x3, (lam * (x1 - x3) - y1) % _q)


def _g1_jac_double(X, Y, Z):
    if Z == 0 or Y == 0:
        return (1, 1, 0)
    q = _q
    A = X * X % q
    B = Y * Y % q
    C = B * B % q
    D = 2 * ((X + B) * (X + B) - A - C) % q
    E = 3 * A
    F = E * E % q
    X3 = (F - 2 * D) % q
    Y3 = (E * (D - X3) - 8 * C) % q
    Z3 = 2 * Y * Z % q
    return (X3, Y3, Z3)


def _g1_jac_add_affine(X1, Y1, Z1, x2, y2):
    """Jacobian + affine (mixed) addition, complete."""
    q = _q
    if Z1 == 0:
        return (x2, y2, 1)
    Z1Z1 = Z1 * Z1 % q
    U2 = x2 * Z1Z1 % q
    S2 = y2 * Z1 * Z1Z1 % q
    H = (U2 - X1) % q
    r = (S2 - Y1) % q
    if H == 0:
        if r == 0:
            return _g1_jac_double(X1, Y1, Z1)
        return (1, 1, 0)
    HH = H * H % q
    HHH = H * HH % q
    V = X1 * HH % q
    X3 = (r * r - HHH - 2 * V) % q
    Y3 = (r * (V - X3) - Y1 * HHH) % q
    Z3 = Z1 * H % q
    return (X3, Y3, Z3)


def _g1_to_affine(X, Y, Z):
    if Z == 0:
        return None
    zi = pow(Z, -1, _q)
    zi2 = zi * zi % _q
    return (X * zi2 % _q, Y * zi2 * zi % _q)


def g1_mul(p, k: int):
    """Scalar multiplication (double-and-add; for setup-time constants, not secret data)."""
    if p is None or k % R == 0:
        return None
    k %= R
    X, Y, Z = 1, 1, 0
    x, y = p
    for bit in bin(k)[2:]:
        X, Y, Z = _g1_jac_double(X, Y, Z)
        if bit == "1":
            X, Y, Z = _g1_jac_add_affine(X, Y, Z, x, y)
    return _g1_to_affine(X, Y, Z)


def _batch_to_affine(points):
    """Jacobian -> affine for many points with a single inversion (Montgomery's trick)."""
    q = _q
    zs = [p[2] for p in points]
    prefix = []
    acc = 1
    for z in zs:
        prefix.append(acc)
        acc = acc * z % q
    inv = pow(acc, -1, q)
    out: list[tuple[int, int] | None] = [None] * len(points)
    for i in range(len(points) - 1, -1, -1):
        zi = inv * prefix[i] % q
        inv = inv * zs[i] % q
        X, Y, _ = points[i]
        zi2 = zi * zi % q
        out[i] = (X * zi2 % q, Y * zi2 * zi % q)
    return out


class G1Table:
    """Fixed-base table for k * P with 4-bit windows: entry [i][d-1] = d * 16^i * P.

    ``mul_jacobian(k)`` costs one mixed addition per non-zero 4-bit digit of k
    (<= 64 for k < r, <= 32 for a 128-bit k) and no doublings.
    """

    WINDOW = 4

    def __init__(self, point, bits: int = 256):
        if point is None:
            raise ValueError("G1Table base must not be the point at infinity")
        n_windows = (bits + self.WINDOW - 1) // self.WINDOW
        size = (1 << self.WINDOW) - 1
        jac = []
        base = (point[0], point[1], 1)
        for _ in range(n_windows):
            row = [base]
            bx, by = None, None
            # multiples 2..15 of the current base (all distinct and non-zero: 16^i * d < r)
            for _ in range(size - 1):
                X, Y, Z = row[-1]
                if bx is None:
                    bx, by = _g1_to_affine(*base)
                row.append(_g1_jac_add_affine(X, Y, Z, bx, by))
            jac.extend(row)
            # next base = 16 * base
            X, Y, Z = row[-1]
            base = _g1_jac_add_affine(X, Y, Z, bx, by)
        aff = _batch_to_affine(jac)
        self.rows = [aff[i * size : (i + 1) * size] for i in range(n_windows)]
        self.bits = n_windows * self.WINDOW

    def mul_jacobian(self, k: int, acc=(1, 1, 0)):
        """acc + k * P in Jacobian coordinates (0 <= k < 2^bits)."""
        if not 0 <= k < (1 << self.bits):
            raise ValueError("scalar out of table range")
        X, Y, Z = acc
        i = 0
        rows = self.rows
        while k:
            d = k & 15
            if d:
                x, y = rows[i][d - 1]
                X, Y, Z = _g1_jac_add_affine(X, Y, Z, x, y)
            k >>= 4
            i += 1
        return (X, Y, Z)


def g1_from_jacobian(p):
    return _g1_to_affine(*p)


# ---------------------------------------------------------------------------------------------
# G2: y^2 = x^3 + 3/xi over Fq2 (D-type sextic twist)
# ---------------------------------------------------------------------------------------------
G2_B = f2_mul((3, 0), f2_inv(XI))


def g2_is_on_curve(p) -> bool:
    x, y = p
    return f2_sub(f2_sqr(y), f2_add(f2_mul(f2_sqr(x), x), G2_B)) == F2_ZERO


def g2_neg(p):
    if p is None:
        return None
    return (p[0], f2_neg(p[1]))


def g2_add(p1, p2):
    """Affine addition (complete)."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    x1, y1 = p1
    x2, y2 = p2
    if x1 == x2:
        if f2_add(y1, y2) == F2_ZERO:
            return None
        lam = f2_mul(f2_scale(f2_sqr(x1), 3), f2_inv(f2_scale(y1, 2)))
    else:
        lam = f2_mul(f2_sub(y2, y1), f2_inv(f2_sub(x2, x1)))
    x3 = f2_sub(f2_sub(f2_sqr(lam), x1), x2)
    return (x3, f2_sub(f2_mul(lam, f2_sub(x1, x3)), y1))


def _g2_jac_double(P):
    X, Y, Z = P
    if Z == F2_ZERO or Y == F2_ZERO:
        return (F2_ONE, F2_ONE, F2_ZERO)
    A = f2_sqr(X)
    B = f2_sqr(Y)
    C = f2_sqr(B)
    t = f2_add(X, B)
    D = f2_scale(f2_sub(f2_sub(f2_sqr(t), A), C), 2)
    E = f2_scale(A, 3)
    F = f2_sqr(E)
    X3 = f2_sub(F, f2_scale(D, 2))
    Y3 = f2_sub(f2_mul(E, f2_sub(D, X3)), f2_scale(C, 8))
    Z3 = f2_scale(f2_mul(Y, Z), 2)
    return (X3, Y3, Z3)


def _g2_jac_add_affine(P, x2, y2):
    X1, Y1, Z1 = P
    if Z1 == F2_ZERO:
        return (x2, y2, F2_ONE)
    Z1Z1 = f2_sqr(Z1)
    U2 = f2_mul(x2, Z1Z1)
    S2 = f2_mul(y2, f2_mul(Z1, Z1Z1))
    H = f2_sub(U2, X1)
    r = f2_sub(S2, Y1)
    if H == F2_ZERO:
        if r == F2_ZERO:
            return _g2_jac_double(P)
        return (F2_ONE, F2_ONE, F2_ZERO)
    HH = f2_sqr(H)
    HHH = f2_mul(H, HH)
    V = f2_mul(X1, HH)
    X3 = f2_sub(f2_sub(f2_sqr(r), HHH), f2_scale(V, 2))
    Y3 = f2_sub(f2_mul(r, f2_sub(V, X3)), f2_mul(Y1, HHH))
    Z3 = f2_mul(Z1, H)
    return (X3, Y3, Z3)


def _g2_mul_jacobian(p, k: int):
    X = (F2_ONE, F2_ONE, F2_ZERO)
    x, y = p
    for bit in bin(k)[2:]:
        X = _g2_jac_double(X)
        if bit == "1":
            X = _g2_jac_add_affine(X, x, y)
    return X


def g2_mul(p, k: int):
    """Scalar multiplication by any k >= 0 (NOT reduced mod r: used for subgroup checks)."""
    if p is None or k == 0:
        return None
    X, Y, Z = _g2_mul_jacobian(p, k)
    if Z == F2_ZERO:
        return None
    zi = f2_inv(Z)
    zi2 = f2_sqr(zi)
    return (f2_mul(X, zi2), f2_mul(Y, f2_mul(zi2, zi)))


def g2_in_subgroup(p) -> bool:
    """True iff r * p is the point at infinity (p must be on the twist curve)."""
    if p is None:
        return True
    return _g2_mul_jacobian(p, R)[2] == F2_ZERO


# Frobenius endomorphism on the twist, pi(x, y) = (conj(x) xi^((q-1)/3), conj(y) xi^((q-1)/2)),
# and pi^2(x, y) = (x xi^((q^2-1)/3), y xi^((q^2-1)/2)).
_PI_X1 = f2_pow(XI, (Q - 1) // 3)
_PI_Y1 = f2_pow(XI, (Q - 1) // 2)
_PI_X2 = f2_pow(XI, (Q * Q - 1) // 3)
_PI_Y2 = f2_pow(XI, (Q * Q - 1) // 2)


def g2_frobenius(p):
    x, y = p
    return (f2_mul(f2_conj(x), _PI_X1), f2_mul(f2_conj(y), _PI_Y1))


def g2_frobenius2(p):
    x, y = p
    return (f2_mul(x, _PI_X2), f2_mul(y, _PI_Y2))


# ---------------------------------------------------------------------------------------------
# Miller loop
# ---------------------------------------------------------------------------------------------
def _signed_digits(n: int) -> list[int]:
    """Non-adjacent form of n, most significant digit first."""
    digits = []
    while n:
        if n & 1:
            d = 2 - (n & 3)
            n -= d
        else:
            d = 0
        digits.append(d)
        n >>= 1
    return digits[::-1]


#: NAF digits of 6u+2 (most significant first); the leading 1 is the initial T = Q.
ATE_NAF = _signed_digits(ATE_LOOP_COUNT)
assert sum(d << i for i, d in enumerate(reversed(ATE_NAF))) == ATE_LOOP_COUNT


class ExceptionalLineError(ArithmeticError):
    """A Miller-loop line met an exceptional case (impossible for points of order r)."""


def _line(T, Qp):
    """Slope/offset of the line through T and Qp (tangent if equal), and T + Qp.

    A line through affine twist points with slope lam evaluates at P = (xP, yP) to
    yP - lam xP w + (lam xT - yT) w^3 (up to Fq-factors), stored as (lam, lam xT - yT).
    """
    x1, y1 = T
    x2, y2 = Qp
    if x1 == x2:
        if y1 != y2 or y1 == F2_ZERO:
            raise ExceptionalLineError("vertical line in Miller loop")
        lam = f2_mul(f2_scale(f2_sqr(x1), 3), f2_inv(f2_scale(y1, 2)))
    else:
        lam = f2_mul(f2_sub(y2, y1), f2_inv(f2_sub(x2, x1)))
    c = f2_sub(f2_mul(lam, x1), y1)
    x3 = f2_sub(f2_sub(f2_sqr(lam), x1), x2)
    y3 = f2_sub(f2_mul(lam, f2_sub(x1, x3)), y1)
    return (lam, c), (x3, y3)


def g2_line_coeffs(Qpt) -> tuple[tuple, ...]:
    """Line coefficients of the optimal-ate Miller loop for the G2 point ``Qpt``.

    Q must be a valid point of order r (on the twist and in the subgroup);
    the result only depends on Q and can be cached for fixed points.
    Order: for each NAF digit after the first, the doubling line and, for a
    non-zero digit, the addition line; then the two Frobenius lines.
    """
    if Qpt is None:
        raise ValueError("point at infinity has no Miller loop lines")
    coeffs = []
    T = Qpt
    negQ = g2_neg(Qpt)
    for d in ATE_NAF[1:]:
        lc, T = _line(T, T)
        coeffs.append(lc)
        if d:
            lc, T = _line(T, Qpt if d == 1 else negQ)
            coeffs.append(lc)
    Q1 = g2_frobenius(Qpt)
    nQ2 = g2_neg(g2_frobenius2(Qpt))
    lc, T = _line(T, Q1)
    coeffs.append(lc)
    lc, _ = _line(T, nQ2)
    coeffs.append(lc)
    return tuple(coeffs)


def _prepare_g1(p):
    """For P = (x, y), y != 0: (-x/y, 1/y) -- the line is scaled by 1/yP."""
    x, y = p
    yi = pow(y, -1, _q)
    return ((-x * yi) % _q, yi)


def multi_miller_loop(pairs: Sequence[tuple[tuple[int, int], Sequence]]):
    """Product of optimal-ate Miller loops f_{6u+2,Q}(P) (with the two Frobenius lines),
    for ``pairs`` of (G1 affine point P, g2_line_coeffs(Q)), sharing the squarings.

    Each line is normalised by 1/yP (an Fq factor, removed by the final exponentiation).
    """
    prepared = []
    for p, coeffs in pairs:
        if p is None:
            continue  # e(O, Q) = 1
        xs, ys = _prepare_g1(p)
        prepared.append((xs, ys, coeffs))
    q = _q
    f = FQ12_ONE
    idx = 0
    first = True

    def apply(f, idx):
        for xs, ys, coeffs in prepared:
            (l0, l1), (c0, c1) = coeffs[idx]
            f = f12_mul_by_line(f, (l0 * xs % q, l1 * xs % q), (c0 * ys % q, c1 * ys % q))
        return f

    for d in ATE_NAF[1:]:
        if not first:
            f = f12_sqr(f)
        first = False
        f = apply(f, idx)
        idx += 1
        if d:
            f = apply(f, idx)
            idx += 1
    f = apply(f, idx)
    f = apply(f, idx + 1)
    return f


def pairing(p, qpt):
    """Reduced optimal-ate pairing e(p, q) for p in G1, q in G2 (affine, validated)."""
    if p is None or qpt is None:
        return FQ12_ONE
    return final_exponentiation(multi_miller_loop([(p, g2_line_coeffs(qpt))]))


# ---------------------------------------------------------------------------------------------
# Conversion to py_ecc (tests only)
# ---------------------------------------------------------------------------------------------
def fq12_to_coeffs(a) -> list[int]:
    """Coefficients of ``a`` in py_ecc's FQ12 basis 1, w, ..., w^11 (w^12 = 18 w^6 - 82).

    A tower coefficient c = c0 + c1 i at w^n (n = 2j + k) becomes
    (c0 - 9 c1) w^n + c1 w^(n+6), since i = w^6 - 9.
    """
    out = [0] * 12
    (c00, c01, c02), (c10, c11, c12) = a
    for n, c in ((0, c00), (2, c01), (4, c02), (1, c10), (3, c11), (5, c12)):
        out[n] = (out[n] + c[0] - 9 * c[1]) % _q
        out[n + 6] = (out[n + 6] + c[1]) % _q
    return out

"""Plain py_ecc Groth16 check -- the slow, independent reference.

Uses only py_ecc's public ``optimized_bn128`` API: ``multiply``/``add`` for the
public-input MSM, one ``pairing(..., final_exponentiate=False)`` Miller loop per
pair for the four pairs (-A, B), (alpha, beta), (vk_x, gamma), (C, delta), and
one shared ``final_exponentiate`` of their product.  Nothing is precomputed.

This is the "plain py_ecc approach" of ``benchmarks/verifier_bench.py`` and an
independent cross-check of the fast path in the tests.  It takes an
already-validated :class:`~refute.verifier.groth16.Proof`, and returns a bool (it is
not a verifier API; ``verifier.verify_seal`` is).
"""

from __future__ import annotations

from collections.abc import Sequence

from py_ecc.optimized_bn128 import FQ, FQ2, FQ12, add, final_exponentiate, multiply, neg, pairing

from .groth16 import Proof
from .params import VerifyingKey

__all__ = ["pairing_check_py_ecc"]


def _g1(p):
    return (FQ(p[0]), FQ(p[1]), FQ(1))


def _g2(p):
    (x0, x1), (y0, y1) = p
    return (FQ2([x0, x1]), FQ2([y0, y1]), FQ2.one())


def pairing_check_py_ecc(vk: VerifyingKey, proof: Proof, public_inputs: Sequence[int]) -> bool:
    """e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) == 1, computed with py_ecc."""
    vk_x = _g1(vk.ic[0])
    for s, p in zip(public_inputs, vk.ic[1:], strict=False):
        vk_x = add(vk_x, multiply(_g1(p), s))
    f = (
        pairing(_g2(proof.b), neg(_g1(proof.a)), final_exponentiate=False)
        * pairing(_g2(vk.beta), _g1(vk.alpha), final_exponentiate=False)
        * pairing(_g2(vk.gamma), vk_x, final_exponentiate=False)
        * pairing(_g2(vk.delta), _g1(proof.c), final_exponentiate=False)
    )
    return final_exponentiate(f) == FQ12.one()

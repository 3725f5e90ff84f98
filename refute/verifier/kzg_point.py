"""The EIP-4844 point-evaluation precompile (``0x0a``) in pure Python.

Why here: the dispute game checks every blob opening with ``0x0a``; the
mirror must decide the same without a chain and without the native ``ckzg``
library (the verifier package is pure Python). The check is the one the
precompile specifies:

1. the input is 192 bytes: ``versioned_hash ‖ z ‖ y ‖ commitment ‖ proof``;
2. ``versioned_hash == 0x01 ‖ sha256(commitment)[1:]``;
3. ``z`` and ``y`` are canonical BLS12-381 scalars (``< r``);
4. commitment and proof are compressed G1 points, on the curve and in the
   order-``r`` subgroup;
5. ``e(C − [y]G1, G2) == e(π, [τ]G2 − [z]G2)``.

Only one point of the KZG trusted setup is needed: ``[τ]G2``, the second G2
point of the Ethereum ceremony output (``trusted_setup.txt``), embedded below.
"""

from __future__ import annotations

import hashlib
from functools import cache

from py_ecc.bls.point_compression import decompress_G1, decompress_G2
from py_ecc.fields import optimized_bls12_381_FQ12 as FQ12
from py_ecc.optimized_bls12_381 import (
    G1,
    G2,
    add,
    curve_order,
    final_exponentiate,
    is_inf,
    multiply,
    neg,
    pairing,
)

from .errors import MalformedInputError

__all__ = [
    "BLS_MODULUS",
    "OPENING_BYTES",
    "KzgOpeningError",
    "check_opening",
    "versioned_hash",
]

#: The BLS12-381 scalar field order r: z and y must be below it.
BLS_MODULUS = curve_order
OPENING_BYTES = 192
VERSIONED_HASH_VERSION_KZG = b"\x01"

#: [τ]G2 of the Ethereum KZG ceremony (trusted_setup.txt, G2 point 1), compressed.
TAU_G2_COMPRESSED = bytes.fromhex(
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
    "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2"
)


class KzgOpeningError(MalformedInputError):
    """A blob opening fails the point-evaluation check (the precompile would fail the call)."""

    code = "blob_opening_invalid"


def versioned_hash(commitment: bytes) -> bytes:
    """``kzg_to_versioned_hash``: ``0x01 ‖ sha256(commitment)[1:]``."""
    return VERSIONED_HASH_VERSION_KZG + hashlib.sha256(commitment).digest()[1:]


@cache
def _tau_g2():
    x_im = int.from_bytes(TAU_G2_COMPRESSED[:48], "big")
    x_re = int.from_bytes(TAU_G2_COMPRESSED[48:], "big")
    return decompress_G2((x_im, x_re))  # type: ignore[arg-type]


def _g1(data: bytes, what: str):
    try:
        point = decompress_G1(int.from_bytes(data, "big"))  # type: ignore[arg-type]
    except ValueError as exc:
        raise KzgOpeningError(f"{what}: not a compressed G1 point ({exc})") from None
    if not is_inf(multiply(point, curve_order)):
        raise KzgOpeningError(f"{what}: not in the order-r subgroup")
    return point


def check_opening(opening: bytes) -> None:
    """Returns iff the 192-byte precompile input passes ``0x0a``; raises :class:`KzgOpeningError` otherwise."""
    opening = bytes(opening)
    if len(opening) != OPENING_BYTES:
        raise KzgOpeningError(f"opening: expected {OPENING_BYTES} bytes, got {len(opening)}")
    vh, z_b, y_b, commitment, proof = opening[:32], opening[32:64], opening[64:96], opening[96:144], opening[144:]
    if versioned_hash(commitment) != vh:
        raise KzgOpeningError("opening: the commitment does not hash to the versioned hash")
    z, y = int.from_bytes(z_b, "big"), int.from_bytes(y_b, "big")
    if z >= BLS_MODULUS or y >= BLS_MODULUS:
        raise KzgOpeningError("opening: z or y is not a canonical BLS12-381 scalar")
    c = _g1(commitment, "commitment")
    pi = _g1(proof, "proof")
    # e(C - [y]G1, -G2) * e(pi, [tau - z]G2) == 1, with one final exponentiation.
    lhs_g1 = add(c, neg(multiply(G1, y)))
    rhs_g2 = add(_tau_g2(), neg(multiply(G2, z)))
    product = pairing(neg(G2), lhs_g1, final_exponentiate=False) * pairing(rhs_g2, pi, final_exponentiate=False)
    if final_exponentiate(product) != FQ12.one():
        raise KzgOpeningError("opening: the KZG proof does not show p(z) = y for this commitment")

"""Groth16 proof parsing and verification (BN254), and the RISC Zero Groth16 verifier.

``RiscZeroGroth16Verifier.verify_integrity(seal, claim_digest)`` decides like the
Solidity ``RiscZeroGroth16Verifier._verifyIntegrity``:

1. the first 4 seal bytes must equal the selector of the parameter set;
2. the remaining 256 bytes are ``abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c)``
   with G2 coordinates in EIP-197 order (``b[0] = (x_im, x_re)``, ``b[1] = (y_im, y_re)``);
3. public inputs: control root halves, claim digest halves (``splitDigest``) and
   the BN254 control ID;
4. ``e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1``.

Inputs are checked strictly before the pairing (see :meth:`Proof.from_bytes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import bn254
from .encoding import as_bytes, as_digest, to_hex
from .errors import (
    InvalidPointError,
    MalformedSealError,
    ProofRejectedError,
    PublicInputError,
    SelectorMismatchError,
)
from .params import ParameterSet, VerifyingKey, split_digest

__all__ = ["PROOF_BYTES", "PreparedVerifyingKey", "Proof", "RiscZeroGroth16Verifier", "prepared_key"]

PROOF_BYTES = 256
_WORD_NAMES = ("a[0]", "a[1]", "b[0][0]", "b[0][1]", "b[1][0]", "b[1][1]", "c[0]", "c[1]")


@dataclass(frozen=True)
class Proof:
    """A Groth16 proof: A, C in G1, B in G2 (affine; B as ((x_re, x_im), (y_re, y_im)))."""

    a: tuple[int, int]
    b: tuple[tuple[int, int], tuple[int, int]]
    c: tuple[int, int]

    @classmethod
    def from_bytes(cls, data: bytes, *, offset: int = 0, what: str = "seal") -> Proof:
        """Parse and validate ``abi.encode(a, b, c)`` (256 bytes).

        Checked, in order, raising on the first failure: the length; every
        coordinate word < q (in seal order); A on the curve and not the
        point at infinity; B on the twist, not infinity, in the order-r
        subgroup; C on the curve and not infinity.  ``offset`` only shifts the
        byte positions quoted in error messages (4 for a seal with a selector).
        """
        data = as_bytes(data, what)
        if len(data) != PROOF_BYTES:
            raise MalformedSealError(
                f"{what}: Groth16 proof must be {PROOF_BYTES} bytes (abi-encoded a, b, c), got {len(data)}"
            )
        words = []
        for i, name in enumerate(_WORD_NAMES):
            w = int.from_bytes(data[32 * i : 32 * i + 32], "big")
            if w >= bn254.Q:
                start = offset + 32 * i
                raise InvalidPointError(
                    f"{what}: coordinate {name} (bytes {start}..{start + 32}) = {w:#x} "
                    f"is not less than the base field modulus q"
                )
            words.append(w)
        a = (words[0], words[1])
        b = ((words[3], words[2]), (words[5], words[4]))
        c = (words[6], words[7])
        _check_g1(a, "a", what)
        if b == ((0, 0), (0, 0)):
            raise InvalidPointError(f"{what}: G2 point b is the point at infinity (all-zero encoding)")
        if not bn254.g2_is_on_curve(b):
            raise InvalidPointError(f"{what}: G2 point b is not on the curve y^2 = x^3 + 3/(9+i)")
        if not bn254.g2_in_subgroup(b):
            raise InvalidPointError(f"{what}: G2 point b is not in the order-r subgroup")
        _check_g1(c, "c", what)
        return cls(a=a, b=b, c=c)

    def to_bytes(self) -> bytes:
        (bx0, bx1), (by0, by1) = self.b
        words = (self.a[0], self.a[1], bx1, bx0, by1, by0, self.c[0], self.c[1])
        return b"".join(w.to_bytes(32, "big") for w in words)


def _check_g1(p, name: str, what: str) -> None:
    if p == (0, 0):
        raise InvalidPointError(f"{what}: G1 point {name} is the point at infinity (all-zero encoding)")
    if not bn254.g1_is_on_curve(p):
        raise InvalidPointError(f"{what}: G1 point {name} is not on the curve y^2 = x^3 + 3")


class PartialInputs:
    """IC0 + sum(s_i * IC_{i+1}) over public inputs fixed in advance (e.g. by a parameter set)."""

    def __init__(self, pvk: PreparedVerifyingKey, fixed: Mapping[int, int]):
        ic = pvk.vk.ic
        acc = ic[0]
        for i, s in sorted(fixed.items()):
            if not 0 <= i < len(ic) - 1:
                raise ValueError(f"public input index {i} out of range")
            if not 0 <= s < bn254.R:
                raise PublicInputError(f"public input {i} = {s:#x} is not less than the scalar field order r")
            acc = bn254.g1_add(acc, bn254.g1_mul(ic[i + 1], s))
        self.fixed: dict[int, int] = dict(fixed)
        self.base = acc  # affine point or None


class PreparedVerifyingKey:
    """A verifying key with everything fixed precomputed (lazily, once):

    * ``e(alpha, beta)^-1`` as an Fq12 constant,
    * the Miller-loop line coefficients of gamma and delta,
    * 4-bit fixed-base tables for each IC point (the public-input MSM).

    Only B needs a Miller loop with its own line computations; the three
    remaining Miller loops share the Fq12 squarings, and there is one final
    exponentiation per verification.
    """

    def __init__(self, vk: VerifyingKey):
        self.vk = vk
        self._gamma_lines: tuple[tuple[Any, ...], ...] | None = None
        self._delta_lines: tuple[tuple[Any, ...], ...] | None = None
        self._target: Any = None
        self._tables: dict[int, bn254.G1Table] = {}

    @property
    def gamma_lines(self):
        if self._gamma_lines is None:
            self._gamma_lines = bn254.g2_line_coeffs(self.vk.gamma)
        return self._gamma_lines

    @property
    def delta_lines(self):
        if self._delta_lines is None:
            self._delta_lines = bn254.g2_line_coeffs(self.vk.delta)
        return self._delta_lines

    @property
    def target(self):
        """e(alpha, beta)^-1 (conjugate = inverse in the cyclotomic subgroup)."""
        if self._target is None:
            self._target = bn254.f12_conj(bn254.pairing(self.vk.alpha, self.vk.beta))
        return self._target

    def _table(self, index: int) -> bn254.G1Table:
        t = self._tables.get(index)
        if t is None:
            t = self._tables[index] = bn254.G1Table(self.vk.ic[index + 1], bits=256)
        return t

    def warm_up(self) -> None:
        """Compute all lazy precomputations now."""
        self.gamma_lines, self.delta_lines, self.target  # noqa: B018
        for i in range(self.vk.n_public):
            self._table(i)

    def partial_inputs(self, fixed: Mapping[int, int]) -> PartialInputs:
        return PartialInputs(self, fixed)

    def vk_x(self, public_inputs: Sequence[int], partial: PartialInputs | None = None):
        """IC0 + sum(public_inputs[i] * IC_{i+1}) (affine, or None for infinity)."""
        n = self.vk.n_public
        if len(public_inputs) != n:
            raise PublicInputError(f"expected {n} public inputs, got {len(public_inputs)}")
        for i, s in enumerate(public_inputs):
            if not isinstance(s, int) or isinstance(s, bool) or s < 0:
                raise PublicInputError(f"public input {i} is not a non-negative integer: {s!r}")
            if s >= bn254.R:
                raise PublicInputError(f"public input {i} = {s:#x} is not less than the scalar field order r")
        if partial is not None:
            for i, s in partial.fixed.items():
                if public_inputs[i] != s:
                    raise PublicInputError(f"public input {i} differs from the value fixed by the parameter set")
            base = partial.base
            skip = partial.fixed
        else:
            base = self.vk.ic[0]
            skip = {}
        acc = (base[0], base[1], 1) if base is not None else (1, 1, 0)
        for i, s in enumerate(public_inputs):
            if i in skip or s == 0:
                continue
            acc = self._table(i).mul_jacobian(s, acc)
        return bn254.g1_from_jacobian(acc)

    def verify(self, proof: Proof, public_inputs: Sequence[int], partial: PartialInputs | None = None) -> None:
        """Raise ProofRejectedError unless e(A,B) = e(alpha,beta) e(vk_x,gamma) e(C,delta).

        ``proof`` must come from :meth:`Proof.from_bytes` (validated points).
        """
        vk_x = self.vk_x(public_inputs, partial)
        try:
            b_lines = bn254.g2_line_coeffs(proof.b)
        except bn254.ExceptionalLineError:  # pragma: no cover - impossible for order-r points
            raise ProofRejectedError("seal: degenerate G2 point b") from None
        f = bn254.multi_miller_loop(
            [
                (bn254.g1_neg(proof.a), b_lines),
                (vk_x, self.gamma_lines),
                (proof.c, self.delta_lines),
            ]
        )
        if bn254.final_exponentiation(f) != self.target:
            raise ProofRejectedError(
                "groth16: pairing check failed (the proof does not verify for these public inputs)"
            )


_PREPARED: dict[bytes, PreparedVerifyingKey] = {}


def prepared_key(vk: VerifyingKey) -> PreparedVerifyingKey:
    """Process-wide cache of prepared keys, keyed by the key digest."""
    d = vk.digest()
    pvk = _PREPARED.get(d)
    if pvk is None:
        pvk = _PREPARED[d] = PreparedVerifyingKey(vk)
    return pvk


class RiscZeroGroth16Verifier:
    """One ``RiscZeroGroth16Verifier`` contract: a parameter set and its selector."""

    kind = "groth16"
    SEAL_BYTES = 4 + PROOF_BYTES

    def __init__(self, params: ParameterSet):
        self.params = params
        self.selector = params.selector
        self._pvk = prepared_key(params.verifying_key)
        self._partial: PartialInputs | None = None

    def _partial_inputs(self) -> PartialInputs:
        if self._partial is None:
            self._partial = self._pvk.partial_inputs(self.params.fixed_public_inputs())
        return self._partial

    def public_inputs(self, claim_digest: bytes):
        cr0, cr1 = split_digest(self.params.control_root)
        c0, c1 = split_digest(claim_digest)
        return [cr0, cr1, c0, c1, int.from_bytes(self.params.bn254_control_id, "big")]

    def verify_integrity(self, seal: bytes, claim_digest: bytes) -> None:
        seal = as_bytes(seal, "seal")
        claim_digest = as_digest(claim_digest, "claim_digest")
        if len(seal) < 4:
            raise MalformedSealError(f"seal: {len(seal)} bytes is too short to hold a 4-byte selector")
        if seal[:4] != self.selector:
            raise SelectorMismatchError(
                f"seal: selector {to_hex(seal[:4])} does not match this verifier's {to_hex(self.selector)} "
                f"({self.params.name})"
            )
        if len(seal) != self.SEAL_BYTES:
            raise MalformedSealError(
                f"seal: a Groth16 seal is {self.SEAL_BYTES} bytes (4-byte selector + 256-byte proof), got {len(seal)}"
            )
        proof = Proof.from_bytes(seal[4:], offset=4)
        try:
            self._pvk.verify(proof, self.public_inputs(claim_digest), self._partial_inputs())
        except ProofRejectedError:
            raise ProofRejectedError(
                f"groth16: pairing check failed -- the seal is not a valid proof of claim "
                f"{to_hex(claim_digest)} under {self.params.name} (selector {to_hex(self.selector)})"
            ) from None

    def warm_up(self) -> None:
        self._pvk.warm_up()
        self._partial_inputs()

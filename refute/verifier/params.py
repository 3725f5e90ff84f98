"""Embedded RISC Zero Groth16 verifier parameters (public protocol constants).

* ``VERIFYING_KEY``: RISC Zero's Groth16 verifying key (the ``Groth16Verifier.sol``
  constants of risc0-ethereum, identical to ``risc0-groth16``'s ``verifying_key()``),
  in the Solidity naming: G2 coordinates ``x1``/``y1`` are the *imaginary* parts
  (EIP-197 order), ``x2``/``y2`` the real parts.
* ``PARAMETER_SETS``: every parameter set risc0-ethereum has released (one per
  distinct ``ControlID.sol`` across its ``vX.Y.Z`` tags, read into
  ``data/parameter_sets.json``), plus the one on its main branch: the
  ``CONTROL_ROOT`` and ``BN254_CONTROL_ID`` (both in the Solidity byte order; the
  BN254 control ID is the big-endian encoding of the fifth public input, i.e. the
  byte reverse of risc0's ``BN254_IDENTITY_CONTROL_ID``).  The data lives in JSON so
  that adding a release is a data change that the selector derivation checks.

Selectors are *derived*, never listed: ``selector = digest[:4]`` of the tagged
struct ``risc0.Groth16ReceiptVerifierParameters(control_root,
reverse(bn254_control_id), verifying_key.digest())`` -- what the
``RiscZeroGroth16Verifier`` constructor and ``Groth16ReceiptVerifierParameters::digest``
compute.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from . import bn254
from .digests import sha256, tagged_list, tagged_struct
from .encoding import as_digest, parse_hex
from .errors import MalformedInputError

__all__ = [
    "PARAMETER_SETS",
    "VERIFYING_KEY",
    "VERIFYING_KEY_CONSTANTS",
    "ParameterSet",
    "VerifyingKey",
    "parameter_set_by_selector",
    "parameter_sets_from_json",
    "split_digest",
]

# Groth16Verifier.sol (risc0-ethereum) == risc0-groth16 src/verifier.rs constants.
VERIFYING_KEY_CONSTANTS: dict[str, int] = {
    "alphax": 20491192805390485299153009773594534940189261866228447918068658471970481763042,
    "alphay": 9383485363053290200918347156157836566562967994039712273449902621266178545958,
    "betax1": 4252822878758300859123897981450591353533073413197771768651442665752259397132,
    "betax2": 6375614351688725206403948262868962793625744043794305715222011528459656738731,
    "betay1": 21847035105528745403288232691147584728191162732299865338377159692350059136679,
    "betay2": 10505242626370262277552901082094356697409835680220590971873171140371331206856,
    "gammax1": 11559732032986387107991004021392285783925812861821192530917403151452391805634,
    "gammax2": 10857046999023057135944570762232829481370756359578518086990519993285655852781,
    "gammay1": 4082367875863433681332203403145435568316851327593401208105741076214120093531,
    "gammay2": 8495653923123431417604973247489272438418190587263600148770280649306958101930,
    "deltax1": 1668323501672964604911431804142266013250380587483576094566949227275849579036,
    "deltax2": 12043754404802191763554326994664886008979042643626290185762540825416902247219,
    "deltay1": 7710631539206257456743780535472368339139328733484942210876916214502466455394,
    "deltay2": 13740680757317479711909903993315946540841369848973133181051452051592786724563,
    "IC0x": 8446592859352799428420270221449902464741693648963397251242447530457567083492,
    "IC0y": 1064796367193003797175961162477173481551615790032213185848276823815288302804,
    "IC1x": 3179835575189816632597428042194253779818690147323192973511715175294048485951,
    "IC1y": 20895841676865356752879376687052266198216014795822152491318012491767775979074,
    "IC2x": 5332723250224941161709478398807683311971555792614491788690328996478511465287,
    "IC2y": 21199491073419440416471372042641226693637837098357067793586556692319371762571,
    "IC3x": 12457994489566736295787256452575216703923664299075106359829199968023158780583,
    "IC3y": 19706766271952591897761291684837117091856807401404423804318744964752784280790,
    "IC4x": 19617808913178163826953378459323299110911217259216006187355745713323154132237,
    "IC4y": 21663537384585072695701846972542344484111393047775983928357046779215877070466,
    "IC5x": 6834578911681792552110317589222010969491336870276623105249474534788043166867,
    "IC5y": 15060583660288623605191393599883223885678013570733629274538391874953353488393,
}


def _u256(v: int) -> bytes:
    return v.to_bytes(32, "big")


G1Point = tuple[int, int]
G2Point = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class VerifyingKey:
    """A Groth16 verifying key over BN254 (affine points; G2 as ((x_re, x_im), (y_re, y_im)))."""

    alpha: G1Point
    beta: G2Point
    gamma: G2Point
    delta: G2Point
    ic: tuple[G1Point, ...]

    def __post_init__(self) -> None:
        for name in ("alpha",):
            p = getattr(self, name)
            if not (all(0 <= c < bn254.Q for c in p) and bn254.g1_is_on_curve(p)):
                raise MalformedInputError(f"verifying key: {name} is not a G1 point")
        for name in ("beta", "gamma", "delta"):
            p = getattr(self, name)
            if not (
                all(0 <= c < bn254.Q for xy in p for c in xy) and bn254.g2_is_on_curve(p) and bn254.g2_in_subgroup(p)
            ):
                raise MalformedInputError(f"verifying key: {name} is not a G2 point of order r")
        if len(self.ic) < 1:
            raise MalformedInputError("verifying key: IC must have at least one point")
        for i, p in enumerate(self.ic):
            if not (all(0 <= c < bn254.Q for c in p) and bn254.g1_is_on_curve(p)):
                raise MalformedInputError(f"verifying key: IC[{i}] is not a G1 point")

    @classmethod
    def from_solidity_constants(cls, c: Mapping[str, object]) -> VerifyingKey:
        """Build from ``Groth16Verifier.sol``-style constants (decimal strings or ints)."""
        try:
            v = {k: int(str(val), 10) if not isinstance(val, int) else val for k, val in c.items()}

            def g2(name: str) -> G2Point:
                return ((v[name + "x2"], v[name + "x1"]), (v[name + "y2"], v[name + "y1"]))

            ic = []
            i = 0
            while f"IC{i}x" in v:
                ic.append((v[f"IC{i}x"], v[f"IC{i}y"]))
                i += 1
            return cls(
                alpha=(v["alphax"], v["alphay"]),
                beta=g2("beta"),
                gamma=g2("gamma"),
                delta=g2("delta"),
                ic=tuple(ic),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise MalformedInputError(f"verifying key constants: {exc!r}") from None

    @property
    def n_public(self) -> int:
        return len(self.ic) - 1

    def digest(self) -> bytes:
        """``risc0_groth16::VerifyingKey::digest`` == ``verifier_key_digest()`` in Solidity.

        Points hash as sha256 of their big-endian coordinates, G2 in EIP-197 order
        (x_im, x_re, y_im, y_re).
        """

        def h1(p: G1Point) -> bytes:
            return sha256(_u256(p[0]) + _u256(p[1]))

        def h2(p: G2Point) -> bytes:
            (x0, x1), (y0, y1) = p
            return sha256(_u256(x1) + _u256(x0) + _u256(y1) + _u256(y0))

        return tagged_struct(
            "risc0_groth16.VerifyingKey",
            [
                h1(self.alpha),
                h2(self.beta),
                h2(self.gamma),
                h2(self.delta),
                tagged_list("risc0_groth16.VerifyingKey.IC", [h1(p) for p in self.ic]),
            ],
        )


VERIFYING_KEY = VerifyingKey.from_solidity_constants(VERIFYING_KEY_CONSTANTS)


def split_digest(d: bytes) -> tuple[int, int]:
    """``splitDigest``: the digest read as a little-endian 256-bit integer, split into
    (low 128 bits, high 128 bits) -- i.e. each 16-byte half read little-endian."""
    d = as_digest(d, "digest")
    return int.from_bytes(d[:16], "little"), int.from_bytes(d[16:], "little")


@dataclass(frozen=True)
class ParameterSet:
    """One ``RiscZeroGroth16Verifier`` deployment: control root + BN254 control ID + key."""

    name: str
    control_root: bytes
    bn254_control_id: bytes
    source: str
    verifying_key: VerifyingKey = field(default=VERIFYING_KEY, repr=False)
    #: every risc0-ethereum release tag whose ControlID.sol holds these parameters
    tags: tuple[str, ...] = ()
    #: False for parameters on risc0-ethereum's main branch that no release tag carries yet
    released: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "control_root", as_digest(self.control_root, f"{self.name}: control_root"))
        object.__setattr__(self, "bn254_control_id", as_digest(self.bn254_control_id, f"{self.name}: bn254_control_id"))
        if int.from_bytes(self.bn254_control_id, "big") >= bn254.R:
            raise MalformedInputError(f"{self.name}: bn254_control_id is not < r")
        if self.verifying_key.n_public != 5:
            raise MalformedInputError(f"{self.name}: RISC Zero verifying keys have 5 public inputs")

    def parameters_digest(self) -> bytes:
        """``Groth16ReceiptVerifierParameters::digest`` (the Rust struct holds the BN254
        control ID in risc0 byte order, the reverse of the Solidity constant)."""
        return tagged_struct(
            "risc0.Groth16ReceiptVerifierParameters",
            [self.control_root, self.bn254_control_id[::-1], self.verifying_key.digest()],
        )

    @property
    def selector(self) -> bytes:
        return self.parameters_digest()[:4]

    def fixed_public_inputs(self) -> dict[int, int]:
        """Public inputs fixed by the parameter set: control root halves (0, 1) and the
        BN254 control ID (4).  Inputs 2 and 3 are the claim digest halves."""
        cr0, cr1 = split_digest(self.control_root)
        return {0: cr0, 1: cr1, 4: int.from_bytes(self.bn254_control_id, "big")}


PARAMETER_SETS_FILE = "data/parameter_sets.json"


def _text_field(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedInputError(f"{where}: field {key!r} must be a non-empty string")
    return value


def parameter_sets_from_json(data: object, where: str) -> tuple[ParameterSet, ...]:
    """Parse the ``parameter_sets.json`` layout (``{"parameter_sets": [{name, control_root,
    bn254_control_id, source, tags, released}, ...]}``).

    Kept separate from the file read so the packaged table and a test's variant of it
    go through the same checks.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("parameter_sets"), list):
        raise MalformedInputError(f"{where}: expected an object with a 'parameter_sets' list")
    out: list[ParameterSet] = []
    for i, entry in enumerate(data["parameter_sets"]):
        at = f"{where}: parameter_sets[{i}]"
        if not isinstance(entry, Mapping):
            raise MalformedInputError(f"{at}: expected an object")
        tags = entry.get("tags", [])
        released = entry.get("released", True)
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise MalformedInputError(f"{at}: field 'tags' must be a list of strings")
        if not isinstance(released, bool):
            raise MalformedInputError(f"{at}: field 'released' must be a boolean")
        name = _text_field(entry, "name", at)
        out.append(
            ParameterSet(
                name=name,
                control_root=parse_hex(_text_field(entry, "control_root", at), f"{at}.control_root"),
                bn254_control_id=parse_hex(_text_field(entry, "bn254_control_id", at), f"{at}.bn254_control_id"),
                source=_text_field(entry, "source", at),
                tags=tuple(tags),
                released=released,
            )
        )
    names = [ps.name for ps in out]
    if len(set(names)) != len(names):
        raise MalformedInputError(f"{where}: parameter set names are not unique")
    return tuple(out)


def _load_packaged() -> tuple[ParameterSet, ...]:
    resource = resources.files(__package__) / PARAMETER_SETS_FILE
    return parameter_sets_from_json(json.loads(resource.read_text(encoding="utf-8")), str(resource))


#: Every released parameter set (oldest first), plus the unreleased one on
#: risc0-ethereum's main branch; read from ``data/parameter_sets.json``.
PARAMETER_SETS: tuple[ParameterSet, ...] = _load_packaged()


@cache
def _by_selector() -> dict[bytes, ParameterSet]:
    table: dict[bytes, ParameterSet] = {}
    for ps in PARAMETER_SETS:
        if ps.selector in table:  # pragma: no cover - a constants bug, caught by the tests
            raise RuntimeError(f"selector collision between {table[ps.selector].name} and {ps.name}")
        table[ps.selector] = ps
    return table


def parameter_set_by_selector(selector: bytes) -> ParameterSet | None:
    """The embedded parameter set with this 4-byte selector, or None."""
    return _by_selector().get(bytes(selector))

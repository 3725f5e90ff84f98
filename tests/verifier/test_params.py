"""Embedded parameters: verifying key, control roots, derived selectors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from receipt_cases import each_receipt

from refute import verifier
from refute.verifier import PARAMETER_SETS, VERIFYING_KEY, ParameterSet, VerifyingKey, parameter_set_by_selector
from refute.verifier.params import VERIFYING_KEY_CONSTANTS, split_digest

# Full Groth16ReceiptVerifierParameters digests published by RISC Zero:
# risc0-ethereum contracts/src/selector.rs (Groth16V2_0, Groth16V2_1) and the
# groth16_receipt_verifier_parameters_is_stable test of risc0-zkvm 3.x.
PUBLISHED_PARAMETER_DIGESTS = {
    "9f39696c": "9f39696cb3ae9d6038d6b7a55c09017f0cf35e226ad7582b82dbabb0dae53385",
    "f536085a": "f536085a791bdbc6cb46ab3074f88e9e94eabb192de8daca3caee1f4ed811b08",
    "73c457ba": "73c457ba541936f0d907daf0c7253a39a9c5c427c225ba7709e44702d3c6eedc",
}


def test_verifying_key_matches_conformance(conformance):
    vk = conformance["verifying_key"]
    assert int(vk["q"]) == verifier.bn254.Q and int(vk["r"]) == verifier.bn254.R
    consts = {k: v for k, v in vk.items() if k not in ("q", "r")}
    assert VerifyingKey.from_solidity_constants(consts) == VERIFYING_KEY
    assert {k: int(v) for k, v in consts.items()} == VERIFYING_KEY_CONSTANTS


def test_verifying_key_digest(conformance):
    assert VERIFYING_KEY.digest().hex() == conformance["verifying_key_digest"]


def test_gamma_is_the_g2_generator():
    # sanity of the (x_re, x_im) convention: gamma == py_ecc's G2 generator
    from py_ecc.optimized_bn128 import G2, normalize

    x, y = normalize(G2)
    assert VERIFYING_KEY.gamma == ((int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1])))


def test_every_conformance_parameter_set_is_embedded_with_derived_selector(conformance):
    listed = conformance["parameters_by_selector"]
    assert listed, "conformance file lists no parameter sets"
    # every conformance set is embedded (the embedded ones also include the v1.x releases)
    assert {bytes.fromhex(s) for s in listed} <= {ps.selector for ps in PARAMETER_SETS}
    for sel_hex, p in listed.items():
        ps = parameter_set_by_selector(bytes.fromhex(sel_hex))
        assert ps is not None, sel_hex
        assert ps.control_root.hex() == p["control_root"]
        assert ps.bn254_control_id.hex() == p["bn254_control_id"]
        # the selector is recomputed from the parameters, not looked up
        fresh = ParameterSet("x", bytes.fromhex(p["control_root"]), bytes.fromhex(p["bn254_control_id"]), "test")
        assert fresh.selector.hex() == sel_hex


@pytest.mark.conformance
@pytest.mark.parametrize("r", each_receipt())
def test_receipt_selector_routes_to_its_parameters(r):
    assert r.seal[:4] == r.selector
    ps = parameter_set_by_selector(r.selector)
    assert ps is not None and ps.control_root.hex() == r.parameters["control_root"]


@pytest.mark.parametrize("selector,digest", sorted(PUBLISHED_PARAMETER_DIGESTS.items()))
def test_published_parameter_digests(selector, digest):
    ps = parameter_set_by_selector(bytes.fromhex(selector))
    assert ps.parameters_digest().hex() == digest


def test_selector_depends_on_every_parameter():
    ps = PARAMETER_SETS[-1]
    flip = lambda b: bytes([b[0] ^ 1]) + b[1:]  # noqa: E731
    assert dataclasses.replace(ps, control_root=flip(ps.control_root)).selector != ps.selector
    assert dataclasses.replace(ps, bn254_control_id=flip(ps.bn254_control_id)).selector != ps.selector
    vk2 = dataclasses.replace(VERIFYING_KEY, ic=(*VERIFYING_KEY.ic[:5], VERIFYING_KEY.ic[0]))
    assert dataclasses.replace(ps, verifying_key=vk2).selector != ps.selector


def test_selectors_are_not_hard_coded_in_the_package():
    src = "".join(p.read_text() for p in Path(verifier.__file__).parent.glob("*.py")).lower()
    for ps in PARAMETER_SETS:
        assert ps.selector.hex() not in src


def test_split_digest():
    d = bytes(range(32))
    lo, hi = split_digest(d)
    # splitDigest: reverse the bytes of the digest as a uint256, then (low 128, high 128)
    rev = int.from_bytes(d[::-1], "big")
    assert (lo, hi) == (rev & ((1 << 128) - 1), rev >> 128)
    assert lo < 2**128 and hi < 2**128


def test_fixed_public_inputs_are_canonical():
    for ps in PARAMETER_SETS:
        fixed = ps.fixed_public_inputs()
        assert set(fixed) == {0, 1, 4}
        assert all(0 <= v < verifier.bn254.R for v in fixed.values())
        # BN254 control IDs differ per set (the v1.x releases have their own)
        assert fixed[4] == int.from_bytes(ps.bn254_control_id, "big")
        lo, hi = split_digest(ps.control_root)
        assert (fixed[0], fixed[1]) == (lo, hi)
    assert len({ps.fixed_public_inputs()[4] for ps in PARAMETER_SETS}) > 1
    assert len({(f[0], f[1]) for f in (ps.fixed_public_inputs() for ps in PARAMETER_SETS)}) == len(PARAMETER_SETS)


def test_parameter_set_validation():
    with pytest.raises(verifier.MalformedInputError):
        ParameterSet("bad", bytes(31), bytes(32), "test")
    with pytest.raises(verifier.MalformedInputError, match="not < r"):
        ParameterSet("bad", bytes(32), b"\xff" * 32, "test")
    with pytest.raises(verifier.MalformedInputError):
        VerifyingKey.from_solidity_constants({"alphax": "1"})
    bad = dict(VERIFYING_KEY_CONSTANTS, alphay=VERIFYING_KEY_CONSTANTS["alphay"] + 1)
    with pytest.raises(verifier.MalformedInputError, match="alpha"):
        VerifyingKey.from_solidity_constants(bad)

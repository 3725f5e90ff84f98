"""Every released RISC Zero Groth16 parameter set is embedded, with derived selectors.

The v1.x receipts are RISC Zero's own Solidity fixtures (``TestReceipt.sol`` at the
v1.0.0, v1.1.4 and v1.2.0 tags of risc0-ethereum, copied into
``v1_release_receipts.json``): each must verify under its parameter set, which
proves the embedded control root and BN254 control ID, not just the selector.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refute import verifier
from refute.verifier import (
    PARAMETER_SETS,
    VERIFYING_KEY,
    MalformedInputError,
    ParameterSet,
    ProofRejectedError,
    SelectorRemovedError,
    UnknownSelectorError,
    sha256,
)
from refute.verifier.params import parameter_sets_from_json

V1_RECEIPTS_FILE = Path(__file__).with_name("v1_release_receipts.json")
V1_RECEIPTS = json.loads(V1_RECEIPTS_FILE.read_text(encoding="utf-8"))["receipts"]

#: selectors of the v1.x verifiers still used by deployed applications
V1_SELECTORS = {"310fe598", "50bd1769", "c101b42b"}
#: selectors the verifier supported before every release was embedded
EARLIER_SELECTORS = {"9f39696c", "f536085a", "bb001d44", "73c457ba", "c27d1bc0"}

ALL_RELEASES = verifier.ALL_RELEASES


def _derived(ps: ParameterSet) -> str:
    """The selector recomputed from the raw parameters, without the embedded object."""
    return ParameterSet("fresh", ps.control_root, ps.bn254_control_id, "test").selector.hex()


def test_derived_selectors_include_v1_and_every_earlier_selector():
    derived = {_derived(ps) for ps in PARAMETER_SETS}
    assert derived >= V1_SELECTORS
    assert derived >= EARLIER_SELECTORS
    assert {ps.selector.hex() for ps in PARAMETER_SETS} == derived


def test_selectors_are_unique():
    selectors = [ps.selector for ps in PARAMETER_SETS]
    assert len(set(selectors)) == len(selectors) == len(PARAMETER_SETS)


def test_every_set_names_its_release_and_source():
    seen_tags: set[str] = set()
    for ps in PARAMETER_SETS:
        assert ps.source.startswith("risc0/risc0-ethereum@") and "contracts/src/groth16/ControlID.sol" in ps.source
        if ps.released:
            # named after the first release tag that carries these parameters
            assert ps.tags and ps.name == ps.tags[0] and f"@{ps.name} " in ps.source
        else:
            assert not ps.tags
        assert not seen_tags & set(ps.tags), ps.name  # one tag, one ControlID.sol
        seen_tags |= set(ps.tags)
    assert {"v1.0.0", "v1.1.0", "v1.2.0", "v2.0.0", "v3.0.0"} <= seen_tags
    assert [ps.name for ps in PARAMETER_SETS if not ps.released] == [PARAMETER_SETS[-1].name]


def test_every_set_uses_the_released_verifying_key():
    """Groth16Verifier.sol has the same key at every tag from v1.0.0 on."""
    for ps in PARAMETER_SETS:
        assert ps.verifying_key == VERIFYING_KEY


def test_v1_sets_have_their_own_bn254_control_ids():
    by_name = {ps.name: ps for ps in PARAMETER_SETS}
    assert by_name["v1.0.0"].bn254_control_id != by_name["v1.1.0"].bn254_control_id
    assert by_name["v1.1.0"].bn254_control_id != by_name["v1.2.0"].bn254_control_id
    assert all(int.from_bytes(ps.bn254_control_id, "big") < verifier.bn254.R for ps in PARAMETER_SETS)


@pytest.mark.parametrize("r", V1_RECEIPTS, ids=[r["name"] for r in V1_RECEIPTS])
def test_v1_release_receipt_verifies_under_its_parameter_set(r):
    seal, image_id, journal = (bytes.fromhex(r[k]) for k in ("seal", "image_id", "journal"))
    assert seal[:4].hex() in V1_SELECTORS
    out = verifier.verify_receipt(seal, image_id, journal, deployment=ALL_RELEASES)
    assert out.verifier == "groth16" and out.parameter_set == r["parameter_set"]
    assert out.selector == seal[:4]


@pytest.mark.parametrize("r", V1_RECEIPTS, ids=[r["name"] for r in V1_RECEIPTS])
def test_v1_selector_reaches_the_groth16_check(r):
    """A wrong journal under a v1.x selector is decided by the pairing, not by routing."""
    seal, image_id, journal = (bytes.fromhex(r[k]) for k in ("seal", "image_id", "journal"))
    with pytest.raises(ProofRejectedError):
        verifier.verify_seal(seal, image_id, sha256(journal + b"!"), deployment=ALL_RELEASES)


def test_v1_control_roots_are_bound():
    """One v1.x proof under another v1.x selector fails: the control root is a public input."""
    r = V1_RECEIPTS[1]
    seal, image_id, journal = (bytes.fromhex(r[k]) for k in ("seal", "image_id", "journal"))
    for other in V1_SELECTORS - {seal[:4].hex()}:
        with pytest.raises(ProofRejectedError):
            verifier.verify_seal(bytes.fromhex(other) + seal[4:], image_id, sha256(journal), deployment=ALL_RELEASES)


def test_default_deployment_rejects_v1_0_as_unknown_and_removed_v1_x_as_removed():
    """The default is RISC Zero's mainnet router: it never routed v1.0 and removed v1.1/v1.2."""
    by_set = {r["parameter_set"]: r for r in V1_RECEIPTS}
    r = by_set["v1.0.0"]
    with pytest.raises(UnknownSelectorError, match="0x310fe598 unknown"):
        verifier.verify_receipt(*(bytes.fromhex(r[k]) for k in ("seal", "image_id", "journal")))
    for name in ("v1.1.0", "v1.2.0"):
        r = by_set[name]
        with pytest.raises(SelectorRemovedError, match="removed"):
            verifier.verify_receipt(*(bytes.fromhex(r[k]) for k in ("seal", "image_id", "journal")))


def _table(**overrides):
    entry = {
        "name": "v9.9.9",
        "control_root": PARAMETER_SETS[0].control_root.hex(),
        "bn254_control_id": PARAMETER_SETS[0].bn254_control_id.hex(),
        "source": "test",
        "tags": ["v9.9.9"],
        "released": True,
    }
    entry.update(overrides)
    return {"parameter_sets": [{k: v for k, v in entry.items() if v is not None}]}


def test_parameter_table_parses_and_derives():
    (ps,) = parameter_sets_from_json(_table(), "t.json")
    assert ps.selector == PARAMETER_SETS[0].selector and ps.tags == ("v9.9.9",)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"name": None}, "'name'"),
        ({"source": ""}, "'source'"),
        ({"control_root": "zz"}, "control_root"),
        ({"control_root": "00" * 31}, "control_root"),
        ({"bn254_control_id": "ff" * 32}, "bn254_control_id"),
        ({"tags": "v1"}, "'tags'"),
        ({"released": "yes"}, "'released'"),
    ],
)
def test_parameter_table_rejects_malformed_entries(overrides, field):
    with pytest.raises(MalformedInputError, match=field) as exc:
        parameter_sets_from_json(_table(**overrides), "t.json")
    assert "t.json" in str(exc.value) or "v9.9.9" in str(exc.value)


def test_parameter_table_rejects_duplicate_names_and_bad_shape():
    doubled = _table()
    doubled["parameter_sets"] *= 2
    with pytest.raises(MalformedInputError, match="not unique"):
        parameter_sets_from_json(doubled, "t.json")
    with pytest.raises(MalformedInputError, match="parameter_sets"):
        parameter_sets_from_json({"sets": []}, "t.json")

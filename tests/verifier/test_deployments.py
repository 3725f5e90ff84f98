"""Router state as data: registered, removed (tombstoned) and e-stopped selectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from receipt_cases import each_receipt

from refute import verifier
from refute.verifier import (
    ALL_RELEASES,
    BUILTIN_DEPLOYMENTS,
    DEFAULT_DEPLOYMENT,
    ETHEREUM_MAINNET,
    PARAMETER_SETS,
    Deployment,
    DeploymentError,
    EmergencyStopError,
    MalformedInputError,
    Router,
    SelectorInUseError,
    SelectorRemovedError,
    UnknownSelectorError,
    VerificationError,
    builtin_deployment,
    builtin_deployment_path,
    deployment_from_json,
    load_deployment,
    mock_seal,
    sha256,
)
from refute.verifier.params import parameter_set_by_selector

V1_RECEIPTS = json.loads(Path(__file__).with_name("v1_release_receipts.json").read_text(encoding="utf-8"))["receipts"]
BY_SET = {r["parameter_set"]: r for r in V1_RECEIPTS}


def _args(r: dict) -> tuple[bytes, bytes, bytes]:
    """(seal, image_id, journal digest) of a v1 release receipt."""
    return bytes.fromhex(r["seal"]), bytes.fromhex(r["image_id"]), sha256(bytes.fromhex(r["journal"]))


def _sel(hex8: str) -> bytes:
    return bytes.fromhex(hex8)


def _ps_by_sel(hex8: str) -> str:
    return parameter_set_by_selector(_sel(hex8)).name


def _ps(name: str):
    return next(ps for ps in PARAMETER_SETS if ps.name == name)


# -- error classes -------------------------------------------------------------------


def test_error_classes_are_distinct_rejections():
    for cls in (SelectorRemovedError, EmergencyStopError, SelectorInUseError):
        assert issubclass(cls, VerificationError) and not issubclass(cls, UnknownSelectorError)
    assert issubclass(DeploymentError, MalformedInputError)
    codes = {c.code for c in (SelectorRemovedError, EmergencyStopError, UnknownSelectorError, DeploymentError)}
    assert len(codes) == 4


# -- the published mainnet state -------------------------------------------------------


def test_mainnet_mirror_matches_the_published_state():
    assert ETHEREUM_MAINNET.selectors == tuple(_sel(s) for s in ("9f39696c", "f536085a", "bb001d44", "73c457ba"))
    assert ETHEREUM_MAINNET.removed == {_sel("50bd1769"), _sel("c101b42b")}
    assert ETHEREUM_MAINNET.stopped == {_sel("9f39696c"), _sel("f536085a")}
    assert ETHEREUM_MAINNET.estop is False
    assert "6329676ed58ab48b4d998011c9dcd5bc658bb619" in ETHEREUM_MAINNET.source
    assert "2026-01-28" in ETHEREUM_MAINNET.source and "deployment.toml" in ETHEREUM_MAINNET.source


def test_mainnet_file_round_trips():
    path = builtin_deployment_path("ethereum-mainnet")
    assert load_deployment(path) == ETHEREUM_MAINNET
    assert deployment_from_json(ETHEREUM_MAINNET.to_json(), "again") == ETHEREUM_MAINNET


@pytest.mark.parametrize("name", ["v1.1.0", "v1.2.0"])
def test_mainnet_rejects_removed_v1_selectors_as_removed(name):
    with pytest.raises(SelectorRemovedError) as exc:
        verifier.verify_seal(*_args(BY_SET[name]), deployment=ETHEREUM_MAINNET)
    assert "removed" in str(exc.value) and "ethereum-mainnet" in str(exc.value)


def test_mainnet_never_routed_v1_0():
    with pytest.raises(UnknownSelectorError, match="0x310fe598 unknown"):
        verifier.verify_seal(*_args(BY_SET["v1.0.0"]), deployment=ETHEREUM_MAINNET)


@pytest.mark.parametrize("r", each_receipt())
def test_mainnet_decides_each_conformance_receipt(r):
    """Accepted if routed and running, e-stopped or unknown otherwise; never removed."""
    args = (r.seal, r.image_id, sha256(r.journal))
    if r.selector in ETHEREUM_MAINNET.stopped:
        with pytest.raises(EmergencyStopError, match="emergency stop"):
            verifier.verify_seal(*args, deployment=ETHEREUM_MAINNET)
    elif r.selector in ETHEREUM_MAINNET.selectors:
        assert verifier.verify_seal(*args, deployment=ETHEREUM_MAINNET) is None
    else:
        with pytest.raises(UnknownSelectorError):
            verifier.verify_seal(*args, deployment=ETHEREUM_MAINNET)
    # the explicit all-releases deployment accepts every conformance receipt
    assert verifier.verify_seal(*args, deployment=ALL_RELEASES) is None


# -- the default: RISC Zero's mainnet router ------------------------------------------------


def default_router_deployment() -> Deployment:
    return verifier.default_router().deployment


def test_default_is_exactly_the_mainnet_router_state():
    assert DEFAULT_DEPLOYMENT is ETHEREUM_MAINNET
    assert default_router_deployment() is DEFAULT_DEPLOYMENT
    assert load_deployment(builtin_deployment_path("ethereum-mainnet")) == DEFAULT_DEPLOYMENT
    assert DEFAULT_DEPLOYMENT.to_json() == json.loads(
        Path(builtin_deployment_path("ethereum-mainnet")).read_text(encoding="utf-8")
    )


def _receipt(receipts, selector_hex: str):
    return next(r for r in receipts if r.selector == _sel(selector_hex))


@pytest.mark.conformance
@pytest.mark.parametrize("selector", ["9f39696c", "f536085a"])
def test_default_rejects_v2_0_and_v2_1_receipts_as_e_stopped(receipts, selector):
    r = _receipt(receipts, selector)
    with pytest.raises(EmergencyStopError, match=f"0x{selector}.*emergency stop is engaged.*ethereum-mainnet"):
        verifier.verify_seal(r.seal, r.image_id, sha256(r.journal))
    assert verifier.verify_seal(r.seal, r.image_id, sha256(r.journal), deployment=ALL_RELEASES) is None


@pytest.mark.parametrize("name", ["v1.1.0", "v1.2.0"])
def test_default_rejects_v1_1_and_v1_2_receipts_as_removed(name):
    with pytest.raises(SelectorRemovedError, match="removed from deployment 'ethereum-mainnet'"):
        verifier.verify_seal(*_args(BY_SET[name]))
    assert verifier.verify_seal(*_args(BY_SET[name]), deployment=ALL_RELEASES) is None


@pytest.mark.conformance
def test_default_rejects_the_unreleased_main_receipt_as_unknown(receipts):
    r = _receipt(receipts, "c27d1bc0")
    assert not parameter_set_by_selector(r.selector).released
    with pytest.raises(UnknownSelectorError, match="0xc27d1bc0 unknown to deployment 'ethereum-mainnet'"):
        verifier.verify_seal(r.seal, r.image_id, sha256(r.journal))
    assert verifier.verify_seal(r.seal, r.image_id, sha256(r.journal), deployment=ALL_RELEASES) is None


def test_default_rejects_v1_0_as_unknown():
    with pytest.raises(UnknownSelectorError, match="0x310fe598 unknown"):
        verifier.verify_seal(*_args(BY_SET["v1.0.0"]))
    assert verifier.verify_seal(*_args(BY_SET["v1.0.0"]), deployment=ALL_RELEASES) is None


@pytest.mark.conformance
@pytest.mark.parametrize("selector", ["bb001d44", "73c457ba"])
def test_default_accepts_the_running_mainnet_verifiers(receipts, selector):
    r = _receipt(receipts, selector)
    out = verifier.verify_receipt(r.seal, r.image_id, r.journal)
    assert out.accepted and out.parameter_set == parameter_set_by_selector(r.selector).name


# -- the explicit all-releases deployment ---------------------------------------------------


def test_all_releases_registers_every_embedded_parameter_set():
    assert Deployment.every_release() == ALL_RELEASES
    assert ALL_RELEASES.name == "all-releases"
    assert ALL_RELEASES.registered == tuple(PARAMETER_SETS)
    assert not ALL_RELEASES.removed and not ALL_RELEASES.stopped and not ALL_RELEASES.estop
    assert builtin_deployment("all-releases") is ALL_RELEASES
    assert builtin_deployment("ethereum-mainnet") is ETHEREUM_MAINNET
    assert set(BUILTIN_DEPLOYMENTS) == {"ethereum-mainnet", "all-releases"}
    with pytest.raises(KeyError, match="all-releases"):
        builtin_deployment("nope")
    assert deployment_from_json(ALL_RELEASES.to_json(), "again") == ALL_RELEASES


@pytest.mark.parametrize("r", V1_RECEIPTS, ids=[r["name"] for r in V1_RECEIPTS])
def test_all_releases_accepts_every_v1_release_receipt(r):
    out = Router(ALL_RELEASES).verify(*_args(r))
    assert out.parameter_set == r["parameter_set"]


@pytest.mark.parametrize("r", each_receipt())
def test_all_releases_accepts_every_conformance_receipt(r):
    out = verifier.verify_receipt(r.seal, r.image_id, r.journal, deployment=ALL_RELEASES)
    assert out.accepted and out.selector == r.selector


def test_unknown_selector_message_lists_registered_removed_and_mock():
    seal, image_id, jd = _args(BY_SET["v1.0.0"])
    with pytest.raises(UnknownSelectorError) as exc:
        verifier.verify_seal(b"\xde\xad\xbe\xef" + seal[4:], image_id, jd)
    msg = str(exc.value)
    assert f"registered: 0x9f39696c ({_ps_by_sel('9f39696c')}, e-stopped), 0xf536085a (" in msg
    assert f"0xbb001d44 ({_ps_by_sel('bb001d44')}), 0x73c457ba ({_ps_by_sel('73c457ba')})" in msg
    assert "removed: 0x50bd1769 (v1.1.0), 0xc101b42b (v1.2.0)" in msg
    assert "0xffffffff (mock" in msg


# -- state changes: RISC Zero's router and e-stop semantics --------------------------


def test_removed_selector_can_never_be_added_again():
    d = Deployment.of(name="d").remove_verifier(_ps("v1.1.0").selector)
    with pytest.raises(SelectorRemovedError):
        verifier.verify_seal(*_args(BY_SET["v1.1.0"]), deployment=d)
    with pytest.raises(SelectorRemovedError, match="never be added again"):
        d.add_verifier(_ps("v1.1.0"))
    # removing twice keeps the tombstone; removing what was never there is unknown
    assert d.remove_verifier(_ps("v1.1.0").selector) == d
    with pytest.raises(UnknownSelectorError):
        Deployment(name="empty", registered=()).remove_verifier(b"\x01\x02\x03\x04")


def test_add_verifier():
    d = Deployment(name="d", registered=()).add_verifier(_ps("v1.0.0"))
    assert verifier.verify_seal(*_args(BY_SET["v1.0.0"]), deployment=d) is None
    with pytest.raises(SelectorInUseError):
        d.add_verifier(_ps("v1.0.0"))


def test_emergency_stop_of_one_verifier():
    d = Deployment.of(name="d").engage_estop(_ps("v1.0.0").selector)
    with pytest.raises(EmergencyStopError, match="0x310fe598"):
        verifier.verify_seal(*_args(BY_SET["v1.0.0"]), deployment=d)
    # the others keep verifying
    assert verifier.verify_seal(*_args(BY_SET["v1.1.0"]), deployment=d) is None
    with pytest.raises(UnknownSelectorError):
        d.engage_estop(b"\x01\x02\x03\x04")


def test_emergency_stop_of_the_deployment_rejects_everything():
    d = Deployment.of(name="d").engage_estop()
    for r in V1_RECEIPTS:
        with pytest.raises(EmergencyStopError, match="emergency stop is engaged"):
            verifier.verify_seal(*_args(r), deployment=d)
    claim = bytes(32)
    with pytest.raises(EmergencyStopError):
        Router(d).verify_integrity(mock_seal(claim), claim, allow_dev=True)
    # the same seals pass without the stop, so the stop is what rejected them
    assert Router(Deployment.of(name="d")).verify_integrity(mock_seal(claim), claim, allow_dev=True).dev_mode


def test_removed_mock_selector_is_not_routed_even_in_dev_mode():
    claim = bytes(32)
    d = Deployment(name="d", registered=(), removed=frozenset({verifier.MOCK_SELECTOR}))
    with pytest.raises(SelectorRemovedError):
        Router(d).verify_integrity(mock_seal(claim), claim, allow_dev=True)


def test_invariants_are_checked_on_construction():
    v11 = _ps("v1.1.0")
    with pytest.raises(DeploymentError, match=r"registered\[0\].*can never be registered again"):
        Deployment(name="d", registered=(v11,), removed=frozenset({v11.selector}))
    with pytest.raises(DeploymentError, match=r"stopped.*not registered"):
        Deployment(name="d", registered=(), stopped=frozenset({v11.selector}))
    with pytest.raises(DeploymentError, match="already registered"):
        Deployment(name="d", registered=(v11, v11))


# -- the file format ----------------------------------------------------------------------

GOOD = {
    "name": "mine",
    "source": "test",
    "estop": False,
    "registered": ["0x310fe598", "0x50bd1769"],
    "stopped": ["0x50bd1769"],
    "removed": ["0xc101b42b", "0xdeadbeef"],
}


def test_file_format_parses(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(GOOD))
    d = load_deployment(path)
    assert d.name == "mine" and d.selectors == (_sel("310fe598"), _sel("50bd1769"))
    assert d.removed == {_sel("c101b42b"), _sel("deadbeef")} and d.stopped == {_sel("50bd1769")}
    assert parameter_set_by_selector(d.selectors[1]) is _ps("v1.1.0")
    assert load_deployment(path) == deployment_from_json(d.to_json())


@pytest.mark.parametrize(
    "change,field",
    [
        ({"name": ""}, "name"),
        ({"registred": []}, "registred"),
        ({"estop": "no"}, "estop"),
        ({"registered": "0x310fe598"}, "registered"),
        ({"registered": ["310fe598"]}, r"registered\[0\]"),
        ({"registered": ["0x310fe59"]}, r"registered\[0\]"),
        ({"registered": ["0x12345678"]}, r"registered\[0\]"),
        ({"registered": ["0x310fe598", "0x310fe598"]}, r"registered\[1\]"),
        ({"registered": ["0x310fe598", "0xc101b42b"]}, r"registered\[1\]"),
        ({"stopped": ["0x9f39696c"]}, "stopped"),
        ({"removed": [7]}, r"removed\[0\]"),
        ({"notes": [1]}, "notes"),
    ],
)
def test_malformed_files_name_the_file_and_field(tmp_path, change, field):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(DeploymentError, match=f"^{path}: {field}: ") as exc:
        load_deployment(path)
    assert exc.value.source == str(path)


@pytest.mark.parametrize("missing", ["name", "registered"])
def test_required_fields(missing):
    data = {k: v for k, v in GOOD.items() if k != missing}
    with pytest.raises(DeploymentError, match=f"^f.json: {missing}: required"):
        deployment_from_json(data, "f.json")


def test_not_json_or_not_an_object(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{")
    with pytest.raises(DeploymentError, match=r"\(file\): not valid JSON"):
        load_deployment(path)
    with pytest.raises(DeploymentError, match="expected a JSON object"):
        deployment_from_json([], "f.json")
    with pytest.raises(DeploymentError, match=r"\(file\): cannot read"):
        load_deployment(tmp_path / "absent.json")

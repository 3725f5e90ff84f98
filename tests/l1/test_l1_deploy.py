"""refute reaches the local L1 through web3 over HTTP like any node: deploy, then read back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from refute.cli import main
from refute.l1 import compiler
from refute.l1.api import deploy_command
from refute.l1.chain import connect, serve
from refute.l1.contracts import DEVNET_CHAIN_IDS, contract_at
from refute.prover.errors import ServiceUnreachable
from refute.verifier import ALL_RELEASES
from refute.verifier.params import PARAMETER_SETS

pytestmark = pytest.mark.slow

DIGESTS = {
    "fault_image_id": "0x" + "11" * 32,
    "rollup_config_hash": "0x" + "22" * 32,
    "anchor_output_root": "0x" + "33" * 32,
}


@pytest.fixture(scope="module")
def node():
    server = serve()
    yield server
    server.stop()


def test_deploy_over_http(node):
    out = deploy_command(node.url, anchor_l2_block=7, bond_wei=5, challenge_window=60, dev_mode=None, **DIGESTS)
    assert out["ephemeral"] is False and out["chain_id"] in DEVNET_CHAIN_IDS and out["dev_mode"] is True
    assert set(out["groth16_verifiers"]) == {"0x" + ps.selector.hex() for ps in PARAMETER_SETS}
    # the local-chain router is the all-releases deployment, not the mainnet default
    assert [*out["groth16_verifiers"]] == ["0x" + s.hex() for s in ALL_RELEASES.selectors]
    w3 = connect(node.url)
    game = contract_at(w3, "FaultDisputeGame", out["game"])
    assert game.functions.ROUTER().call() == out["router"]
    assert game.functions.BOND().call() == 5
    assert bytes(game.functions.proposals(0).call()[2]) == bytes.fromhex("33" * 32)
    router = contract_at(w3, "RiscZeroVerifierRouter", out["router"])
    assert router.functions.get_verifier(b"\xff\xff\xff\xff").call() == out["mock_verifier"]


def test_cli_deploy_json(node):
    args = ["l1", "deploy", "--l1-rpc", node.url, "--json", "--no-dev"]
    args += ["--fault-image-id", DIGESTS["fault_image_id"], "--rollup-config-hash", DIGESTS["rollup_config_hash"]]
    args += ["--anchor-root", DIGESTS["anchor_output_root"]]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["dev_mode"] is False and out["mock_verifier"] is None and out["game"].startswith("0x")


def test_cli_deploy_rejects_a_short_digest():
    args = ["l1", "deploy", "--json", "--fault-image-id", "0x11", "--rollup-config-hash", DIGESTS["rollup_config_hash"]]
    res = CliRunner().invoke(main, [*args, "--anchor-root", DIGESTS["anchor_output_root"]])
    assert res.exit_code == 1
    assert json.loads(res.stdout)["error"]["kind"] == "invalid_input"


def test_unreachable_node_is_exit_3():
    with pytest.raises(ServiceUnreachable):
        connect("http://127.0.0.1:9")


def test_compiled_output_is_cached_per_source(tmp_path, monkeypatch):
    monkeypatch.setenv("REFUTE_CACHE_DIR", str(tmp_path))
    first = compiler.compile_contract("RiscZeroMockVerifier")
    cached = list((tmp_path / "vyper").glob("RiscZeroMockVerifier-*.json"))
    assert len(cached) == 1
    assert compiler.compile_contract("RiscZeroMockVerifier") == first
    # A changed source in the folder gets a new cache entry, never the stale build.
    src = tmp_path / "src"
    src.mkdir()
    for f in compiler.CONTRACTS_DIR.glob("*.vy"):
        (src / f.name).write_text(f.read_text())
    (src / "devnet.vy").write_text((src / "devnet.vy").read_text().replace("chain.id == 1337 or ", ""))
    changed = compiler.compile_contract("RiscZeroMockVerifier", src)
    assert changed.bytecode != first.bytecode
    assert len(list((tmp_path / "vyper").glob("RiscZeroMockVerifier-*.json"))) == 2

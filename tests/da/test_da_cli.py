"""The `refute blob` and `refute reconstruct` commands: output and exit codes (0 ok, 1 invalid, 2 usage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixture_rules import require

from refute.cli import main
from refute.prover.da import kzg

pytestmark = pytest.mark.usefixtures("native")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_encode_decode_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    payload = tmp_path / "p.bin"
    payload.write_bytes(b"refute" * 1000)
    for flag in ([], ["--eigenda"]):
        r = runner.invoke(main, ["blob", "encode", "--in", str(payload), "--out", str(tmp_path / "b.bin"), *flag])
        assert r.exit_code == 0, r.output
        if not flag:
            assert (tmp_path / "b.bin").stat().st_size == 131072
        r = runner.invoke(
            main, ["blob", "decode", "--in", str(tmp_path / "b.bin"), "--out", str(tmp_path / "o.bin"), *flag]
        )
        assert r.exit_code == 0, r.output
        assert (tmp_path / "o.bin").read_bytes() == payload.read_bytes()


def test_decode_invalid_exits_1_with_layer_and_offset(runner: CliRunner, tmp_path: Path) -> None:
    bad = bytearray(131072)
    bad[1] = 3
    (tmp_path / "bad.bin").write_bytes(bytes(bad))
    r = runner.invoke(main, ["blob", "decode", "--in", str(tmp_path / "bad.bin"), "--out", str(tmp_path / "o.bin")])
    assert r.exit_code == 1
    assert "blob layer, offset 1:" in r.stderr


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["blob", "encode", "--out", str(tmp_path / "x")]).exit_code == 2
    assert runner.invoke(main, ["blob", "commit"]).exit_code == 2
    assert runner.invoke(main, ["reconstruct"]).exit_code == 2
    assert runner.invoke(main, ["reconstruct", "--chain", "nope", "--batcher-data", __file__]).exit_code == 2


def test_commit_json(runner: CliRunner, unichain_blob_paths: list[Path]) -> None:
    path = unichain_blob_paths[0]
    r = runner.invoke(main, ["blob", "commit", str(path), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"commitment", "versioned_hash", "proof"}
    assert out["versioned_hash"] in path.name
    c = bytes.fromhex(out["commitment"][2:])
    assert kzg.verify_blob_proof(path.read_bytes(), c, bytes.fromhex(out["proof"][2:]))


def test_commit_wrong_size_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "short.bin").write_bytes(b"\0" * 10)
    r = runner.invoke(main, ["blob", "commit", str(tmp_path / "short.bin"), "--json"])
    assert r.exit_code == 1 and "blob layer" in r.stderr


def test_reconstruct_blobs_json_and_rlp(runner: CliRunner, unichain_blob_paths: list[Path], tmp_path: Path) -> None:
    args = ["reconstruct", "--chain", "unichain-mainnet", "--json", "--rlp", str(tmp_path / "blocks.rlp")]
    for p in unichain_blob_paths:
        args += ["--blob", str(p)]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["blocks"]) == 540 and all(k["ok"] for k in out["kzg"])
    import rlp

    assert len(rlp.decode((tmp_path / "blocks.rlp").read_bytes())) == 540


def test_reconstruct_batcher_tx_text(runner: CliRunner, da_fixtures: Path) -> None:
    r = runner.invoke(
        main,
        ["reconstruct", "--batcher-data", str(require(da_fixtures / "op-derivation" / "kona" / "raw_batcher_tx.hex"))],
    )
    assert r.exit_code == 0, r.output
    assert "channel ac329933f5efdcc35ccd284232a376d3" in r.stdout and "zlib" in r.stdout


def test_reconstruct_non_op_blob_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    blob = bytearray(131072)
    blob[1] = 0x16
    (tmp_path / "x.bin").write_bytes(bytes(blob))
    r = runner.invoke(main, ["reconstruct", "--blob", str(tmp_path / "x.bin")])
    assert r.exit_code == 1
    assert "blob layer, offset 1: input 0: unknown OP blob encoding version 22" in r.stderr


def test_reconstruct_blob_dir_frame_order_rules(runner: CliRunner, unichain_blob_paths: list[Path]) -> None:
    """Name order puts frame 2 first: Holocene drops it (channel stays incomplete), the pre-Holocene bank reorders."""
    d = str(unichain_blob_paths[0].parent)
    strict = runner.invoke(main, ["reconstruct", "--chain", "unichain-mainnet", "--blob-dir", d, "--json"])
    assert strict.exit_code == 0, strict.output
    out = json.loads(strict.stdout)
    assert out["blocks"] == [] and out["pending"] and any("not the first frame" in n["message"] for n in out["notes"])
    bank = runner.invoke(
        main, ["reconstruct", "--chain", "unichain-mainnet", "--no-holocene", "--blob-dir", d, "--json"]
    )
    assert bank.exit_code == 0, bank.output
    assert len(json.loads(bank.stdout)["blocks"]) == 540

"""``refute fault bundle`` against the devnet server: the collected input derives and
executes to the generator's journal, and ``refute fault check`` finds the fault."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refute.cli import main
from refute.devnet import DevnetServer, ServedChain
from refute.prover import native
from refute.prover.fault import load_bundle

TRANSACTIONS = 3


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    """The generator's own input and roots (what the devnet serves, as the generator built it)."""
    return native.call_json("fault_example", json.dumps({"transactions": TRANSACTIONS}))


@pytest.fixture(scope="module")
def served() -> ServedChain:
    return ServedChain.from_example(TRANSACTIONS)


def _bundle_args(server: DevnetServer, chain: ServedChain, out: Path) -> list[str]:
    return [
        "fault",
        "bundle",
        "--l2-block",
        str(chain.l2_block),
        "--l1-head",
        chain.l1_head,
        "--l1-rpc",
        server.url,
        "--l2-rpc",
        server.l2_url,
        "--beacon-rpc",
        server.url,
        "--payout",
        "0x00000000000000000000000000000000c0ffee01",
        "--out",
        str(out),
        "--json",
    ]


def test_bundle_from_the_devnet_gives_the_generators_journal(
    served: ServedChain, generated: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    with DevnetServer(served) as server:
        result = CliRunner().invoke(main, _bundle_args(server, served, out))
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["l2_block_number"] == generated["l2_block_number"]
    assert manifest["computed_output_root"] == generated["true_output_root"]
    # The window closes at the batch's inclusion block: one L1 block earlier than the generator's head.
    assert manifest["l1_transaction_window"][1] < int(served.answers["l1_blocks"][-1]["number"], 16)
    ours = native.call_json("fault_check", load_bundle(out).input)
    theirs = native.call_json("fault_check", bytes.fromhex(generated["input"][2:]))
    assert ours["journal"] == theirs["journal"]
    assert ours["openings"] == theirs["openings"]

    check = CliRunner().invoke(
        main,
        [
            "fault",
            "check",
            "--bundle",
            str(out),
            "--claimed-root",
            generated["claimed_output_root"],
            "--no-cycles",
            "--json",
        ],
    )
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["fault"] is True
    correct = CliRunner().invoke(
        main,
        ["fault", "check", "--bundle", str(out), "--claimed-root", generated["true_output_root"], "--no-cycles"],
    )
    assert correct.exit_code == 1


def test_a_bundle_served_back_collects_to_the_same_input(served: ServedChain, tmp_path: Path) -> None:
    """Collect, serve the collected input, collect again: byte-identical (the format is a fixed point)."""
    first, second = tmp_path / "first", tmp_path / "second"
    with DevnetServer(served) as server:
        assert CliRunner().invoke(main, _bundle_args(server, served, first)).exit_code == 0
    again = ServedChain.from_input(load_bundle(first).input)
    with DevnetServer(again) as server:
        result = CliRunner().invoke(main, _bundle_args(server, again, second))
    assert result.exit_code == 0, result.output
    assert load_bundle(second).input == load_bundle(first).input


def test_cli_reports_a_missing_piece_with_exit_3(served: ServedChain, tmp_path: Path) -> None:
    chain = ServedChain(copy.deepcopy(served.answers))
    versioned_hash = chain.answers["blobs"][0]["versioned_hash"]
    chain.drop_blob(versioned_hash)
    with DevnetServer(chain) as server:
        result = CliRunner().invoke(main, [*_bundle_args(server, chain, tmp_path / "b"), "--retries", "0"])
    assert result.exit_code == 3, result.output
    failure = json.loads(result.stdout.splitlines()[0])["error"]
    assert failure["kind"] == "missing_data"
    assert any(versioned_hash in m for m in failure["fields"]["missing"])
    assert not (tmp_path / "b" / "bundle.json").exists()


def test_a_channel_opened_before_the_window_moves_its_start(tmp_path: Path) -> None:
    """A frame of a channel opened before the agreed L1 origin's successor: the program asks for
    earlier data, and the bundle's window starts at the plan's full start (here the L1 genesis
    block, the agreed origin itself), deriving the generator's journal."""
    chain = ServedChain.from_example(1, stray_frame=True)
    generated = native.call_json("fault_example", json.dumps({"transactions": 1, "stray_frame": True}))
    out = tmp_path / "bundle"
    with DevnetServer(chain) as server:
        result = CliRunner().invoke(main, _bundle_args(server, chain, out))
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["l1_transaction_window"][0] == manifest["l1_origin"]
    ours = native.call_json("fault_check", load_bundle(out).input)
    theirs = native.call_json("fault_check", bytes.fromhex(generated["input"][2:]))
    assert ours["journal"] == theirs["journal"]

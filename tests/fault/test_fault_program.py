"""`refute fault`: the chain-fixture bundle, the native dry run, proving, the journal codecs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from refute.cli import main
from refute.prover import native
from refute.prover.api import verify_artifact_file
from refute.prover.errors import InvalidInputError, VerificationFailed
from refute.prover.fault import check, load_bundle, prove
from refute.prover.fault.api import input_blobs
from refute.prover.fault.errors import FaultInputRefused, NoFault
from refute.verifier.journal import FaultJournal

PAYOUT = "0x00000000000000000000000000000000000be1ee"


def test_check_finds_the_fault_and_the_journal_matches_the_bundle(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    path, info = fault_bundle
    result = check(load_bundle(path), info["claimed_output_root"], cycles=False)
    assert result.fault
    j = result.journal
    assert j.l2_block_number == info["l2_block_number"] == 2
    assert "0x" + j.l1_head.hex() == info["l1_head"]
    assert "0x" + j.agreed_output_root.hex() == info["agreed_output_root"]
    assert "0x" + j.rollup_config_hash.hex() == info["rollup_config_hash"]
    assert j.computed_output_root != bytes.fromhex(info["claimed_output_root"][2:])
    assert result.derivation["transactions"] == 12
    assert result.derivation["skipped_data"] == [] and result.derivation["dropped_batches"] == []
    assert len(result.openings) == 1


def test_check_with_the_correct_root_is_no_fault(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    path, info = fault_bundle
    computed = check(load_bundle(path), info["claimed_output_root"], cycles=False).journal.computed_output_root
    result = check(load_bundle(path), "0x" + computed.hex(), cycles=False)
    assert not result.fault


def test_cli_check_exit_codes(fault_bundle: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, info = fault_bundle
    runner = CliRunner()
    ok = runner.invoke(
        main, ["fault", "check", "--bundle", str(path), "--claimed-root", info["claimed_output_root"], "--json"]
    )
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["fault"] is True and report["cycles"]["total_cycles"] > 0
    correct = report["computed_output_root"]
    no = runner.invoke(main, ["fault", "check", "--bundle", str(path), "--claimed-root", correct, "--no-cycles"])
    assert no.exit_code == 1
    assert "no fault" in no.stderr


def test_cli_example_no_fault(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "b"
    made = runner.invoke(main, ["fault", "example", "--out", str(out), "--no-fault", "--transactions", "1", "--json"])
    assert made.exit_code == 0, made.output
    claimed = json.loads(made.stdout)["claimed_output_root"]
    checked = runner.invoke(main, ["fault", "check", "--bundle", str(out), "--claimed-root", claimed, "--no-cycles"])
    assert checked.exit_code == 1


def test_an_altered_bundle_is_refused(fault_bundle: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, info = fault_bundle
    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    data = bytearray((copy / "input.rlp").read_bytes())
    data[-1] ^= 1
    (copy / "input.rlp").write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match="SHA-256"):
        load_bundle(copy)
    result = CliRunner().invoke(
        main, ["fault", "check", "--bundle", str(copy), "--claimed-root", info["claimed_output_root"], "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["kind"] == "invalid_input"


def test_a_broken_statement_maps_to_its_kind(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    path, _ = fault_bundle
    import rlp

    items = rlp.decode(load_bundle(path).input)
    items[3] = b"\x11" * 32  # the agreed output root
    with pytest.raises(FaultInputRefused) as err:
        native.call_json("fault_check", rlp.encode(items))
    assert err.value.kind == "agreed_state"


def test_prove_refuses_without_a_fault(fault_bundle: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, info = fault_bundle
    computed = check(load_bundle(path), info["claimed_output_root"], cycles=False).journal.computed_output_root
    with pytest.raises(NoFault):
        prove(path, "0x" + computed.hex(), PAYOUT, tmp_path / "a.json", dev_mode=True)


def test_dev_proof_artifact_carries_the_contract_call(
    fault_bundle: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """DEV MODE (fake receipt): checks the artifact's contents, not the proof."""
    from refute.prover.da import kzg

    path, info = fault_bundle
    out = tmp_path / "fault.json"
    result = prove(path, info["claimed_output_root"], PAYOUT, out, dev_mode=True)
    assert result["dev_mode"] is True
    artifact = json.loads(out.read_text())
    journal = FaultJournal.decode(bytes.fromhex(artifact["journal"][2:]))
    assert "0x" + journal.payout_recipient.hex() == PAYOUT
    assert artifact["fault"]["journal_fields"] == journal.to_json()
    (opening,) = artifact["fault"]["openings"]
    ok = kzg.verify_kzg_proof(
        bytes.fromhex(opening["commitment"][2:]),
        bytes.fromhex(opening["z"][2:]),
        bytes.fromhex(opening["y"][2:]),
        bytes.fromhex(opening["kzg_proof"][2:]),
    )
    assert ok
    assert kzg.versioned_hash(bytes.fromhex(opening["commitment"][2:])).hex() == opening["versioned_hash"][2:]
    call = artifact["fault"]["dispute_call"]
    assert call["computed_output_root"] == "0x" + journal.computed_output_root.hex()
    assert len(bytes.fromhex(call["openings"][2:])) == 192

    verified = verify_artifact_file(out, None, allow_dev=True)
    assert verified["fault"]["fault"] is True
    assert verified["fault"]["computed_output_root"] == "0x" + journal.computed_output_root.hex()
    with pytest.raises(VerificationFailed, match="mock"):  # a mock seal is refused without --allow-dev
        verify_artifact_file(out, None)
    artifact["fault"]["journal_fields"]["l2_block_number"] += 1
    out.write_text(json.dumps(artifact))
    with pytest.raises(VerificationFailed, match="journal_fields"):
        verify_artifact_file(out, None, allow_dev=True)


def _the_blob_and_its_opening(fault_bundle: tuple[Path, dict[str, Any]]) -> tuple[bytes, dict[str, str]]:
    """The example's one published blob and the opening the program computes for it."""
    path, info = fault_bundle
    bundle = load_bundle(path)
    (published,) = input_blobs(bundle.input)
    (opening,) = check(bundle, info["claimed_output_root"], cycles=False).openings
    return published, opening


def test_a_different_blob_fails_its_point_evaluation(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    """The opening of a blob other than the published one cannot pass 0x0a (checked with ckzg)."""
    from refute.prover.da import kzg

    published, opening = _the_blob_and_its_opening(fault_bundle)
    z = bytes.fromhex(opening["z"][2:])
    other = bytearray(published)
    other[4 * 32 + 7] ^= 0x40
    proof, y_other = kzg.compute_kzg_proof(bytes(other), z)
    commitment = kzg.commitment(published)
    assert not kzg.verify_kzg_proof(commitment, z, y_other, proof)


@settings(max_examples=60, deadline=None)
@given(
    payout=st.binary(min_size=20, max_size=20),
    words=st.lists(st.binary(min_size=32, max_size=32), min_size=5, max_size=5),
    number=st.integers(min_value=0, max_value=2**64 - 1),
)
def test_journal_codec_is_byte_identical_in_rust_and_python(payout: bytes, words: list[bytes], number: int) -> None:
    journal = FaultJournal(
        payout_recipient=payout,
        l1_head=words[0],
        agreed_output_root=words[1],
        computed_output_root=words[2],
        l2_block_number=number,
        rollup_config_hash=words[3],
        blob_binding=words[4],
    )
    rust = native.call("fault_journal_encode", json.dumps(journal.to_json()))
    assert rust == journal.encode()
    assert native.call_json("fault_journal_decode", journal.encode()) == journal.to_json()


def test_the_guest_refuses_a_broken_statement_with_its_reason(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    """In the zkVM the same refusal is a guest panic: no journal, so no receipt; the reason reaches the host."""
    import rlp

    from refute.prover import zkvm
    from refute.prover.guests_registry import load_guest

    path, _ = fault_bundle
    items = rlp.decode(load_bundle(path).input)
    items[3] = b"\x11" * 32  # the agreed output root
    with pytest.raises(InvalidInputError) as err:
        zkvm.execute(load_guest("fault").program, rlp.encode(items))
    assert err.value.kind == "guest_failed"
    assert "agreed_state" in str(err.value)


def test_the_programs_challenge_is_the_documented_one(fault_bundle: tuple[Path, dict[str, Any]]) -> None:
    """`z = sha256("refute/blob-binding/v2" ‖ versioned_hash ‖ sha256(blob)) mod r`, as Python computes it."""
    from refute.l1.blobs import binding_challenge
    from refute.verifier.kzg_point import BLS_MODULUS

    published, opening = _the_blob_and_its_opening(fault_bundle)
    versioned_hash = bytes.fromhex(opening["versioned_hash"][2:])
    expected = int.from_bytes(binding_challenge(versioned_hash, published), "big") % BLS_MODULUS
    assert int(opening["z"], 16) == expected

"""OP Stack derivation fixtures decode to their published contents."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from da_helpers import load_gz_json
from fixture_rules import fixture_cases, fixtures_path, require

from refute.prover.da import derivation, kzg
from refute.prover.da.config import preset
from refute.prover.da.errors import DAError
from refute.prover.da.fetch import parse_sidecars
from refute.prover.da.reconstruct import blocks_rlp, reconstruct_files, run_pipeline
from refute.prover.da.request import KIND_BATCHER_DATA, PipelineInput
from refute.prover.da.sources import calldata_of_tx

pytestmark = [pytest.mark.conformance, pytest.mark.usefixtures("native")]

UNICHAIN = preset("unichain-mainnet")
# OP Mainnet's rules at L1 block 18090218 (September 2023): Bedrock/Regolith, no span batches, zlib only.
OP_2023 = preset("op-mainnet", at=1_694_158_199)

RAIKO = fixtures_path("op-derivation/raiko-op-mainnet")
GOERLI_SIDECARS = fixtures_path("op-derivation/beacon-api/eth_v1_beacon_blob_sidecars_7422094_goerli.json")


def _op_2023_l2_blocks() -> list[tuple[str, int]]:
    """Every OP Mainnet L2 block on disk (raiko's optimism/<number>.json.gz), as (id, number)."""
    paths = sorted((RAIKO / "optimism").glob("*.json.gz"))
    return [(f"l2-{p.name.removesuffix('.json.gz')}", int(p.name.removesuffix(".json.gz"))) for p in paths]


def _goerli_sidecar_indices() -> list[tuple[str, int]]:
    if not GOERLI_SIDECARS.is_file():
        return []
    return [
        (f"sidecar-{item['index']}", int(item["index"])) for item in json.loads(GOERLI_SIDECARS.read_text())["data"]
    ]


def test_unichain_blobs_rebuild_published_span_batch(unichain_blob_paths: list[Path]) -> None:
    report = reconstruct_files(UNICHAIN, blob_files=unichain_blob_paths, l1_block=24149392)
    assert all(k["ok"] and k["versioned_hash_matches"] for k in report["kzg"])
    assert report["frames_per_input"] == [1, 1, 1]
    (ch,) = report["channels"]
    assert ch["id"] == "0cd2fbf2cf47542dc209f38baa4fd48f"
    assert (ch["algorithm"], ch["decompressed_len"], ch["stream_status"]) == ("brotli", 962554, "complete")
    assert [b["type"] for b in ch["batches"]] == ["span"]
    blocks = report["blocks"]
    assert len(blocks) == 540
    assert sum(len(b["transactions"]) for b in blocks) == 3196
    assert blocks[-1]["l1_origin_number"] == 24149386
    assert blocks[0]["timestamp"] == UNICHAIN.l2_genesis_time + 36637400
    assert all(b["timestamp"] - a["timestamp"] == 1 for a, b in itertools.pairwise(blocks))
    assert len(blocks[0]["parent_check"]) == 2 + 40 and len(blocks[-1]["l1_origin_check"]) == 2 + 40
    assert blocks_rlp(report) == _blocks_part_of_canonical(report)


def _blocks_part_of_canonical(report: dict) -> bytes:
    import rlp

    canonical = bytes.fromhex(report["canonical"][2:])
    _channels, blocks = rlp.decode(canonical)
    return rlp.encode(blocks)


def test_unichain_span_batch_round_trips(unichain_blob_paths: list[Path]) -> None:
    from refute.prover.da import blob

    channel = b"".join(derivation.parse_frames(blob.op_decode(p.read_bytes()))[0].data for p in unichain_blob_paths)
    dec = derivation.decompress(channel)
    assert dec.complete and len(dec.data) == 962554
    assert derivation.reencode_batches(dec.data) == dec.data
    fields = derivation.read_batches(dec.data)["batches"][0]
    assert (fields["rel_timestamp"], fields["l1_origin_num"], fields["block_count"], fields["tx_count"]) == (
        36637400,
        24149386,
        540,
        3196,
    )


def test_unichain_transactions_are_signed_for_chain_130(unichain_blob_paths: list[Path]) -> None:
    """Rebuilt transactions recover to real senders: every sender's nonces are consecutive.

    A wrong chain id or a mis-rebuilt field changes the signing hash, and the
    recovered "sender" is then a random address per transaction; real senders
    (bots, users) send several transactions with consecutive nonces.
    """
    import rlp
    from eth_account import Account

    report = reconstruct_files(UNICHAIN, blob_files=unichain_blob_paths)
    by_sender: dict[str, list[tuple[int, int]]] = {}
    for t in (t for b in report["blocks"] for t in b["transactions"]):
        raw = bytes.fromhex(t[2:])
        typed = raw[0] < 0x7F
        fields = rlp.decode(raw[1:] if typed else raw)
        nonce = int.from_bytes(fields[1] if typed else fields[0], "big")
        by_sender.setdefault(Account.recover_transaction(raw), []).append((raw[0] if typed else 0, nonce))
    for sender, txs in by_sender.items():
        nonces = [n for _, n in txs]
        assert all(b == a + 1 for a, b in itertools.pairwise(nonces)), f"{sender}: nonces {nonces}"
    legacy = [s for s, txs in by_sender.items() if any(ty == 0 for ty, _ in txs)]
    legacy_txs = sum(1 for txs in by_sender.values() for ty, _ in txs if ty == 0)
    assert legacy_txs > 100 and len(legacy) < legacy_txs / 2  # legacy (EIP-155) senders repeat too
    assert len(by_sender) < 3196 / 5


def test_kona_raw_span_batch_round_trips(da_fixtures: Path) -> None:
    raw = require(da_fixtures / "op-derivation" / "kona" / "raw_batch.hex").read_bytes()
    assert derivation.reencode_span_batch(raw) == raw
    assert derivation.decode_span_batch(raw)["block_count"] > 0


def test_kona_batcher_tx(da_fixtures: Path) -> None:
    raw = require(da_fixtures / "op-derivation" / "kona" / "raw_batcher_tx.hex").read_bytes()
    calldata = calldata_of_tx(raw)
    assert len(calldata) == 119823
    (frame,) = derivation.parse_frames(calldata)
    assert (frame.channel_id.hex(), frame.number, len(frame.data), frame.is_last) == (
        "ac329933f5efdcc35ccd284232a376d3",
        0,
        119799,
        True,
    )
    dec = derivation.decompress(frame.data)
    assert len(dec.data) == 240308 and dec.algorithm == "zlib"
    assert not dec.complete  # no end marker: read until EOF, like op-node
    out = derivation.read_batches(dec.data, complete=dec.complete)
    assert [b["type"] for b in out["batches"]] == ["span"] and out["tail"] is None
    report = run_pipeline(preset("op-mainnet"), [PipelineInput(1, KIND_BATCHER_DATA, calldata)])
    assert len(report["blocks"]) == out["batches"][0]["block_count"]


def test_kona_zlib_channel(da_fixtures: Path) -> None:
    compressed = bytes.fromhex(require(da_fixtures / "op-derivation" / "kona" / "batch.hex").read_text().strip())
    dec = derivation.decompress(compressed)
    out = derivation.read_batches(dec.data, complete=dec.complete)
    assert out["tail"] is None and out["batches"]
    assert all(b["type"] == "span" and all(n > 0 for n in b["block_tx_counts"][:2]) for b in out["batches"])
    assert derivation.reencode_batches(dec.data) == dec.data


def _op_l2_block(number: int) -> dict:
    d = load_gz_json(require(RAIKO / "optimism" / f"{number}.json.gz"))
    entries = d["full_blocks"] or d["partial_blocks"]
    return entries[0][1]


@pytest.fixture(scope="module")
def op_2023_report() -> dict:
    """The pipeline run over the one batcher transaction of L1 block 18090218."""
    l1 = load_gz_json(require(RAIKO / "ethereum" / "18090218.json.gz"))["full_blocks"][0][1]
    inputs = [
        PipelineInput(18090218, KIND_BATCHER_DATA, bytes.fromhex(tx["input"][2:]), tx["hash"])
        for tx in l1["transactions"]
        if (tx.get("to") or "").lower() == OP_2023.batch_inbox and tx["from"].lower() == OP_2023.batcher
    ]
    assert len(inputs) == 1
    return run_pipeline(OP_2023, inputs)


def test_op_mainnet_2023_singular_batch_channel(op_2023_report: dict) -> None:
    (ch,) = op_2023_report["channels"]
    assert ch["id"].startswith("18f35903") and len(ch["batches"]) == 60


@pytest.mark.parametrize("number", fixture_cases(_op_2023_l2_blocks(), RAIKO / "optimism"))
def test_op_mainnet_2023_singular_batch_matches_l2_block(op_2023_report: dict, number: int) -> None:
    l2 = _op_l2_block(number)
    by_time = {b["timestamp"]: b for b in op_2023_report["blocks"]}
    block = by_time[int(l2["timestamp"], 16)]
    assert block["parent_check"] == l2["parentHash"]
    hashes = [t if isinstance(t, str) else t["hash"] for t in l2["transactions"]]
    # Deposits (L1 info + user deposits) come first and are not batched.
    assert block["tx_hashes"] == hashes[len(hashes) - len(block["tx_hashes"]) :]
    assert len(hashes) - len(block["tx_hashes"]) >= 1
    assert 18090201 <= block["l1_origin_number"] <= 18090211


def test_op_mainnet_2023_first_channel() -> None:
    l1 = load_gz_json(require(RAIKO / "ethereum" / "18090208.json.gz"))["full_blocks"][0][1]
    (tx,) = [t for t in l1["transactions"] if (t.get("to") or "").lower() == OP_2023.batch_inbox]
    report = run_pipeline(OP_2023, [PipelineInput(18090208, KIND_BATCHER_DATA, bytes.fromhex(tx["input"][2:]))])
    (ch,) = report["channels"]
    assert ch["id"].startswith("c1fdf028") and len(ch["batches"]) == 63
    origins = {b["l1_origin_number"] for b in report["blocks"]}
    assert min(origins) >= 18090190 and max(origins) <= 18090201


@pytest.fixture(scope="module")
def goerli_sidecars() -> list:
    return parse_sidecars(json.loads(require(GOERLI_SIDECARS).read_text()))


@pytest.mark.parametrize("index", fixture_cases(_goerli_sidecar_indices(), GOERLI_SIDECARS))
def test_goerli_sidecar(goerli_sidecars: list, index: int) -> None:
    """A real sidecar passes the KZG checks and is rejected as an OP blob (it is not OP-encoded)."""
    from refute.prover.da import blob

    (s,) = [s for s in goerli_sidecars if s.index == index]
    assert kzg.commitment(s.blob) == s.commitment
    assert kzg.verify_blob_proof(s.blob, s.commitment, s.proof)
    with pytest.raises(DAError) as e:
        blob.op_decode(s.blob)
    assert e.value.layer == "blob"


def test_goerli_sidecars_batch_proof(goerli_sidecars: list) -> None:
    assert len(goerli_sidecars) == 5
    assert kzg.verify_blob_proofs(
        [s.blob for s in goerli_sidecars], [s.commitment for s in goerli_sidecars], [s.proof for s in goerli_sidecars]
    )

"""``refute reconstruct``: rebuild L2 blocks from what the sequencer published.

Inputs come from blob files, directories of blobs, raw batcher data, or an L1
RPC plus a beacon API. Every blob is KZG-checked on the host (ckzg); the
decoding itself (blob -> frames -> channels -> batches -> blocks) is one call
into the Rust pipeline that the zkVM guest also runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rlp

from refute.hexutil import HexError, parse_hex, to_hex
from refute.prover.da import _native, kzg
from refute.prover.da.config import RollupConfig
from refute.prover.da.errors import DAError, MissingDataError
from refute.prover.da.fetch import BeaconClient, L1Client
from refute.prover.da.request import KIND_BATCHER_DATA, KIND_OP_BLOB, PipelineInput, encode_request
from refute.prover.da.sources import expected_versioned_hash, read_batcher_data, read_blob_dir, read_blob_file
from refute.prover.errors import InvalidInputError
from refute.prover.rpc import RpcClient


@dataclass(frozen=True)
class BlobRecord:
    """A blob and what is known about it before decoding."""

    source: str
    blob: bytes
    expected_versioned_hash: bytes | None = None
    commitment: bytes | None = None
    proof: bytes | None = None


def check_blobs(records: list[BlobRecord]) -> list[dict[str, Any]]:
    """KZG result per blob: commitment, versioned hash, whether it matches what was published.

    Published (commitment, proof) pairs are verified in one batch; blobs without
    them get their commitment computed (and its proof computed and verified).
    """
    results: list[dict[str, Any]] = []
    published = [(r.blob, r.commitment, r.proof) for r in records if r.commitment is not None and r.proof is not None]
    batch_ok = (
        kzg.verify_blob_proofs([b for b, _, _ in published], [c for _, c, _ in published], [p for _, _, p in published])
        if published
        else True
    )
    for r in records:
        if r.commitment is not None and r.proof is not None:
            c, proof = r.commitment, r.proof
            ok = batch_ok or kzg.verify_blob_proof(r.blob, c, proof)
        else:
            bc = kzg.commit_blob(r.blob)
            c, proof = bc.commitment, bc.proof
            ok = kzg.verify_blob_proof(r.blob, c, proof)
        vh = kzg.versioned_hash(c)
        entry: dict[str, Any] = {
            "source": r.source,
            "commitment": to_hex(c),
            "versioned_hash": to_hex(vh),
            "proof_valid": ok,
        }
        if r.expected_versioned_hash is not None:
            entry["expected_versioned_hash"] = to_hex(r.expected_versioned_hash)
            entry["versioned_hash_matches"] = vh == r.expected_versioned_hash
        entry["ok"] = ok and entry.get("versioned_hash_matches", True)
        results.append(entry)
    return results


def run_pipeline(config: RollupConfig, inputs: list[PipelineInput]) -> dict[str, Any]:
    """The native pipeline over ``inputs`` (in L1 order) -> report dict."""
    return _native.call_json("reconstruct", encode_request(config, inputs))


def canonical_output(config: RollupConfig, inputs: list[PipelineInput]) -> bytes:
    """The canonical bytes (channels + blocks, RLP) the zkVM guest commits for the same request."""
    return _native.call("reconstruct_canonical", encode_request(config, inputs))


def blocks_rlp(report: dict[str, Any]) -> bytes:
    """``rlp([[timestamp, parent_check, l1_origin_number, l1_origin_check, [tx...]], ...])``."""
    items = []
    for b in report["blocks"]:
        items.append(
            [
                b["timestamp"],
                parse_hex(b["parent_check"], "parent_check"),
                b["l1_origin_number"],
                parse_hex(b["l1_origin_check"], "l1_origin_check"),
                [parse_hex(t, "transaction") for t in b["transactions"]],
            ]
        )
    return rlp.encode(items)


def reconstruct(
    config: RollupConfig,
    inputs: list[PipelineInput],
    blobs: list[BlobRecord] | None = None,
    *,
    require_kzg: bool = True,
) -> dict[str, Any]:
    """KZG-checks the blobs, then decodes everything into blocks.

    A blob whose KZG check fails (proof invalid, or versioned hash different from
    the published one) is rejected before decoding when ``require_kzg``.
    """
    checks = check_blobs(blobs or [])
    if require_kzg:
        for c in checks:
            if not c["ok"]:
                raise DAError(
                    "blob",
                    0,
                    f"{c['source']}: KZG check failed ({'proof invalid' if not c['proof_valid'] else 'versioned hash mismatch'})",
                )
    config = config.with_(at=config.rules_time())
    report = run_pipeline(config, inputs)
    report["kzg"] = checks
    report["config"] = config.name
    report["rules_time"] = config.at
    report["inputs"] = [
        {
            "source": i.source,
            "l1_block": i.l1_block,
            "kind": "blob" if i.kind == KIND_OP_BLOB else "batcher_data",
            "bytes": len(i.data),
        }
        for i in inputs
    ]
    return report


def reconstruct_files(
    config: RollupConfig,
    *,
    blob_files: list[Path] = (),  # type: ignore[assignment]
    blob_dirs: list[Path] = (),  # type: ignore[assignment]
    batcher_files: list[Path] = (),  # type: ignore[assignment]
    l1_block: int = 0,
) -> dict[str, Any]:
    """From local files: blobs (in the order given, directories in name order), then batcher data."""
    inputs: list[PipelineInput] = []
    for f in blob_files:
        inputs.append(read_blob_file(Path(f), l1_block))
    for d in blob_dirs:
        inputs.extend(read_blob_dir(Path(d), l1_block))
    records = [BlobRecord(i.source, i.data, expected_versioned_hash(Path(i.source))) for i in inputs]
    for f in batcher_files:
        inputs.append(read_batcher_data(Path(f), l1_block))
    if not inputs:
        raise DAError("frame", 0, "nothing to reconstruct: give blob files, a blob directory or batcher data")
    return reconstruct(config, inputs, records)


def _rpc_hex(value: object, what: str) -> bytes:
    """A hex field of an L1 RPC answer; a malformed one is the node's fault, reported as bad input."""
    try:
        return parse_hex(value, what)
    except HexError as exc:
        raise InvalidInputError(f"L1 RPC answer: {exc}") from None


def fetch_inputs(
    config: RollupConfig, l1: L1Client, beacon: BeaconClient | None, first: int, last: int
) -> tuple[list[PipelineInput], list[BlobRecord], int | None]:
    """Batcher data of L1 blocks ``first..=last``: calldata and blobs sent to the batch
    inbox, and the timestamp of the first of those blocks the RPC returned."""
    if not config.batch_inbox:
        raise DAError("frame", 0, f"rollup config {config.name} has no batch inbox address")
    inbox = config.batch_inbox.lower()
    batcher = config.batcher.lower()
    inputs: list[PipelineInput] = []
    records: list[BlobRecord] = []
    missing: list[str] = []
    first_timestamp: int | None = None
    for number in range(first, last + 1):
        block = l1.block(number)
        if block is None:
            missing.append(f"L1 block {number}")
            continue
        if first_timestamp is None and block.get("timestamp") is not None:
            first_timestamp = int(block["timestamp"], 16)
        sidecars = None
        for tx in block.get("transactions", []):
            if not isinstance(tx, dict) or (tx.get("to") or "").lower() != inbox:
                continue
            if batcher and (tx.get("from") or "").lower() != batcher:
                continue
            hashes = tx.get("blobVersionedHashes") or []
            if not hashes:
                inputs.append(
                    PipelineInput(
                        number,
                        KIND_BATCHER_DATA,
                        _rpc_hex(tx.get("input", "0x"), f"input of tx {tx.get('hash')}"),
                        f"tx {tx.get('hash')}",
                    )
                )
                continue
            if beacon is None:
                missing.extend(f"blob {h} of tx {tx.get('hash')} (no --beacon-rpc given)" for h in hashes)
                continue
            if sidecars is None:
                slot = beacon.slot_of(int(block["timestamp"], 16))
                sidecars = beacon.sidecars(slot)
                if sidecars is None:
                    missing.append(f"blob sidecars of slot {slot} (L1 block {number})")
                    sidecars = []
                by_hash = {kzg.versioned_hash(s.commitment): s for s in sidecars}
            for h in hashes:
                vh = _rpc_hex(h, f"blob versioned hash of tx {tx.get('hash')}")
                s = by_hash.get(vh)
                if s is None:
                    missing.append(f"blob {h} of tx {tx.get('hash')} (L1 block {number}) not among the slot's sidecars")
                    continue
                source = f"sidecar index {s.index} of L1 block {number}"
                inputs.append(PipelineInput(number, KIND_OP_BLOB, s.blob, source))
                records.append(BlobRecord(source, s.blob, vh, s.commitment, s.proof))
    if missing:
        raise MissingDataError(missing)
    return inputs, records, first_timestamp


def reconstruct_rpc(
    config: RollupConfig,
    l1_rpc: str,
    beacon_rpc: str | None,
    first: int,
    last: int | None = None,
    *,
    retries: int = 4,
    backoff: float = 0.5,
) -> dict[str, Any]:
    """From an L1 RPC (and a beacon API for blobs), L1 blocks ``first..=last``; without
    ``config.at`` the rules are those at the first L1 block's timestamp."""
    l1 = L1Client(RpcClient(l1_rpc, retries=retries, backoff=backoff))
    beacon = BeaconClient(RpcClient(beacon_rpc, retries=retries, backoff=backoff)) if beacon_rpc else None
    inputs, records, l1_time = fetch_inputs(config, l1, beacon, first, first if last is None else last)
    config = config.with_(at=config.rules_time(l1_time))
    if not inputs:
        raise MissingDataError([f"batcher transactions to {config.batch_inbox} in L1 blocks {first}..{last or first}"])
    return reconstruct(config, inputs, records)

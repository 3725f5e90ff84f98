"""The functions behind the ``refute blob`` and ``refute reconstruct`` commands.

The CLI only parses flags and prints; tests call these directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from refute.prover.da import blob, kzg
from refute.prover.da.config import RollupConfig, preset
from refute.prover.da.errors import DAError
from refute.prover.da.reconstruct import blocks_rlp, reconstruct_files, reconstruct_rpc
from refute.prover.errors import UsageError


class UsageProblem(UsageError, ValueError):
    """The arguments contradict each other (exit code 2)."""


def blob_encode_file(src: Path, dst: Path, *, eigenda: bool = False) -> dict[str, Any]:
    """Payload file -> blob file (OP v0, or EigenDA with ``eigenda``)."""
    payload = Path(src).read_bytes()
    out = blob.encode(payload, eigenda=eigenda)
    Path(dst).write_bytes(out)
    return {
        "encoding": "eigenda" if eigenda else "op-v0",
        "payload_bytes": len(payload),
        "blob_bytes": len(out),
        "out": str(dst),
    }


def blob_decode_file(src: Path, dst: Path, *, eigenda: bool = False) -> dict[str, Any]:
    """Blob file -> payload file; malformed blobs raise :class:`DAError` (layer ``blob`` and offset)."""
    data = Path(src).read_bytes()
    payload = blob.decode(data, eigenda=eigenda)
    Path(dst).write_bytes(payload)
    return {
        "encoding": "eigenda" if eigenda else "op-v0",
        "blob_bytes": len(data),
        "payload_bytes": len(payload),
        "out": str(dst),
    }


def blob_commit_file(path: Path) -> dict[str, str]:
    """EIP-4844 commitment, versioned hash and blob proof of a 131072-byte blob file."""
    data = Path(path).read_bytes()
    if len(data) != kzg.BLOB_SIZE:
        raise DAError("blob", 0, f"{path}: {len(data)} bytes; a blob file holds {kzg.BLOB_SIZE} bytes")
    return kzg.commit_blob(data).to_json()


def rollup_config(
    chain: str,
    *,
    chain_id: int | None = None,
    l2_genesis_time: int | None = None,
    block_time: int | None = None,
    channel_timeout: int | None = None,
    holocene: bool | None = None,
    at: int | None = None,
    fork_times: Mapping[str, int | None] | None = None,
) -> RollupConfig:
    """A preset with command-line overrides.

    ``at``: when the data was published (selects the derivation rules; default:
    the first L1 block's timestamp with an L1 RPC, else now). ``fork_times``:
    activation times to replace (``None`` = never), e.g. ``{"holocene": None}``.
    ``holocene``: shorthand for Holocene from genesis / never. ``channel_timeout``:
    the pre-Granite channel timeout (Granite fixes it at 50)."""
    cfg = preset(chain, at=at)
    if fork_times:
        cfg = cfg.with_(forks=cfg.forks.with_(**dict(fork_times)))
    changes = {
        k: v
        for k, v in {
            "chain_id": chain_id,
            "l2_genesis_time": l2_genesis_time,
            "block_time": block_time,
            "channel_timeout": channel_timeout,
            "holocene": holocene,
        }.items()
        if v is not None
    }
    return cfg.with_(**changes) if changes else cfg


def reconstruct_command(
    config: RollupConfig,
    *,
    blob_files: list[Path],
    blob_dirs: list[Path],
    batcher_files: list[Path],
    l1_block: int,
    l1_rpc: str | None,
    beacon_rpc: str | None,
    l1_to: int | None,
    rlp_out: Path | None,
    retries: int = 4,
) -> dict[str, Any]:
    """Reconstructs from files or RPC; optionally writes the blocks as RLP."""
    if l1_rpc:
        if blob_files or blob_dirs or batcher_files:
            raise UsageProblem("give either files or --l1-rpc, not both")
        report = reconstruct_rpc(config, l1_rpc, beacon_rpc, l1_block, l1_to, retries=retries)
    else:
        if beacon_rpc:
            raise UsageProblem("--beacon-rpc needs --l1-rpc (the L1 block says which blobs belong to the batcher)")
        report = reconstruct_files(
            config, blob_files=blob_files, blob_dirs=blob_dirs, batcher_files=batcher_files, l1_block=l1_block
        )
    if rlp_out is not None:
        data = blocks_rlp(report)
        Path(rlp_out).write_bytes(data)
        report["rlp_out"] = str(rlp_out)
        report["rlp_bytes"] = len(data)
    return report


def reconstruct_text(report: dict[str, Any]) -> str:
    """Human-readable summary of a reconstruction."""
    lines = []
    for k in report.get("kzg", []):
        status = "ok" if k["ok"] else "FAILED"
        lines.append(f"blob {k['source']}: KZG {status} (versioned hash {k['versioned_hash']})")
    for c in report["channels"]:
        lines.append(
            f"channel {c['id']}: {c['frames']} frames, {c['algorithm']} {c['compressed_len']} -> {c['decompressed_len']} bytes"
            f" ({c['stream_status']}), {len(c['batches'])} batches"
        )
    for n in report.get("notes", []):
        lines.append(f"note: L1 block {n['l1_block']} channel {n['channel_id']}: {n['message']}")
    for p in report.get("pending", []):
        lines.append(f"incomplete channel {p['channel_id']}: {p['frames']} frames held")
    for h in report.get("headless", []):
        lines.append(
            f"channel {h['channel_id']} first seen at frame {h['frame']} (L1 block {h['l1_block']}):"
            " it opened before the data read, or its frames are out of order"
        )
    blocks = report["blocks"]
    lines.append(f"{len(blocks)} L2 blocks, {sum(len(b['transactions']) for b in blocks)} transactions")
    for b in blocks[:20]:
        lines.append(f"  t={b['timestamp']} origin={b['l1_origin_number']} txs={len(b['transactions'])}")
    if len(blocks) > 20:
        lines.append(f"  ... {len(blocks) - 20} more (use --json)")
    if report.get("rlp_out"):
        lines.append(f"RLP ({report['rlp_bytes']} bytes) written to {report['rlp_out']}")
    return "\n".join(lines)

"""``refute prove --cluster``: prove a guest run on a Ray cluster and write the usual artifact.

The artifact is the one ``refute prove`` writes on one machine (same format,
same journal, a succinct receipt of the same claim), so everything downstream
(``refute verify``, the L1 contracts) is unaware of how it was made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from refute.prover.artifacts import ProofArtifact
from refute.prover.cluster.connect import check_cluster_spec, cluster_session
from refute.prover.cluster.driver import ClusterOptions, ClusterProof, Progress, prove_on_cluster
from refute.prover.guests_registry import load_guest
from refute.prover.zkvm import Proof

#: What ``--receipt`` may ask of a cluster proof: the joined receipt is succinct; Groth16 compresses it.
CLUSTER_RECEIPT_KINDS = ("succinct", "groth16")


def proof_of(result: ClusterProof) -> Proof:
    """The single-machine :class:`Proof` shape of a cluster proof (what the artifact is built from)."""
    execution, final = result.execution, result.final
    return Proof(
        image_id=final.image_id,
        journal=final.journal,
        receipt_kind=final.receipt_kind,
        dev_mode=False,
        user_cycles=execution.user_cycles,
        total_cycles=execution.total_cycles,
        segments=len(execution.segments),
        prove_seconds=result.timings["wall_seconds"],
        receipt=final.receipt,
        claim_digest=final.claim_digest,
        seal=final.seal,
    )


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def prove_guest_on_cluster(
    guest_name: str,
    input_bytes: bytes,
    out: Path,
    *,
    cluster: str,
    receipt_kind: str = "succinct",
    options: ClusterOptions | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Proves a guest run on ``cluster`` (``local``, ``auto``, ``ray://HOST:PORT``) and writes the artifact."""
    from refute.prover.errors import UsageError

    check_cluster_spec(cluster)
    if receipt_kind not in CLUSTER_RECEIPT_KINDS:
        raise UsageError(f"--receipt {receipt_kind} with --cluster: a cluster proof is succinct or groth16")
    guest = load_guest(guest_name)
    with cluster_session(cluster) as info:
        result = prove_on_cluster(
            guest.program, input_bytes, options=options, receipt_kind=receipt_kind, progress=progress
        )
    proof = proof_of(result)
    ProofArtifact.from_proof(guest_name, proof).write(out)
    return {
        "guest": guest_name,
        "image_id": "0x" + proof.image_id.hex(),
        "journal": "0x" + proof.journal.hex(),
        "receipt_kind": proof.receipt_kind,
        "dev_mode": False,
        "user_cycles": proof.user_cycles,
        "total_cycles": proof.total_cycles,
        "segments": proof.segments,
        "segment_po2": (options or ClusterOptions()).segment_po2,
        "prove_seconds": round(proof.prove_seconds, 3),
        "receipt_bytes": proof.receipt_bytes,
        "claim_digest": "0x" + proof.claim_digest.hex(),
        "out": str(out),
        "cluster": info.to_json(),
        "timings": _rounded(result.timings),
        "placements": _rounded(result.placements),
    }

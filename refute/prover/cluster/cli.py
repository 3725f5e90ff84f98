"""The terminal side of ``refute prove --cluster``: a progress bar over the cluster proof."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from refute.prover.cluster.api import prove_guest_on_cluster
from refute.prover.cluster.driver import ClusterOptions, ClusterProgress


def prove_with_cluster(
    guest_name: str, input_bytes: bytes, out: Path, cluster: str, segment_po2: int | None, receipt_kind: str
) -> dict[str, Any]:
    """Proves on ``cluster`` with a progress bar on stderr (segments executed / proven / joined, keccak proofs).

    ``segment_po2`` ``None`` is the production default. The bar appears only when
    stderr is a terminal; ``--json`` output on stdout is unaffected.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    options = ClusterOptions() if segment_po2 is None else ClusterOptions(segment_po2=segment_po2)
    if not console.is_terminal:
        return prove_guest_on_cluster(
            guest_name, input_bytes, out, cluster=cluster, receipt_kind=receipt_kind, options=options
        )
    with Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.fields[of]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        names = ("executed", "proven", "joined", "keccak", "united")
        stages = {
            name: bar.add_task(name, total=None, of="?", visible=name not in ("keccak", "united")) for name in names
        }

        def show(name: str, completed: int, total: int | None) -> None:
            bar.update(stages[name], completed=completed, total=total, of="?" if total is None else str(total))

        def progress(p: ClusterProgress) -> None:
            joins = None if p.segments is None else max(p.segments - 1, 0)
            show("executed", p.executed, p.segments)
            show("proven", p.proven, p.segments)
            show("joined", p.joined, joins)
            if p.keccak_seen:
                unions = None if p.keccak_requests is None else p.keccak_requests - 1
                bar.update(stages["keccak"], visible=True)
                bar.update(stages["united"], visible=True)
                show("keccak", p.keccak_proven, p.keccak_requests)
                show("united", p.united, unions)

        return prove_guest_on_cluster(
            guest_name, input_bytes, out, cluster=cluster, receipt_kind=receipt_kind, options=options, progress=progress
        )

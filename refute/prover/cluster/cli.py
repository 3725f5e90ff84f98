"""The terminal side of ``refute prove --cluster``: a progress bar over the cluster proof."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from refute.prover.cluster.api import prove_guest_on_cluster
from refute.prover.cluster.driver import ClusterOptions


def prove_with_cluster(
    guest_name: str, input_bytes: bytes, out: Path, cluster: str, segment_po2: int | None, receipt_kind: str
) -> dict[str, Any]:
    """Proves on ``cluster`` with a progress bar on stderr (segments executed / proven / joined).

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
        stages = {name: bar.add_task(name, total=None, of="?") for name in ("executed", "proven", "joined")}

        def progress(executed: int, proven: int, joined: int, segments: int | None) -> None:
            of = "?" if segments is None else str(segments)
            joins = None if segments is None else max(segments - 1, 0)
            bar.update(stages["executed"], completed=executed, total=segments, of=of)
            bar.update(stages["proven"], completed=proven, total=segments, of=of)
            bar.update(stages["joined"], completed=joined, total=joins, of="?" if joins is None else str(joins))

        return prove_guest_on_cluster(
            guest_name, input_bytes, out, cluster=cluster, receipt_kind=receipt_kind, options=options, progress=progress
        )

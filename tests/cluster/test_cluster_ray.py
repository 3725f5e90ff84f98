"""Real segment-parallel proofs on Ray: two simulated nodes losing one mid-run, then a local
cluster and the command line over the receipts they left, and a guest whose receipt rests on
keccak accelerator proofs (as the fault program's does).

All prove for real (no dev mode), which takes minutes of CPU: the lift of each segment, each
join, each keccak proof, each union and the final resolution is a fixed-size recursion proof.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cluster_inputs import (
    KECCAK_SEGMENT_PO2,
    TEST_KECCAK_PO2,
    TEST_PO2,
    TWO_REQUEST_INPUT,
    TWO_SEGMENT_INPUT,
    expected_journal,
    expected_keccak_journal,
)

from refute.prover import zkvm

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def single_machine(digest_guest) -> zkvm.Execution:
    """The single-machine run: its claim is the one the single-machine prover proves (it checks that itself)."""
    return zkvm.execute(digest_guest.program, TWO_SEGMENT_INPUT, segment_limit_po2=TEST_PO2)


def test_a_cluster_proof_survives_a_killed_node_and_matches_the_single_machine_proof(
    digest_guest, single_machine: zkvm.Execution, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One real proof on two simulated worker nodes, one of them killed after the first receipt;
    then the production `--cluster local` session and the command line over the same receipt store."""
    import ray
    from ray.cluster_utils import Cluster

    from refute.cli import main
    from refute.prover.api import verify_artifact_file
    from refute.prover.cluster.connect import cluster_session, loopback_only
    from refute.prover.cluster.driver import ClusterOptions, ClusterProgress, _namespace, prove_on_cluster
    from refute.prover.cluster.segments import finalize, join
    from refute.prover.cluster.store import ReceiptStore, lift_key, run_id
    from refute.prover.errors import InvalidInputError, VerificationFailed

    store = tmp_path / "receipts"
    options = ClusterOptions(segment_po2=TEST_PO2, receipt_store=store)

    # Two worker nodes (one CPU each) under a head that runs nothing; one dies mid-run and Ray
    # reruns what it held on the other.
    loopback_only()
    node_args = {"node_ip_address": "127.0.0.1", "object_store_memory": 100 * 1024 * 1024}
    cluster = Cluster(initialize_head=True, head_node_args={**node_args, "num_cpus": 0, "include_dashboard": False})
    workers = [cluster.add_node(num_cpus=1, **node_args) for _ in range(2)]
    killed: list[str] = []

    def kill_one_after_the_first_receipt(progress: ClusterProgress) -> None:
        if progress.proven >= 1 and not killed:
            killed.append(workers[1].node_id)
            cluster.remove_node(workers[1], allow_graceful=False)

    try:
        ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
        first = prove_on_cluster(
            digest_guest.program, TWO_SEGMENT_INPUT, options=options, progress=kill_one_after_the_first_receipt
        )
        alive = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    finally:
        ray.shutdown()
        cluster.shutdown()
    assert killed and killed[0] not in alive

    segments = len(first.execution.segments)
    assert segments == len(single_machine.segments) >= 2
    assert first.timings["prove_lift"]["tasks"] == segments
    assert first.timings["join"]["tasks"] == segments - 1
    assert [p["index"] for p in first.placements] == list(range(segments))
    assert first.final.journal == single_machine.journal == expected_journal(TWO_SEGMENT_INPUT)
    assert first.final.claim_digest == single_machine.claim_digest
    verified = zkvm.verify(first.final.receipt, digest_guest.image_id)
    assert (verified.receipt_kind, verified.claim_digest) == ("succinct", single_machine.claim_digest)
    assert verified.journal == single_machine.journal

    # The leaves' receipts in the store: joined the wrong way round, or finalized alone, they are refused.
    run = run_id(digest_guest.image_id, TWO_SEGMENT_INPUT, TEST_PO2)
    left, right = (ReceiptStore(store).get(lift_key(_namespace(), run, i)) for i in (0, 1))
    assert left and right
    with pytest.raises(InvalidInputError, match="joining receipts"):
        join(right, left)
    with pytest.raises(VerificationFailed, match="not the claim execution reported"):
        finalize(left, single_machine.journal, digest_guest.image_id, single_machine.claim_digest)

    # `--cluster local` (a private cluster bound to 127.0.0.1), as a restarted driver: it finds
    # every receipt in the store and proves nothing.
    with cluster_session("local", num_cpus=2) as info:
        assert info.nodes == 1 and info.cpus == 2
        assert {n["NodeManagerAddress"] for n in ray.nodes()} == {"127.0.0.1"}
        again = prove_on_cluster(digest_guest.program, TWO_SEGMENT_INPUT, options=options)
    assert not ray.is_initialized()
    assert again.timings["prove_lift"] == {**again.timings["prove_lift"], "tasks": 0, "cached": segments}
    assert again.timings["join"]["tasks"] == 0
    assert again.final.receipt == first.final.receipt

    # The command line, over the same store: the usual artifact, which `refute verify` accepts.
    monkeypatch.setenv("REFUTE_RECEIPT_STORE", str(store))
    out = tmp_path / "digest.proof.json"
    (tmp_path / "input.bin").write_bytes(TWO_SEGMENT_INPUT)
    args = ["prove", "--guest", "digest", "--input", str(tmp_path / "input.bin"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--cluster", "local", "--segment-po2", str(TEST_PO2), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["segments"] == segments and report["timings"]["prove_lift"]["cached"] == segments
    assert report["claim_digest"] == "0x" + single_machine.claim_digest.hex()
    assert verify_artifact_file(out, digest_guest.image_id)["accepted"] is True
    assert not ray.is_initialized()


def test_keccak_proofs_are_proven_united_and_resolved_on_the_cluster(keccak_guest, tmp_path: Path) -> None:
    """Two keccak requests: two keccak proofs, their union, and the resolution of the joined receipt."""
    from refute.prover.cluster.connect import cluster_session
    from refute.prover.cluster.driver import ClusterOptions, _namespace, prove_on_cluster
    from refute.prover.cluster.segments import finalize
    from refute.prover.cluster.store import ReceiptStore, keccak_key, run_id
    from refute.prover.errors import InvalidInputError, VerificationFailed

    single = zkvm.execute(keccak_guest.program, TWO_REQUEST_INPUT, segment_limit_po2=KECCAK_SEGMENT_PO2)
    store = tmp_path / "receipts"
    # Two prover threads per task: the union and the last of the three leaves run alone, and with
    # one thread each they would leave a core idle.
    options = ClusterOptions(
        segment_po2=KECCAK_SEGMENT_PO2, keccak_po2=TEST_KECCAK_PO2, receipt_store=store, cpus_per_task=2
    )
    with cluster_session("local", num_cpus=2):
        result = prove_on_cluster(keccak_guest.program, TWO_REQUEST_INPUT, options=options)

    keccak, union = result.timings["keccak"], result.timings["union"]
    assert (keccak["requests"], keccak["tasks"], keccak["po2"], union["tasks"]) == (2, 2, TEST_KECCAK_PO2, 1)
    assert sorted(k["keccak"] for k in result.keccak) == [0, 1]
    assert result.final.claim_digest == single.claim_digest
    verified = zkvm.verify(result.final.receipt, keccak_guest.image_id)
    assert verified.journal == single.journal == expected_keccak_journal(TWO_REQUEST_INPUT)
    assert verified.receipt_kind == "succinct"

    # The joined receipt alone still assumes the keccak proofs; one keccak proof is not the union it assumes.
    receipts = ReceiptStore(store)
    run = run_id(keccak_guest.image_id, TWO_REQUEST_INPUT, KECCAK_SEGMENT_PO2)
    first_request = receipts.get(keccak_key(_namespace(), run, TEST_KECCAK_PO2, 0))
    joined = _joined_receipt(receipts, result)
    assert first_request and joined
    with pytest.raises(VerificationFailed, match="not the claim execution reported"):
        finalize(joined, single.journal, keccak_guest.image_id, single.claim_digest)
    with pytest.raises(InvalidInputError, match="resolving the keccak assumption"):
        finalize(joined, single.journal, keccak_guest.image_id, single.claim_digest, keccak_root=first_request)


def _joined_receipt(receipts, result) -> bytes | None:
    """The receipt covering every segment: the root of the join tree (or the only lift)."""
    from refute.prover.cluster.driver import _namespace
    from refute.prover.cluster.planner import Span, plan_joins
    from refute.prover.cluster.store import join_key, lift_key, run_id

    execution = result.execution
    run = run_id(execution.image_id, TWO_REQUEST_INPUT, KECCAK_SEGMENT_PO2)
    keys = {Span(i, i + 1): lift_key(_namespace(), run, i) for i in range(len(execution.segments))}
    plan = plan_joins(len(execution.segments))
    for step in plan.steps:
        keys[step.out] = join_key(_namespace(), keys[step.left], keys[step.right])
    return receipts.get(keys[plan.root])

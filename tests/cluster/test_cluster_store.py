"""The content-addressed receipt store and the cluster options that need no cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from refute.prover.cluster.connect import check_cluster_spec
from refute.prover.cluster.planner import segment_memory_bytes
from refute.prover.cluster.store import ReceiptStore, default_store_dir, join_key, lift_key, run_id
from refute.prover.errors import InvalidInputError, UsageError

A, B = "aa" * 32, "bb" * 32


def test_run_ids_depend_on_program_input_and_segment_size() -> None:
    base = run_id(bytes(32), b"input", 16)
    assert base == run_id(bytes(32), b"input", 16)
    assert (
        len(
            {base, run_id(b"\x01" * 32, b"input", 16), run_id(bytes(32), b"other", 16), run_id(bytes(32), b"input", 17)}
        )
        == 4
    )
    with pytest.raises(InvalidInputError, match="32 bytes"):
        run_id(bytes(31), b"input", 16)


def test_keys_depend_on_run_index_namespace_and_order() -> None:
    assert lift_key("v1", A, 0) == lift_key("v1", A, 0)
    assert len({lift_key("v1", A, 0), lift_key("v1", A, 1), lift_key("v1", B, 0), lift_key("v2", A, 0)}) == 4
    assert join_key("v1", A, B) != join_key("v1", B, A)
    assert join_key("v1", A, B) not in {lift_key("v1", A, 0), lift_key("v1", B, 0)}


@pytest.mark.parametrize("bad", ["", "AA" * 32, "aa" * 31, "zz" * 32])
def test_keys_refuse_malformed_digests(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="64 lowercase hex"):
        lift_key("v1", bad, 0)
    with pytest.raises(InvalidInputError, match="64 lowercase hex"):
        join_key("v1", A, bad)


@pytest.mark.parametrize("index", [-1, True, 1.0])
def test_keys_refuse_bad_indexes(index: object) -> None:
    with pytest.raises(InvalidInputError, match="segment index"):
        lift_key("v1", A, index)  # type: ignore[arg-type]


def test_store_round_trip_and_misses(tmp_path: Path) -> None:
    store = ReceiptStore(tmp_path / "receipts")
    key = lift_key("v1", A, 0)
    assert store.get(key) is None
    store.put(key, b"receipt bytes")
    assert store.get(key) == b"receipt bytes"
    assert store.path(key).parent.name == key[:2]
    assert not [p for p in store.path(key).parent.iterdir() if p.name.endswith(".partial")]
    store.put(key, b"replaced")
    assert store.get(key) == b"replaced"


def test_store_refuses_empty_receipts_and_treats_empty_files_as_missing(tmp_path: Path) -> None:
    store = ReceiptStore(tmp_path)
    key = join_key("v1", A, B)
    with pytest.raises(InvalidInputError, match="empty receipt"):
        store.put(key, b"")
    store.path(key).parent.mkdir(parents=True)
    store.path(key).write_bytes(b"")
    assert store.get(key) is None


def test_default_store_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFUTE_RECEIPT_STORE", str(tmp_path / "mine"))
    assert default_store_dir() == tmp_path / "mine"
    monkeypatch.delenv("REFUTE_RECEIPT_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_store_dir() == tmp_path / "refute" / "receipts"


@pytest.mark.parametrize("spec", ["local", "auto", "ray://10.0.0.1:10001", "ray://head.example:10001"])
def test_cluster_specs_accepted(spec: str) -> None:
    assert check_cluster_spec(spec) == spec


@pytest.mark.parametrize(
    "spec", ["", "remote", "ray://", "ray://host", "ray://host:0", "ray://host:x", "10.0.0.1:6379"]
)
def test_cluster_specs_refused(spec: str) -> None:
    with pytest.raises(UsageError, match="local, auto or ray://HOST:PORT"):
        check_cluster_spec(spec)


def test_memory_estimate_grows_with_segment_size() -> None:
    sizes = [segment_memory_bytes(po2) for po2 in range(13, 23)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    with pytest.raises(ValueError, match="non-negative"):
        segment_memory_bytes(-1)

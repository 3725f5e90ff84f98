"""The bundle builder's L1 parsing on real data: Ethereum mainnet blocks 18090205–18090218
(raiko's RPC caches) give headers hashing to the real block hashes and transaction and
receipt lists matching the real roots, through the same native code ``refute fault bundle`` uses."""

from __future__ import annotations

import gzip
import json

import pytest
from fixture_rules import fixtures_path, require

from refute.prover import native

pytestmark = pytest.mark.conformance

FIRST, LAST = 18_090_205, 18_090_218


@pytest.mark.parametrize("number", range(FIRST, LAST + 1))
def test_real_l1_block_checks_against_its_hash_and_roots(number: int) -> None:
    path = require(fixtures_path(f"op-derivation/raiko-op-mainnet/ethereum/{number}.json.gz"))
    cache = json.loads(gzip.decompress(path.read_bytes()))
    block = cache["full_blocks"][0][1]
    receipts = cache["receipts"][0][1] if cache.get("receipts") else None
    got = native.call_json("fault_bundle", json.dumps({"step": "l1_block", "block": block, "receipts": receipts}))
    assert got["number"] == number
    assert got["hash"] == block["hash"]
    assert got["transactions"] == len(block["transactions"])
    if receipts is not None:
        assert got["receipts"] == len(receipts)

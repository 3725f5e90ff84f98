"""A disputed block in the middle of a span batch, on the live devnet.

The devnet's batcher posts L2 blocks 1-3 as one span batch (as op-batcher
does), so the span for block 3 starts two blocks before it: op-node judges it
against its parent, L2 genesis, which is older than the agreed block 2. The
bundle builder must notice (the program's ``l2_ancestors`` refusal) and fetch
the blocks back to that parent by itself.
"""

from __future__ import annotations

import pytest
import rlp
from web3 import Web3

from refute.devnet import ServedChain
from refute.devnet.apps import scenario
from refute.devnet.network import Devnet
from refute.prover import native
from refute.prover.fault.api import L2_ANCESTORS_ITEM
from refute.prover.fault.collect import collect, endpoints_from_urls
from refute.prover.fault.errors import FaultInputRefused
from refute.prover.guests_registry import load_guest


@pytest.mark.slow
def test_a_block_mid_span_is_bundled_with_the_ancestors_its_span_needs() -> None:
    plan = scenario("seeding")
    with Devnet(plan, fault_image_id=load_guest("fault").image_id, block_interval=0.2, span_blocks=3) as devnet:
        devnet.wait_for(lambda: devnet.batcher.mined_in(3) is not None, 120, "the span of blocks 1-3 on L1")
        assert devnet.batcher.posted[1] == devnet.batcher.posted[2] == devnet.batcher.posted[3]
        with devnet.l1.lock:
            l1_head = Web3.to_hex(devnet.l1.w3.eth.get_block("latest")["hash"])
        info = devnet.describe()
        endpoints = endpoints_from_urls(info["l1_rpc"], info["l2_rpc"], info["beacon_rpc"])
        steps: list[str] = []
        mid_span = collect(endpoints, 3, l1_head, progress=lambda step, detail: steps.append(step))
        next_to_parent = collect(endpoints, 2, l1_head)
        canonical = [devnet.canonical.output_root(n) for n in (2, 3)]

    # Block 3: the span's parent is genesis, two blocks before the agreed block 2.
    assert mid_span.description["l2_ancestors"] == 2, mid_span.description
    assert "L2 ancestors" in steps
    assert mid_span.description["computed_output_root"] == canonical[1]
    # Block 2: the span starts at the agreed block; its parent is the agreed block's parent.
    assert next_to_parent.description["l2_ancestors"] == 0
    assert next_to_parent.description["computed_output_root"] == canonical[0]

    # The bundle holds block 1's header and genesis (Holocene's rules read only the span's
    # parent's transactions), and its served form answers for them as far as it holds them.
    served = ServedChain.from_input(mid_span.input)
    assert [int(b["number"], 16) for b in served.answers["l2_ancestors"]] == [1, 0]
    block_1 = served.l2_block_by_number(1, False)
    assert block_1 is not None and block_1["hash"] == devnet.canonical.block(1).block_hash
    with pytest.raises(LookupError):
        served.l2_block_by_number(1, True)

    # Without its ancestors the program asks for exactly them (Isthmus: the parent's transactions only).
    fields = rlp.decode(mid_span.input)
    fields[L2_ANCESTORS_ITEM] = []
    with pytest.raises(FaultInputRefused) as refused:
        native.call_json("fault_check", rlp.encode(fields))
    assert refused.value.kind == "l2_ancestors"
    assert refused.value.fields == {"oldest": 0, "transactions_through": 0}

"""The devnet's L2 apps and incidents, run through the real sequencer on both nodes.

Each scenario is built twice from the same genesis: the canonical chain (the
batches' transactions) and the proposer's node (the faulty block's
replacement). The roots must agree before the faulty block and differ from it
on, and the contracts' storage, read from the sequencer's post-states, must
show the incident: the right pre-deposit versus 1000x; a rejected price and a
healthy position versus a forced price and a liquidation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils import keccak

from refute.devnet.apps import (
    BORROW_AMOUNT,
    BORROWER_COLLATERAL,
    CORRUPTED_PRICE,
    ETH_PRICE,
    FUNDING,
    L2_CONTRACTS,
    LIQUIDATOR_COLLATERAL,
    MISCONFIGURED_SEED_AMOUNT,
    NEXT_PRICE,
    SCENARIOS,
    SEED_AMOUNT,
    ScenarioPlan,
    compile_l2,
    scenario,
)
from refute.devnet.pyevm import raw_header
from refute.devnet.sequencer import ChainParams, L2Chain
from refute.l1.chain import local_chain
from refute.prover.errors import InvalidInputError

MESSAGE_PASSER = "0x4200000000000000000000000000000000000016"


@dataclass(frozen=True)
class Run:
    """One scenario executed by the canonical sequencer and by the proposer's node."""

    plan: ScenarioPlan
    canonical: L2Chain
    faulty: L2Chain

    def state(self, faulty: bool, number: int) -> dict[str, Any]:
        return (self.faulty if faulty else self.canonical).state(number)


def _storage(state: dict[str, Any], address: str, slot: int) -> int:
    """A storage word from the sequencer's state JSON (keys are unpadded hex, so compare as integers)."""
    account = state[address.lower()]
    return next((int(v, 16) for k, v in account["storage"].items() if int(k, 16) == slot), 0)


def _map_slot(key: str, slot: int) -> int:
    """Vyper's ``HashMap[address, _]`` slot for ``key``: ``keccak(pad32(slot) ++ pad32(key))`` (Solidity's order reversed)."""
    return int.from_bytes(keccak(slot.to_bytes(32, "big") + bytes.fromhex(key[2:]).rjust(32, b"\0")), "big")


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    l1 = local_chain()
    origin = l1.w3.eth.block_number
    header = raw_header(l1, origin)
    params = ChainParams(
        l1_chain_id=l1.w3.eth.chain_id,
        l1_genesis_header=header,
        genesis_time=l1.w3.eth.get_block(origin)["timestamp"],
        batcher="0x" + "22" * 20,
    )
    out = {}
    for name in SCENARIOS:
        plan = scenario(name)
        alloc = {**plan.alloc, MESSAGE_PASSER: {"storage": {"0x1": "0x7"}}}
        canonical, faulty = L2Chain(params, alloc), L2Chain(params, alloc)
        for number, txs in enumerate(plan.blocks, 1):
            # Every block keeps the genesis L1 block as origin (a few L2 seconds, well within the drift).
            canonical.append(canonical.next_block(header, txs))
            replaced = plan.faulty_transactions if number == plan.faulty_block else txs
            faulty.append(faulty.next_block(header, replaced))
        out[name] = Run(plan, canonical, faulty)
    return out


def test_l2_contracts_compile() -> None:
    for name in L2_CONTRACTS:
        compiled = compile_l2(name)
        assert compiled.bytecode, name
    functions = {item["name"] for item in compile_l2("PriceOracle").abi if item.get("type") == "function"}
    assert {"update", "force_price", "price", "latest_round", "message_hash"} <= functions


def test_unknown_scenario_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="unknown scenario 'nope'"):
        scenario("nope")


@pytest.mark.parametrize("name", SCENARIOS)
def test_plan_shape(name: str) -> None:
    plan = scenario(name)
    assert plan.name == name and plan.title
    assert 2 <= plan.faulty_block < len(plan.blocks), "block 1 honest, and the faulty block has a descendant"
    assert all(1 <= len(txs) <= 3 for txs in plan.blocks)
    assert plan.faulty_transactions and plan.faulty_transactions != plan.blocks[plan.faulty_block - 1]
    assert all(int(a["balance"], 16) == FUNDING for a in plan.alloc.values())
    assert {"canonical", "faulty"} <= plan.describe.keys()
    assert scenario(name) == plan, "plans are deterministic (fixed keys, CREATE addresses)"


@pytest.mark.parametrize("name", SCENARIOS)
def test_roots_agree_before_the_faulty_block_and_differ_from_it_on(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    k = run.plan.faulty_block
    assert run.canonical.genesis.output_root == run.faulty.genesis.output_root
    for number in range(1, len(run.plan.blocks) + 1):
        same = run.canonical.output_root(number) == run.faulty.output_root(number)
        assert same == (number < k), f"block {number}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_contracts_are_at_their_create_addresses(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    state = run.state(False, len(run.plan.blocks))
    for role in ("stablecoin", "vault", "oracle", "market"):
        if role in run.plan.accounts:
            assert state[run.plan.accounts[role].lower()]["code"] not in ("", "0x"), role


def test_seeding_canonical_carries_the_right_amount_and_the_faulty_node_1000x(runs: dict[str, Run]) -> None:
    run = runs["seeding"]
    vault, token, treasury = (run.plan.accounts[r] for r in ("vault", "stablecoin", "treasury"))
    k = run.plan.faulty_block
    # Before the seeding both nodes hold an empty vault.
    assert _storage(run.state(True, k - 1), vault, 1) == _storage(run.state(False, k - 1), vault, 1) == 0
    for faulty, amount in ((False, SEED_AMOUNT), (True, MISCONFIGURED_SEED_AMOUNT)):
        for number in (k, k + 1):
            state = run.state(faulty, number)
            # Vault: 0 deposits[beneficiary], 1 total; stablecoin: 0 balanceOf[holder], 1 totalSupply.
            assert _storage(state, vault, _map_slot(treasury, 0)) == amount
            assert _storage(state, vault, 1) == amount
            assert _storage(state, token, _map_slot(vault, 0)) == amount
            assert _storage(state, token, 1) == amount
        # The follow-up block closes seeding on both nodes (vault slot 2).
        assert (_storage(run.state(faulty, k), vault, 2), _storage(run.state(faulty, k + 1), vault, 2)) == (0, 1)


def test_oracle_canonical_rejects_the_corrupted_price_and_keeps_the_position(runs: dict[str, Run]) -> None:
    run = runs["oracle"]
    oracle, token, market, borrower, liquidator = (
        run.plan.accounts[r] for r in ("oracle", "stablecoin", "market", "borrower", "liquidator")
    )
    k = run.plan.faulty_block
    before, at, after = (run.state(False, n) for n in (k - 1, k, k + 1))
    # Oracle: 0 price, 1 latest_round. The signed update to a hundredth reverted: nothing moved.
    assert (_storage(at, oracle, 0), _storage(at, oracle, 1)) == (ETH_PRICE, 1)
    # Market: 0 collateral[account], 1 debt[account]. The liquidation reverted: the position is intact.
    assert _storage(at, market, _map_slot(borrower, 0)) == BORROWER_COLLATERAL
    assert _storage(at, market, _map_slot(borrower, 1)) == BORROW_AMOUNT
    assert _storage(at, token, _map_slot(liquidator, 0)) == BORROW_AMOUNT
    assert at[market.lower()]["balance"] == before[market.lower()]["balance"]
    assert int(at[market.lower()]["balance"], 16) == BORROWER_COLLATERAL + LIQUIDATOR_COLLATERAL
    # The follow-up's sound signed update (+1%) passes the signature and bound checks; the top-up lands.
    assert (_storage(after, oracle, 0), _storage(after, oracle, 1)) == (NEXT_PRICE, 3)
    assert _storage(after, market, _map_slot(borrower, 0)) == BORROWER_COLLATERAL + 10**18


def test_oracle_faulty_node_let_the_price_through_and_liquidated(runs: dict[str, Run]) -> None:
    run = runs["oracle"]
    oracle, token, market, borrower, liquidator = (
        run.plan.accounts[r] for r in ("oracle", "stablecoin", "market", "borrower", "liquidator")
    )
    k = run.plan.faulty_block
    at, after = run.state(True, k), run.state(True, k + 1)
    assert (_storage(at, oracle, 0), _storage(at, oracle, 1)) == (CORRUPTED_PRICE, 2)
    assert _storage(at, market, _map_slot(borrower, 0)) == 0
    assert _storage(at, market, _map_slot(borrower, 1)) == 0
    assert _storage(at, token, _map_slot(liquidator, 0)) == 0, "the liquidation burnt the liquidator's dUSD"
    assert _storage(at, token, 1) == BORROW_AMOUNT
    assert int(at[market.lower()]["balance"], 16) == LIQUIDATOR_COLLATERAL
    gained = int(at[liquidator.lower()]["balance"], 16) - int(run.state(False, k)[liquidator.lower()]["balance"], 16)
    assert BORROWER_COLLATERAL - 10**16 < gained <= BORROWER_COLLATERAL, "seized 10 ETH (less the gas difference)"
    # On this node the sound update is a 101x move from the corrupted price: rejected; the top-up still lands.
    assert (_storage(after, oracle, 0), _storage(after, oracle, 1)) == (CORRUPTED_PRICE, 2)
    assert _storage(after, market, _map_slot(borrower, 0)) == 10**18

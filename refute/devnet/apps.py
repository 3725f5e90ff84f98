"""The devnet's L2 applications and the two incidents it replays as faults in the posted state.

Each scenario is a short L2 history: contracts deployed and set up in blocks 1 and 2, the
incident's transactions at :attr:`ScenarioPlan.faulty_block`, and one
follow-up block that both nodes execute, so the faulty proposal has a
descendant. The canonical chain is what the batches on L1 carry; the
proposer's node executed other transactions at the faulty block, so from
there on it proposes roots that correct execution of the batches does not
give. That is the fault a watcher proves.

* ``seeding``: a stablecoin pre-deposit vault is seeded by its operator. The
  batch carries the correct amount; the proposer's misconfigured node seeded
  1000 times as much, so the state it posted held a pre-deposit the chain's
  data never carried.
* ``oracle``: a lending market trusts a signed price oracle that rejects moves
  of more than 20%. The batch carries a correctly signed but corrupted update
  (price / 100), which correct execution rejects (the transaction reverts),
  and a liquidation that then reverts too because the position is healthy.
  The devnet simulates a node that let the corrupted update through by having
  its block run the oracle admin's ``force_price`` with the same round and
  price instead (same sender and nonce as the rejected update): the oracle's
  storage then equals "the update passed", and the liquidation succeeds.

Transactions are signed EIP-1559 transactions with explicit gas, from fixed
devnet keys (public: never use them on a real chain). Contract addresses are
CREATE addresses (sender, nonce), so every plan is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from refute.l1.compiler import CONTRACTS_DIR, CompiledContract, compile_contract
from refute.prover.errors import InvalidInputError

__all__ = [
    "BORROW_AMOUNT",
    "BORROWER_COLLATERAL",
    "CORRUPTED_PRICE",
    "ETH_PRICE",
    "FUNDING",
    "L2_CONTRACTS",
    "L2_CONTRACTS_DIR",
    "LIQUIDATOR_COLLATERAL",
    "MISCONFIGURED_SEED_AMOUNT",
    "NEXT_PRICE",
    "SCENARIOS",
    "SEED_AMOUNT",
    "ScenarioPlan",
    "compile_l2",
    "create_address",
    "devnet_account",
    "scenario",
]

SCENARIOS = ("seeding", "oracle")

L2_CONTRACTS_DIR = CONTRACTS_DIR / "l2"
L2_CONTRACTS = ("Stablecoin", "PredepositVault", "PriceOracle", "LendingMarket")

#: Genesis balance of every account that sends L2 transactions (gas, L1 data fees and ETH collateral).
FUNDING = 10**21

#: The pre-deposit the batch carries: 500 million dollars (18 decimals).
SEED_AMOUNT = 500_000_000 * 10**18
#: What the misconfigured node seeded instead: 1000 times as much.
MISCONFIGURED_SEED_AMOUNT = 1_000 * SEED_AMOUNT

#: The oracle's initial price: 2000 dollars per ETH (18 decimals).
ETH_PRICE = 2_000 * 10**18
#: The corrupted feed's price (a hundredth), which the oracle's 20% bound rejects.
CORRUPTED_PRICE = ETH_PRICE // 100
#: The follow-up block's sound update (+1%).
NEXT_PRICE = ETH_PRICE * 101 // 100
#: The borrower's position: 10 ETH against 8000 dollars (40% of its value, healthy below the 80% threshold).
BORROWER_COLLATERAL = 10 * 10**18
BORROW_AMOUNT = 8_000 * 10**18
#: The liquidator borrows the same amount (against 20 ETH) to hold the stablecoins a liquidation burns.
LIQUIDATOR_COLLATERAL = 20 * 10**18

DEPLOY_GAS = 1_500_000
CALL_GAS = 200_000
MAX_FEE_PER_GAS = 10 * 10**9
MAX_PRIORITY_FEE_PER_GAS = 10**9


@dataclass(frozen=True)
class ScenarioPlan:
    """One incident: the canonical L2 transactions per block and what the proposer's node ran instead."""

    name: str
    title: str
    #: Genesis accounts to fund, ``{address: {"balance": hex}}`` (the caller adds the message passer).
    alloc: dict[str, dict[str, Any]]
    #: Canonical signed transactions of L2 blocks 1..len(blocks) (block 1 is ``blocks[0]``).
    blocks: list[list[bytes]]
    #: The first block where the proposer's node diverges (>= 2, so block 1 is honest).
    faulty_block: int
    #: What the proposer's node executed at ``faulty_block`` instead of ``blocks[faulty_block - 1]``.
    faulty_transactions: list[bytes]
    #: Role -> address, for display.
    accounts: dict[str, str] = field(default_factory=dict)
    #: Short explanations: "canonical", "faulty" and "blocks" (what each block does).
    describe: dict[str, str] = field(default_factory=dict)

    def transactions(self, number: int, faulty_node: bool) -> list[bytes]:
        """What L2 block ``number`` carries: on the proposer's faulty node, the faulty block's replacement."""
        if faulty_node and number == self.faulty_block:
            return list(self.faulty_transactions)
        return list(self.blocks[number - 1]) if number <= len(self.blocks) else []


def devnet_account(role: str) -> LocalAccount:
    """The fixed key of ``role`` (``keccak("refute devnet <role>")``, as the rest of the devnet derives its keys)."""
    return Account.from_key(keccak(f"refute devnet {role}".encode()))


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from ``sender`` at ``nonce`` deploys to: ``keccak(rlp([sender, nonce]))[12:]``."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def compile_l2(name: str) -> CompiledContract:
    """Compiles ``contracts/l2/<name>.vy`` with the pinned Vyper (cached on disk by source hash)."""
    return compile_contract(name, contracts_dir=L2_CONTRACTS_DIR)


def _calldata(contract: CompiledContract, function: str, *args: Any) -> bytes:
    """Selector and ABI-encoded arguments of ``function`` (looked up in the compiled ABI, so a typo fails here)."""
    for item in contract.abi:
        if item.get("type") == "function" and item["name"] == function:
            types = [i["type"] for i in item["inputs"]]
            selector = keccak(f"{function}({','.join(types)})".encode())[:4]
            return selector + abi_encode(types, list(args))
    raise ValueError(f"{contract.name} has no function {function!r}")


def _constructor_args(contract: CompiledContract, *args: Any) -> bytes:
    """ABI-encoded constructor arguments (appended to the creation bytecode)."""
    for item in contract.abi:
        if item.get("type") == "constructor":
            return abi_encode([i["type"] for i in item["inputs"]], list(args))
    if args:
        raise ValueError(f"{contract.name} has no constructor, but got {len(args)} arguments")
    return b""


@dataclass
class _Sender:
    """Signs one account's transactions with consecutive nonces (the next one in ``nonce``)."""

    account: LocalAccount
    chain_id: int
    nonce: int = 0

    @property
    def address(self) -> str:
        return str(self.account.address)

    def _sign(self, to: str | None, data: bytes, value: int, gas: int, nonce: int | None) -> bytes:
        if nonce is None:
            nonce, self.nonce = self.nonce, self.nonce + 1
        tx: dict[str, Any] = {
            "type": 2,
            "chainId": self.chain_id,
            "nonce": nonce,
            "value": value,
            "gas": gas,
            "maxFeePerGas": MAX_FEE_PER_GAS,
            "maxPriorityFeePerGas": MAX_PRIORITY_FEE_PER_GAS,
            "data": data,
        }
        if to is not None:
            tx["to"] = to
        return bytes(self.account.sign_transaction(tx).raw_transaction)

    def deploy(self, contract: CompiledContract, *args: Any) -> tuple[bytes, str]:
        """The deployment transaction and the address the contract gets."""
        address = create_address(self.address, self.nonce)
        return self._sign(None, contract.bytecode + _constructor_args(contract, *args), 0, DEPLOY_GAS, None), address

    def call(
        self, to: str, contract: CompiledContract, function: str, *args: Any, value: int = 0, nonce: int | None = None
    ) -> bytes:
        """A call of ``function``; an explicit ``nonce`` signs a replacement without advancing the counter."""
        return self._sign(to, _calldata(contract, function, *args), value, CALL_GAS, nonce)


def _alloc(*senders: _Sender) -> dict[str, dict[str, Any]]:
    return {s.address: {"balance": hex(FUNDING)} for s in senders}


def _seeding(chain_id: int) -> ScenarioPlan:
    token_c, vault_c = compile_l2("Stablecoin"), compile_l2("PredepositVault")
    operator = _Sender(devnet_account("operator"), chain_id)
    treasury = devnet_account("treasury").address
    # The vault mints the pre-deposit, so the token names it as minter before it exists.
    deploy_token, token = operator.deploy(token_c, create_address(operator.address, operator.nonce + 1))
    deploy_vault, vault = operator.deploy(vault_c, token, operator.address)
    seed_nonce = operator.nonce
    seed = operator.call(vault, vault_c, "seed", treasury, SEED_AMOUNT)
    # Same sender and nonce: the replacement leaves later blocks' nonces valid on the proposer's node.
    misconfigured_seed = operator.call(vault, vault_c, "seed", treasury, MISCONFIGURED_SEED_AMOUNT, nonce=seed_nonce)
    close = operator.call(vault, vault_c, "close_seeding")
    return ScenarioPlan(
        name="seeding",
        title="misconfigured seeding of the stablecoin pre-deposit vault",
        alloc=_alloc(operator),
        blocks=[[deploy_token], [deploy_vault], [seed], [close]],
        faulty_block=3,
        faulty_transactions=[misconfigured_seed],
        accounts={"operator": operator.address, "treasury": treasury, "stablecoin": token, "vault": vault},
        describe={
            "blocks": "1: deploy the stablecoin (minter: the vault); 2: deploy the vault; "
            "3: the operator seeds the vault for the treasury; 4: the operator closes seeding",
            "canonical": f"the batch seeds the vault with {SEED_AMOUNT // 10**18:,} dUSD for the treasury",
            "faulty": f"the proposer's misconfigured node seeded {MISCONFIGURED_SEED_AMOUNT // 10**18:,} dUSD "
            "(1000x) at block 3, so every root it proposes from there on holds a pre-deposit "
            "the chain's data never carried",
        },
    )


def _price_signature(
    signer: LocalAccount, oracle: str, chain_id: int, round_: int, price: int
) -> tuple[int, bytes, bytes]:
    """``(v, r, s)`` of the signer over the oracle's message hash (see ``PriceOracle.message_hash``)."""
    inner = keccak(abi_encode(["address", "uint256", "uint256", "uint256"], [oracle, chain_id, round_, price]))
    signed = signer.sign_message(encode_defunct(primitive=inner))
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


def _oracle(chain_id: int) -> ScenarioPlan:
    oracle_c, token_c, market_c = compile_l2("PriceOracle"), compile_l2("Stablecoin"), compile_l2("LendingMarket")
    operator = _Sender(devnet_account("operator"), chain_id)  # oracle admin and price relayer
    signer = devnet_account("oracle signer")  # signs prices, sends nothing
    borrower = _Sender(devnet_account("borrower"), chain_id)
    liquidator = _Sender(devnet_account("liquidator"), chain_id)

    deploy_oracle, oracle = operator.deploy(oracle_c, signer.address, operator.address, ETH_PRICE)
    # The market mints and burns the stablecoin, so the token names it as minter before it exists.
    deploy_token, token = operator.deploy(token_c, create_address(operator.address, operator.nonce + 1))
    deploy_market, market = operator.deploy(market_c, oracle, token)

    def update(round_: int, price: int) -> bytes:
        return operator.call(
            oracle, oracle_c, "update", round_, price, *_price_signature(signer, oracle, chain_id, round_, price)
        )

    open_borrower = borrower.call(market, market_c, "borrow", BORROW_AMOUNT, value=BORROWER_COLLATERAL)
    open_liquidator = liquidator.call(market, market_c, "borrow", BORROW_AMOUNT, value=LIQUIDATOR_COLLATERAL)
    update_nonce = operator.nonce
    corrupted_update = update(2, CORRUPTED_PRICE)
    liquidate_nonce = liquidator.nonce
    liquidate = liquidator.call(market, market_c, "liquidate", borrower.address)
    # How the devnet simulates a node that let the corrupted update through: the admin's override with the
    # same round and price leaves the oracle as an accepted update would. Same senders and nonces as the
    # canonical block, so the follow-up block is valid on both nodes.
    forced = operator.call(oracle, oracle_c, "force_price", 2, CORRUPTED_PRICE, nonce=update_nonce)
    faulty_liquidate = liquidator.call(market, market_c, "liquidate", borrower.address, nonce=liquidate_nonce)
    sound_update = update(3, NEXT_PRICE)
    top_up = borrower.call(market, market_c, "borrow", 0, value=10**18)
    return ScenarioPlan(
        name="oracle",
        title="a corrupted oracle price let through, and a sound position liquidated",
        alloc=_alloc(operator, borrower, liquidator),
        blocks=[
            [deploy_oracle, deploy_token, deploy_market],
            [open_borrower, open_liquidator],
            [corrupted_update, liquidate],
            [sound_update, top_up],
        ],
        faulty_block=3,
        faulty_transactions=[forced, faulty_liquidate],
        accounts={
            "operator": operator.address,
            "oracle_signer": signer.address,
            "oracle": oracle,
            "stablecoin": token,
            "market": market,
            "borrower": borrower.address,
            "liquidator": liquidator.address,
        },
        describe={
            "blocks": "1: deploy the oracle, the stablecoin and the market; 2: the borrower and the liquidator "
            "lock ETH and borrow 8,000 dUSD each; 3: a signed price update to a hundredth, then a liquidation "
            "of the borrower; 4: a sound signed update (+1%) and the borrower's collateral top-up",
            "canonical": "the oracle rejects the signed update to $20/ETH (it moves the price 99%, the bound is "
            "20%): the transaction reverts, the price stays $2,000/ETH and the liquidation reverts because "
            "the position is healthy",
            "faulty": "the proposer's node let the corrupted update through (simulated on the devnet by the "
            "oracle admin's force_price of the same round and price): the price became $20/ETH and the "
            "borrower's sound position was liquidated, 10 ETH for 8,000 dUSD; its block 4 then rejects "
            "the sound update, as a 101x move",
        },
    )


_BUILDERS: dict[str, Callable[[int], ScenarioPlan]] = {"seeding": _seeding, "oracle": _oracle}


def scenario(name: str, l2_chain_id: int = 901) -> ScenarioPlan:
    """The plan of incident ``name`` (one of :data:`SCENARIOS`), signed for chain ``l2_chain_id``."""
    builder = _BUILDERS.get(name)
    if builder is None:
        raise InvalidInputError(f"unknown scenario {name!r}; expected one of {', '.join(SCENARIOS)}", field="scenario")
    return builder(l2_chain_id)

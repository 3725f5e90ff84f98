# pragma version 0.4.3
# pragma evm-version prague
"""
@title Which chains count as devnets
@notice Dev mode (the mock verifier) is allowed only on these chain IDs:
        1337 and 31337 (geth --dev, anvil/hardhat) and 131277322940537
        (eth-tester / py-evm). Mirrored by refute.l1.contracts.DEVNET_CHAIN_IDS.
"""


@internal
@view
def is_devnet() -> bool:
    return chain.id == 1337 or chain.id == 31337 or chain.id == 131277322940537

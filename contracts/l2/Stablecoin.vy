# pragma version 0.4.3
# pragma evm-version prague
"""
@title Devnet stablecoin
@notice A minimal ERC-20-style dollar token for the devnet's L2 apps. One
        contract (the pre-deposit vault or the lending market, fixed at
        deployment) mints and burns it; holders can transfer it. No
        allowances: nothing on the devnet needs them, and every L2 block is
        proven in a zkVM, so each call is kept to a few storage writes.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


name: public(constant(String[16])) = "Devnet Dollar"
symbol: public(constant(String[8])) = "dUSD"
decimals: public(constant(uint8)) = 18

# Storage (slot order is read by tests/devnet/test_apps.py): 0 balanceOf, 1 totalSupply.
balanceOf: public(HashMap[address, uint256])
totalSupply: public(uint256)

#: The only account that may mint and burn (an immutable: no storage read per call).
minter: public(immutable(address))


@deploy
def __init__(_minter: address):
    """
    @param _minter The app contract backing the token. It may not be deployed
           yet: the devnet passes its CREATE address, computed from the
           deployer's next nonce.
    """
    assert _minter != empty(address), "minter is zero"
    minter = _minter


@external
def mint(to: address, amount: uint256):
    """@notice Creates `amount` tokens for `to` (minter only)."""
    assert msg.sender == minter, "only minter"
    self.balanceOf[to] += amount
    self.totalSupply += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)


@external
def burn(owner: address, amount: uint256):
    """@notice Destroys `amount` of `owner`'s tokens (minter only; reverts on a short balance)."""
    assert msg.sender == minter, "only minter"
    self.balanceOf[owner] -= amount
    self.totalSupply -= amount
    log Transfer(sender=owner, receiver=empty(address), value=amount)


@external
def transfer(to: address, amount: uint256) -> bool:
    """@notice Moves `amount` of the caller's tokens to `to`."""
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=msg.sender, receiver=to, value=amount)
    return True

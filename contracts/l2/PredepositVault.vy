# pragma version 0.4.3
# pragma evm-version prague
"""
@title Stablecoin pre-deposit vault
@notice Before a rollup's launch its operator seeds this vault with the
        stablecoin pre-deposit, credited to a beneficiary, then closes
        seeding for good. The seeding amount is a transaction argument, so the
        chain's data (the batch on L1) fixes it: the devnet's "seeding"
        incident is a proposer whose node executed another amount at the
        seeding block, so the state it posted held a pre-deposit the batch
        never carried.
"""

interface Stablecoin:
    def mint(to: address, amount: uint256): nonpayable


event Seeded:
    beneficiary: indexed(address)
    amount: uint256


event SeedingClosed:
    total: uint256


# Storage (slot order is read by tests/devnet/test_apps.py):
# 0 deposits, 1 total, 2 seeding_closed.
deposits: public(HashMap[address, uint256])
total: public(uint256)
seeding_closed: public(bool)

token: public(immutable(Stablecoin))
operator: public(immutable(address))


@deploy
def __init__(_token: Stablecoin, _operator: address):
    token = _token
    operator = _operator


@external
def seed(beneficiary: address, amount: uint256):
    """
    @notice Mints `amount` stablecoins into this vault and credits them to
            `beneficiary` (operator only, while seeding is open).
    """
    assert msg.sender == operator, "only operator"
    assert not self.seeding_closed, "seeding closed"
    assert amount != 0, "zero amount"
    self.deposits[beneficiary] += amount
    self.total += amount
    extcall token.mint(self, amount)
    log Seeded(beneficiary=beneficiary, amount=amount)


@external
def close_seeding():
    """@notice Ends seeding for good: no later `seed` call can change the pre-deposit."""
    assert msg.sender == operator, "only operator"
    self.seeding_closed = True
    log SeedingClosed(total=self.total)

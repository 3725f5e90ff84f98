# pragma version 0.4.3
# pragma evm-version prague
"""
@title ETH-backed stablecoin lending market
@notice Borrowers lock ETH and mint the stablecoin against it, up to
        MAX_LTV_BPS of the collateral's value at the oracle's price. A
        position whose debt exceeds LIQUIDATION_THRESHOLD_BPS of that value
        may be liquidated: the liquidator burns the whole debt and takes the
        whole collateral. The market trusts the oracle's current price, so a
        corrupted price that got through would let a sound position be
        liquidated (the devnet's "oracle" incident).
"""

interface Stablecoin:
    def mint(to: address, amount: uint256): nonpayable
    def burn(owner: address, amount: uint256): nonpayable


interface PriceOracle:
    def price() -> uint256: view


event Borrowed:
    borrower: indexed(address)
    collateral: uint256
    debt: uint256


event Liquidated:
    borrower: indexed(address)
    liquidator: indexed(address)
    collateral: uint256
    debt: uint256


#: Most debt a borrow may leave, in basis points of the collateral's value.
MAX_LTV_BPS: public(constant(uint256)) = 5_000
#: Debt above this share of the collateral's value makes a position liquidatable.
LIQUIDATION_THRESHOLD_BPS: public(constant(uint256)) = 8_000

# Storage (slot order is read by tests/devnet/test_apps.py): 0 collateral (wei), 1 debt.
collateral: public(HashMap[address, uint256])
debt: public(HashMap[address, uint256])

oracle: public(immutable(PriceOracle))
token: public(immutable(Stablecoin))


@deploy
def __init__(_oracle: PriceOracle, _token: Stablecoin):
    oracle = _oracle
    token = _token


@internal
@view
def _value(amount: uint256) -> uint256:
    """The dollar value (18 decimals) of `amount` wei at the oracle's price."""
    return amount * staticcall oracle.price() // 10**18


@external
@payable
def borrow(amount: uint256):
    """
    @notice Adds the attached ETH to the caller's collateral and mints
            `amount` stablecoins to the caller (0 only tops up collateral).
    """
    c: uint256 = self.collateral[msg.sender] + msg.value
    d: uint256 = self.debt[msg.sender] + amount
    assert d * 10_000 <= self._value(c) * MAX_LTV_BPS, "exceeds max loan-to-value"
    self.collateral[msg.sender] = c
    self.debt[msg.sender] = d
    if amount != 0:
        extcall token.mint(msg.sender, amount)
    log Borrowed(borrower=msg.sender, collateral=c, debt=d)


@external
def liquidate(borrower: address):
    """
    @notice Closes an unhealthy position: burns its whole debt from the
            caller's stablecoins and pays the caller its whole collateral.
    """
    d: uint256 = self.debt[borrower]
    c: uint256 = self.collateral[borrower]
    assert d != 0, "no debt"
    assert d * 10_000 > self._value(c) * LIQUIDATION_THRESHOLD_BPS, "position is healthy"
    self.debt[borrower] = 0
    self.collateral[borrower] = 0
    extcall token.burn(msg.sender, d)
    send(msg.sender, c)
    log Liquidated(borrower=borrower, liquidator=msg.sender, collateral=c, debt=d)

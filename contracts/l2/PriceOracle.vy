# pragma version 0.4.3
# pragma evm-version prague
"""
@title Signed, bounded price oracle
@notice Holds one price (dollars per ETH, 18 decimals) for the lending
        market. Anyone may relay an update, but it counts only if the oracle's
        signer signed it (ecrecover) for this oracle, this chain and a round
        newer than the last, and if it moves the price at most MAX_MOVE_BPS
        from the last one: a corrupted feed (say price / 100) is rejected,
        the transaction reverts and the price stays.
"""

event PriceUpdated:
    round: uint256
    price: uint256
    forced: bool


#: Largest accepted move per update, in basis points of the last price (20%).
MAX_MOVE_BPS: public(constant(uint256)) = 2_000

# Storage (slot order is read by tests/devnet/test_apps.py): 0 price, 1 latest_round.
price: public(uint256)
latest_round: public(uint256)

signer: public(immutable(address))
admin: public(immutable(address))


@deploy
def __init__(_signer: address, _admin: address, initial_price: uint256):
    assert _signer != empty(address), "signer is zero"
    assert initial_price != 0, "zero price"
    signer = _signer
    admin = _admin
    self.price = initial_price
    self.latest_round = 1


@view
@external
def message_hash(round: uint256, new_price: uint256) -> bytes32:
    """
    @notice What the signer signs for an update: the EIP-191 personal-message
            hash of keccak256(abi_encode(oracle, chain id, round, price)), so
            a signature is good for one oracle on one chain only.
    """
    return self._message_hash(round, new_price)


@internal
@view
def _message_hash(round: uint256, new_price: uint256) -> bytes32:
    inner: bytes32 = keccak256(abi_encode(self, chain.id, round, new_price))
    return keccak256(concat(b"\x19Ethereum Signed Message:\n32", inner))


@external
def update(round: uint256, new_price: uint256, v: uint8, r: bytes32, s: bytes32):
    """
    @notice Accepts a signed price for `round` if it is within the move bound.
    """
    assert round > self.latest_round, "stale round"
    assert ecrecover(self._message_hash(round, new_price), v, r, s) == signer, "bad signature"
    last: uint256 = self.price
    move: uint256 = new_price - last if new_price > last else last - new_price
    assert move * 10_000 <= last * MAX_MOVE_BPS, "price moved too far"
    self.price = new_price
    self.latest_round = round
    log PriceUpdated(round=round, price=new_price, forced=False)


@external
def force_price(round: uint256, new_price: uint256):
    """
    @notice Emergency override by the oracle admin: sets the price for
            `round` without a signature or the move bound.
    @dev    Canonical devnet blocks never call this. The devnet's "oracle"
            scenario puts it in the faulty proposer node's block, in place of
            the rejected signed update: that is how the devnet simulates a
            node that let the corrupted update through, since it leaves the
            oracle's storage exactly as an accepted `update(round, new_price)`
            would have.
    """
    assert msg.sender == admin, "only admin"
    assert round > self.latest_round, "stale round"
    assert new_price != 0, "zero price"
    self.price = new_price
    self.latest_round = round
    log PriceUpdated(round=round, price=new_price, forced=True)

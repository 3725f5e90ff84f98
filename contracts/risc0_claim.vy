# pragma version 0.4.3
# pragma evm-version prague
"""
@title RISC Zero receipt-claim digests (a stateless module)
@notice ReceiptClaim.ok(image_id, journal_digest).digest(), as risc0-ethereum's
        ReceiptClaimLib computes it: the tagged-struct hash of
        (input = 0, pre = image_id, post = SystemState(0, 0), output) with exit
        code Halted(0), where output = Output(journal_digest, assumptions = 0).
        Shared by the Groth16 and mock verifiers.
"""

# sha256("risc0.ReceiptClaim") and sha256("risc0.Output").
TAG_RECEIPT_CLAIM: constant(bytes32) = 0xcb1fefcd1f2d9a64975cbbbf6e161e2914434b0cbb9960b84df5d717e86b48af
TAG_OUTPUT: constant(bytes32) = 0x77eafeb366a78b47747de0d7bb176284085ff5564887009a5be63da32d3559d4
# SystemState(pc=0, merkle_root=0).digest(): the post state of a halted receipt.
SYSTEM_STATE_ZERO_DIGEST: constant(bytes32) = 0xa3acc27117418996340b84e5a90f3ef4c49d22c79e44aad822ec9c313e1eb8e2


@internal
@pure
def ok_claim_digest(image_id: bytes32, journal_digest: bytes32) -> bytes32:
    # Tagged structs end with their digest count as a little-endian u16; the
    # claim also carries the exit code words (system 0, user 0) as u32 LE.
    output: bytes32 = sha256(concat(TAG_OUTPUT, journal_digest, empty(bytes32), b"\x02\x00"))
    return sha256(
        concat(
            TAG_RECEIPT_CLAIM,
            empty(bytes32),
            image_id,
            SYSTEM_STATE_ZERO_DIGEST,
            output,
            b"\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00",
        )
    )

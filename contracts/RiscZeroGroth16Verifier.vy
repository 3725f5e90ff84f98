# pragma version 0.4.3
# pragma evm-version prague
"""
@title RISC Zero Groth16 receipt verifier (one parameter set)
@notice Decides like risc0-ethereum's RiscZeroGroth16Verifier: the same
        selector derivation, seal layout (selector || abi.encode(a, b, c)),
        public inputs (control root halves, claim digest halves, BN254 control
        ID) and verifying key. Mirrored in Python by
        refute.verifier.groth16.RiscZeroGroth16Verifier.
@dev Reverts carry the error's name as the reason string (see docs/protocol.md,
     "Named errors"): MalformedSeal, SelectorMismatch, InvalidPoint,
     VerificationFailed.
     The public-input terms fixed by the parameter set (IC0 + cr0*IC1 + cr1*IC2
     + id*IC5) are folded into one point at deployment, so a verification
     needs two scalar multiplications instead of five.
"""

import risc0_claim

# BN254 base field modulus q and scalar field order r.
Q: constant(uint256) = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R: constant(uint256) = 21888242871839275222246405745257275088548364400416034343698204186575808495617

# Groth16 verifying key (Groth16Verifier.sol constants; G2 x1/y1 are the
# imaginary parts, EIP-197 order).
ALPHA_X: constant(uint256) = 20491192805390485299153009773594534940189261866228447918068658471970481763042
ALPHA_Y: constant(uint256) = 9383485363053290200918347156157836566562967994039712273449902621266178545958
BETA_X1: constant(uint256) = 4252822878758300859123897981450591353533073413197771768651442665752259397132
BETA_X2: constant(uint256) = 6375614351688725206403948262868962793625744043794305715222011528459656738731
BETA_Y1: constant(uint256) = 21847035105528745403288232691147584728191162732299865338377159692350059136679
BETA_Y2: constant(uint256) = 10505242626370262277552901082094356697409835680220590971873171140371331206856
GAMMA_X1: constant(uint256) = 11559732032986387107991004021392285783925812861821192530917403151452391805634
GAMMA_X2: constant(uint256) = 10857046999023057135944570762232829481370756359578518086990519993285655852781
GAMMA_Y1: constant(uint256) = 4082367875863433681332203403145435568316851327593401208105741076214120093531
GAMMA_Y2: constant(uint256) = 8495653923123431417604973247489272438418190587263600148770280649306958101930
DELTA_X1: constant(uint256) = 1668323501672964604911431804142266013250380587483576094566949227275849579036
DELTA_X2: constant(uint256) = 12043754404802191763554326994664886008979042643626290185762540825416902247219
DELTA_Y1: constant(uint256) = 7710631539206257456743780535472368339139328733484942210876916214502466455394
DELTA_Y2: constant(uint256) = 13740680757317479711909903993315946540841369848973133181051452051592786724563
IC0_X: constant(uint256) = 8446592859352799428420270221449902464741693648963397251242447530457567083492
IC0_Y: constant(uint256) = 1064796367193003797175961162477173481551615790032213185848276823815288302804
IC1_X: constant(uint256) = 3179835575189816632597428042194253779818690147323192973511715175294048485951
IC1_Y: constant(uint256) = 20895841676865356752879376687052266198216014795822152491318012491767775979074
IC2_X: constant(uint256) = 5332723250224941161709478398807683311971555792614491788690328996478511465287
IC2_Y: constant(uint256) = 21199491073419440416471372042641226693637837098357067793586556692319371762571
IC3_X: constant(uint256) = 12457994489566736295787256452575216703923664299075106359829199968023158780583
IC3_Y: constant(uint256) = 19706766271952591897761291684837117091856807401404423804318744964752784280790
IC4_X: constant(uint256) = 19617808913178163826953378459323299110911217259216006187355745713323154132237
IC4_Y: constant(uint256) = 21663537384585072695701846972542344484111393047775983928357046779215877070466
IC5_X: constant(uint256) = 6834578911681792552110317589222010969491336870276623105249474534788043166867
IC5_Y: constant(uint256) = 15060583660288623605191393599883223885678013570733629274538391874953353488393

# sha256 of the risc0 tagged-struct tags used below.
TAG_PARAMETERS: constant(bytes32) = 0x60b97a2bdc471360c901f58eb3f22679fc24bd6bf6367e14a8a34744f29516aa
TAG_VK: constant(bytes32) = 0xfa77044bc9f1aec494a3f424cb9104c24149acf58ca6b219b44bd6b1056f9d4c
TAG_VK_IC: constant(bytes32) = 0xf776d186bf72b819a595ab1833062ab4bb3592160c10857ebeca9691ce729f22

# Byte-swap masks and the low 128 bits, for splitDigest.
MASK_8: constant(uint256) = 450552876409790643671482431940419874915447411150352389258589821042463539455  # 0x00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF00FF
MASK_16: constant(uint256) = 1766820105243087041267848467410591083712559083657179364930612997358944255  # 0x0000FFFF0000FFFF0000FFFF0000FFFF0000FFFF0000FFFF0000FFFF0000FFFF
MASK_32: constant(uint256) = 26959946660873538060741835960174461801791452538186943042387869433855  # 0x00000000FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF
MASK_64: constant(uint256) = 6277101735386680763495507056286727952657427581105975853055  # 0x0000000000000000FFFFFFFFFFFFFFFF0000000000000000FFFFFFFFFFFFFFFF
LOW_128: constant(uint256) = 2**128 - 1

SEAL_BYTES: constant(uint256) = 260
MAX_SEAL_BYTES: constant(uint256) = 4096

SELECTOR: public(immutable(bytes4))
CONTROL_ROOT: public(immutable(bytes32))
BN254_CONTROL_ID: public(immutable(bytes32))
# IC0 + cr0*IC1 + cr1*IC2 + bn254_control_id*IC5, fixed at deployment.
FIXED_X: immutable(uint256)
FIXED_Y: immutable(uint256)


@internal
@pure
def _g1_digest(x: uint256, y: uint256) -> bytes32:
    return sha256(concat(convert(x, bytes32), convert(y, bytes32)))


@internal
@pure
def _g2_digest(x1: uint256, x2: uint256, y1: uint256, y2: uint256) -> bytes32:
    return sha256(concat(convert(x1, bytes32), convert(x2, bytes32), convert(y1, bytes32), convert(y2, bytes32)))


@internal
@pure
def _ic_cons(head: bytes32, tail: bytes32) -> bytes32:
    # tagged_list cons cell: sha256(tag || head || tail || u16le(2))
    return sha256(concat(TAG_VK_IC, head, tail, b"\x02\x00"))


@internal
@pure
def _verifying_key_digest() -> bytes32:
    """risc0_groth16::VerifyingKey::digest over the constants above."""
    ic: bytes32 = empty(bytes32)
    ic = self._ic_cons(self._g1_digest(IC5_X, IC5_Y), ic)
    ic = self._ic_cons(self._g1_digest(IC4_X, IC4_Y), ic)
    ic = self._ic_cons(self._g1_digest(IC3_X, IC3_Y), ic)
    ic = self._ic_cons(self._g1_digest(IC2_X, IC2_Y), ic)
    ic = self._ic_cons(self._g1_digest(IC1_X, IC1_Y), ic)
    ic = self._ic_cons(self._g1_digest(IC0_X, IC0_Y), ic)
    return sha256(
        concat(
            TAG_VK,
            self._g1_digest(ALPHA_X, ALPHA_Y),
            self._g2_digest(BETA_X1, BETA_X2, BETA_Y1, BETA_Y2),
            self._g2_digest(GAMMA_X1, GAMMA_X2, GAMMA_Y1, GAMMA_Y2),
            self._g2_digest(DELTA_X1, DELTA_X2, DELTA_Y1, DELTA_Y2),
            ic,
            b"\x05\x00",
        )
    )


@internal
@pure
def _reverse_bytes(v: uint256) -> uint256:
    """Byte-order reversal of a 256-bit word, in five mask-and-shift rounds."""
    r: uint256 = v
    r = ((r >> 8) & MASK_8) | (
        (r & MASK_8) << 8
    )
    r = ((r >> 16) & MASK_16) | (
        (r & MASK_16) << 16
    )
    r = ((r >> 32) & MASK_32) | (
        (r & MASK_32) << 32
    )
    r = ((r >> 64) & MASK_64) | (
        (r & MASK_64) << 64
    )
    return (r >> 128) | (r << 128)


@deploy
def __init__(control_root: bytes32, bn254_control_id: bytes32):
    # A BN254 control ID >= r could never be a canonical public input.
    assert convert(bn254_control_id, uint256) < R, "PublicInputOutOfRange"
    CONTROL_ROOT = control_root
    BN254_CONTROL_ID = bn254_control_id
    # Groth16ReceiptVerifierParameters digest; the struct holds the control ID in
    # risc0 (little-endian) byte order, the reverse of the Solidity constant.
    params: bytes32 = sha256(
        concat(
            TAG_PARAMETERS,
            control_root,
            convert(self._reverse_bytes(convert(bn254_control_id, uint256)), bytes32),
            self._verifying_key_digest(),
            b"\x03\x00",
        )
    )
    SELECTOR = convert(slice(params, 0, 4), bytes4)
    # splitDigest(control_root): the digest read little-endian, low and high 128 bits.
    rev: uint256 = self._reverse_bytes(convert(control_root, uint256))
    acc: uint256[2] = [IC0_X, IC0_Y]
    acc = ecadd(acc, ecmul([IC1_X, IC1_Y], rev & LOW_128))
    acc = ecadd(acc, ecmul([IC2_X, IC2_Y], rev >> 128))
    acc = ecadd(acc, ecmul([IC5_X, IC5_Y], convert(bn254_control_id, uint256)))
    FIXED_X = acc[0]
    FIXED_Y = acc[1]


@internal
@pure
def _check_g1(x: uint256, y: uint256):
    """A proof point in G1: not infinity, on y^2 = x^3 + 3 (coordinates already < q)."""
    assert x != 0 or y != 0, "InvalidPoint"
    assert uint256_mulmod(y, y, Q) == uint256_addmod(uint256_mulmod(uint256_mulmod(x, x, Q), x, Q), 3, Q), "InvalidPoint"


@internal
@view
def _verify_integrity(seal: Bytes[MAX_SEAL_BYTES], claim_digest: bytes32):
    assert len(seal) >= 4, "MalformedSeal"
    assert convert(slice(seal, 0, 4), bytes4) == SELECTOR, "SelectorMismatch"
    assert len(seal) == SEAL_BYTES, "MalformedSeal"

    # abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c) after the selector.
    w: uint256[8] = empty(uint256[8])
    for i: uint256 in range(8):
        w[i] = extract32(seal, 4 + 32 * i, output_type=uint256)
        assert w[i] < Q, "InvalidPoint"
    self._check_g1(w[0], w[1])
    assert w[2] != 0 or w[3] != 0 or w[4] != 0 or w[5] != 0, "InvalidPoint"
    self._check_g1(w[6], w[7])

    # Claim digest halves are < 2^128 < r: always canonical public inputs.
    rev: uint256 = self._reverse_bytes(convert(claim_digest, uint256))
    vk_x: uint256[2] = ecadd([FIXED_X, FIXED_Y], ecmul([IC3_X, IC3_Y], rev & LOW_128))
    vk_x = ecadd(vk_x, ecmul([IC4_X, IC4_Y], rev >> 128))

    neg_a_y: uint256 = 0
    if w[1] != 0:
        neg_a_y = Q - w[1]
    # e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1
    payload: Bytes[768] = concat(
        convert(w[0], bytes32), convert(neg_a_y, bytes32),
        convert(w[2], bytes32), convert(w[3], bytes32), convert(w[4], bytes32), convert(w[5], bytes32),
        convert(ALPHA_X, bytes32), convert(ALPHA_Y, bytes32),
        convert(BETA_X1, bytes32), convert(BETA_X2, bytes32), convert(BETA_Y1, bytes32), convert(BETA_Y2, bytes32),
        convert(vk_x[0], bytes32), convert(vk_x[1], bytes32),
        convert(GAMMA_X1, bytes32), convert(GAMMA_X2, bytes32), convert(GAMMA_Y1, bytes32), convert(GAMMA_Y2, bytes32),
        convert(w[6], bytes32), convert(w[7], bytes32),
        convert(DELTA_X1, bytes32), convert(DELTA_X2, bytes32), convert(DELTA_Y1, bytes32), convert(DELTA_Y2, bytes32),
    )
    ok: bool = False
    out: Bytes[32] = b""
    ok, out = raw_call(
        0x0000000000000000000000000000000000000008, payload, max_outsize=32, is_static_call=True, revert_on_failure=False
    )
    # G1 points were checked above and the key is fixed, so a failing pairing
    # call means B is off the twist or outside the order-r subgroup.
    assert ok and len(out) == 32, "InvalidPoint"
    assert extract32(out, 0, output_type=uint256) == 1, "VerificationFailed"


@external
@view
def verify(seal: Bytes[MAX_SEAL_BYTES], image_id: bytes32, journal_digest: bytes32):
    """IRiscZeroVerifier.verify: returns iff the seal proves ReceiptClaim.ok(image_id, journal_digest)."""
    self._verify_integrity(seal, risc0_claim.ok_claim_digest(image_id, journal_digest))


@external
@view
def verify_integrity(seal: Bytes[MAX_SEAL_BYTES], claim_digest: bytes32):
    """The seal against an arbitrary claim digest."""
    self._verify_integrity(seal, claim_digest)


@external
@pure
def claim_digest(image_id: bytes32, journal_digest: bytes32) -> bytes32:
    """ReceiptClaim.ok(image_id, journal_digest).digest(), for tests and tools."""
    return risc0_claim.ok_claim_digest(image_id, journal_digest)

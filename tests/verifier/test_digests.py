"""Receipt-claim digests: known values, an independent Solidity-style formula, encodings."""

from __future__ import annotations

import hashlib

import pytest
from receipt_cases import each_receipt

from refute.verifier import (
    SYSTEM_STATE_ZERO_DIGEST,
    Assumption,
    Assumptions,
    ExitCode,
    MalformedInputError,
    Output,
    Pruned,
    ReceiptClaim,
    SystemState,
    tagged_list,
    tagged_struct,
)
from refute.verifier.digests import ZERO_DIGEST, tagged_list_cons


def H(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# Independent transcription of ReceiptClaimLib.ok(...).digest() / OutputLib.digest() from
# IRiscZeroVerifier.sol (abi.encodePacked of big-endian uintN values).
def solidity_ok_digest(image_id: bytes, journal_digest: bytes) -> bytes:
    output = H(H(b"risc0.Output") + journal_digest + bytes(32) + (2 << 8).to_bytes(2, "big"))
    system_state_zero = bytes.fromhex("a3acc27117418996340b84e5a90f3ef4c49d22c79e44aad822ec9c313e1eb8e2")
    return H(
        H(b"risc0.ReceiptClaim")
        + bytes(32)  # input
        + image_id  # preStateDigest
        + system_state_zero  # postStateDigest
        + output
        + (0 << 24).to_bytes(4, "big")  # exitCode.system (Halted)
        + (0 << 24).to_bytes(4, "big")  # exitCode.user
        + (4 << 8).to_bytes(2, "big")  # down.length
    )


def test_system_state_zero_digest_matches_solidity_constant():
    assert SYSTEM_STATE_ZERO_DIGEST.hex() == "a3acc27117418996340b84e5a90f3ef4c49d22c79e44aad822ec9c313e1eb8e2"
    assert SystemState(0, bytes(32)).digest() == SYSTEM_STATE_ZERO_DIGEST


def test_tagged_struct_layout():
    a, b = H(b"a"), H(b"b")
    expected = H(H(b"tag") + a + b + (7).to_bytes(4, "little") + (0xDEADBEEF).to_bytes(4, "little") + b"\x02\x00")
    assert tagged_struct("tag", [a, b], [7, 0xDEADBEEF]) == expected


def test_tagged_list_cons_property():
    # risc0_binfmt doc test: tagged_list([a, b, c]) == cons(a, tagged_list([b, c]))
    a, b, c = H(b"a"), H(b"b"), H(b"c")
    assert tagged_list("tag", [a, b, c]) == tagged_list_cons("tag", a, tagged_list("tag", [b, c]))
    assert tagged_list("tag", []) == ZERO_DIGEST
    assert tagged_list("tag", [a]) == tagged_struct("tag", [a, ZERO_DIGEST])


@pytest.mark.parametrize("bad", [[b"\x00" * 31], [b"\x00" * 33], ["00" * 32]])
def test_tagged_struct_rejects_non_digests(bad):
    with pytest.raises(MalformedInputError):
        tagged_struct("tag", bad)


@pytest.mark.parametrize("word", [-1, 1 << 32, True, 1.0])
def test_tagged_struct_rejects_non_u32(word):
    with pytest.raises(MalformedInputError):
        tagged_struct("tag", [], [word])


@pytest.mark.conformance
@pytest.mark.parametrize("r", each_receipt())
def test_ok_digest_matches_solidity_formula_for_conformance_receipt(r):
    jd = H(r.journal)
    got = ReceiptClaim.ok(r.image_id, r.journal).digest()
    assert got == solidity_ok_digest(r.image_id, jd), r.name
    # journal value and pruned journal digest give the same claim
    assert ReceiptClaim.ok(r.image_id, Pruned(jd)).digest() == got


def test_ok_digest_various_inputs():
    for image_id, journal in [(bytes(32), b""), (bytes(range(32)), b"\x00" * 1000), (b"\xff" * 32, b"refute")]:
        assert ReceiptClaim.ok(image_id, journal).digest() == solidity_ok_digest(image_id, H(journal))


def test_ok_claim_structure():
    c = ReceiptClaim.ok(bytes(range(32)), b"journal")
    assert c.pre == Pruned(bytes(range(32)))
    assert c.post == SystemState(0, bytes(32))
    assert c.exit_code.is_ok() and c.exit_code.kind == "Halted"
    assert c.input is None
    assert isinstance(c.output, Output)
    assert c.output.journal == b"journal"
    assert c.output.journal_digest == H(b"journal")
    assert c.output.assumptions == Pruned(bytes(32))


def test_paused_differs_from_ok():
    ok = ReceiptClaim.ok(bytes(32), b"j")
    paused = ReceiptClaim.paused(bytes(32), b"j")
    assert paused.exit_code == ExitCode.paused(0)
    assert ok.digest() != paused.digest()


def test_output_and_assumptions_digests():
    a1 = Assumption(claim=H(b"c1"), control_root=H(b"root"))
    a2 = Assumption(claim=H(b"c2"), control_root=bytes(32))
    assert a1.digest() == H(H(b"risc0.Assumption") + H(b"c1") + H(b"root") + b"\x02\x00")
    lst = Assumptions((a1, Pruned(a2.digest())))
    assert lst.digest() == tagged_list("risc0.Assumptions", [a1.digest(), a2.digest()])
    assert Assumptions().digest() == ZERO_DIGEST
    out = Output(journal=b"xyz", assumptions=lst)
    assert out.digest() == H(H(b"risc0.Output") + H(b"xyz") + lst.digest() + b"\x02\x00")
    # an Output with the empty assumptions list == the ok() output (pruned zero digest)
    assert Output(b"xyz", Assumptions()).digest() == Output(b"xyz", Pruned(bytes(32))).digest()


def test_none_output_and_input_digest_to_zero():
    c = ReceiptClaim(pre=Pruned(H(b"p")), post=Pruned(H(b"q")), exit_code=ExitCode.system_split())
    expected = H(
        H(b"risc0.ReceiptClaim")
        + bytes(32)
        + H(b"p")
        + H(b"q")
        + bytes(32)
        + (2).to_bytes(4, "little")
        + (0).to_bytes(4, "little")
        + b"\x04\x00"
    )
    assert c.digest() == expected


def test_exit_codes():
    assert (ExitCode.halted(3).system, ExitCode.halted(3).user) == (0, 3)
    assert (ExitCode.paused(1).system, ExitCode.paused(1).user) == (1, 1)
    assert (ExitCode.system_split().system, ExitCode.system_split().user) == (2, 0)
    assert (ExitCode.session_limit().system, ExitCode.session_limit().user) == (2, 2)
    assert ExitCode.session_limit().kind == "SessionLimit"
    for bad in [(3, 0), (2, 1), (-1, 0), (0, 1 << 32), (0, None)]:
        with pytest.raises(MalformedInputError):
            ExitCode(*bad)


def test_struct_encode_decode_exact():
    claim = ReceiptClaim(
        pre=SystemState(0x1234, H(b"pre")),
        post=SystemState(0xFFFFFFFF, H(b"post")),
        exit_code=ExitCode.halted(255),
        input=Pruned(H(b"in")),
        output=Output(b"journal", Assumptions((Assumption(H(b"a"), H(b"r")),))),
    )
    enc = claim.encode()
    assert len(enc) == 32 + 4 * 32 + 8 + 2
    assert H(enc) == claim.digest()
    dec = ReceiptClaim.decode(enc)
    assert dec.encode() == enc and dec.digest() == claim.digest()
    assert dec.pre == Pruned(claim.pre.digest()) and dec.exit_code == ExitCode.halted(255)
    for struct in (claim.pre, claim.output, claim.output.assumptions.items[0]):
        e = struct.encode()
        assert H(e) == struct.digest()
        assert type(struct).decode(e).encode() == e
    assert SystemState.decode(claim.pre.encode()) == claim.pre


def test_decode_rejects_bad_preimages():
    enc = ReceiptClaim.ok(bytes(32), b"").encode()
    with pytest.raises(MalformedInputError, match="bytes"):
        ReceiptClaim.decode(enc[:-1])
    with pytest.raises(MalformedInputError, match="sha256"):
        ReceiptClaim.decode(b"\x00" + enc[1:])
    with pytest.raises(MalformedInputError, match="field count"):
        ReceiptClaim.decode(enc[:-2] + b"\x05\x00")
    with pytest.raises(MalformedInputError, match="system exit code"):
        ReceiptClaim.decode(enc[:-10] + (7).to_bytes(4, "little") + enc[-6:])
    with pytest.raises(MalformedInputError):
        ReceiptClaim.decode("not bytes")
    with pytest.raises(MalformedInputError):
        Output.decode(SystemState(0, bytes(32)).encode())


def test_sha_halfs_word_layout():
    # write_sha_halfs: each little-endian u32 word of the digest as (low 16 bits, high 16 bits)
    st = SystemState(0x04030201, bytes(range(32)))
    words = st.to_words()
    assert words[:4] == [1, 2, 3, 4]
    assert words[4:8] == [0x0100, 0x0302, 0x0504, 0x0706]
    assert len(words) == 20
    assert SystemState.from_words(words) == st


def test_receipt_claim_words_roundtrip_and_strictness():
    claim = ReceiptClaim(
        pre=SystemState(8, H(b"pre")),
        post=SystemState(0, H(b"post")),
        exit_code=ExitCode.paused(7),
        input=None,
        output=Output(b"j"),
    )
    words = claim.to_words()
    assert len(words) == 74
    dec = ReceiptClaim.from_words(words)
    assert dec.to_words() == words
    assert dec.digest() == claim.digest()
    assert dec.pre == claim.pre and dec.post == claim.post and dec.exit_code == claim.exit_code

    with pytest.raises(MalformedInputError, match="pruned"):
        ReceiptClaim.ok(bytes(32), b"").to_words()
    with pytest.raises(MalformedInputError, match="expected 74 words"):
        ReceiptClaim.from_words(words[:-1])
    bad = list(words)
    bad[0] = 0x10000  # half-word out of range
    with pytest.raises(MalformedInputError, match="out of range"):
        ReceiptClaim.from_words(bad)
    bad = list(words)
    bad[16] = 0x100  # pc byte out of range (Rust would silently truncate)
    with pytest.raises(MalformedInputError, match="pc byte"):
        ReceiptClaim.from_words(bad)
    bad = list(words)
    bad[56] = 3  # system exit code
    with pytest.raises(MalformedInputError, match="exit code"):
        ReceiptClaim.from_words(bad)
    with pytest.raises(MalformedInputError):
        ReceiptClaim.from_words(b"\x00" * 74)


def test_constructor_type_errors_are_malformed_input():
    with pytest.raises(MalformedInputError):
        ReceiptClaim.ok("00" * 32, b"")
    with pytest.raises(MalformedInputError):
        ReceiptClaim.ok(bytes(31), b"")
    with pytest.raises(MalformedInputError):
        ReceiptClaim.ok(bytes(32), "journal")
    with pytest.raises(MalformedInputError):
        ReceiptClaim(pre=bytes(32), post=Pruned(bytes(32)), exit_code=ExitCode.halted())
    with pytest.raises(MalformedInputError):
        Pruned(b"short")
    with pytest.raises(MalformedInputError):
        SystemState(-1, bytes(32))

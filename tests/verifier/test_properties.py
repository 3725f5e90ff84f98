"""Property tests: arbitrary input never crashes (only VerificationError); encodings round-trip."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from refute import verifier
from refute.verifier import (
    ExitCode,
    InvalidPointError,
    MalformedInputError,
    Output,
    ProofRejectedError,
    Pruned,
    ReceiptClaim,
    SystemState,
    VerificationError,
    bn254,
    parse_hex,
    parse_hex_or_file,
    tagged_list,
    verify_artifact,
    verify_seal,
)
from refute.verifier.digests import tagged_list_cons

FAST = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

SELECTORS = [ps.selector for ps in verifier.PARAMETER_SETS] + [verifier.MOCK_SELECTOR]
#: selectors the default router routes to a Groth16 verifier (not removed, not e-stopped)
ROUTED_SELECTORS = [
    s for s in verifier.default_router().groth16_verifiers if s not in verifier.DEFAULT_DEPLOYMENT.stopped
]
#: v1.1.0's selector, removed (tombstoned) on RISC Zero's mainnet router and by default here
REMOVED_SELECTOR = bytes.fromhex("50bd1769")
digests = st.binary(min_size=32, max_size=32)
u32 = st.integers(0, 2**32 - 1)


def rejected(seal, image_id, journal_digest, allow_dev=False) -> VerificationError:
    try:
        verify_seal(seal, image_id, journal_digest, allow_dev=allow_dev)
    except VerificationError as e:
        assert str(e)
        return e
    raise AssertionError("random input was accepted")


@FAST
@given(st.binary(max_size=300), st.binary(max_size=40), st.binary(max_size=40), st.booleans())
def test_random_bytes_only_raise_verification_errors(seal, image_id, journal_digest, allow_dev):
    rejected(seal, image_id, journal_digest, allow_dev)


@FAST
@given(st.sampled_from(SELECTORS), st.binary(min_size=0, max_size=300), digests, digests, st.booleans())
def test_known_selector_random_body(selector, body, image_id, journal_digest, allow_dev):
    rejected(selector + body, image_id, journal_digest, allow_dev)


@FAST
@given(
    st.sampled_from(ROUTED_SELECTORS),
    st.lists(st.integers(0, 2**256 - 1), min_size=8, max_size=8),
    digests,
    digests,
)
def test_known_selector_random_words(selector, words, image_id, journal_digest):
    seal = selector + b"".join(w.to_bytes(32, "big") for w in words)
    err = rejected(seal, image_id, journal_digest)
    assert isinstance(err, InvalidPointError)  # random words are never all valid points


@SLOW
@given(
    st.sampled_from(ROUTED_SELECTORS),
    st.integers(1, bn254.R - 1),
    st.integers(1, bn254.R - 1),
    st.integers(1, bn254.R - 1),
    digests,
    digests,
)
def test_valid_random_points_reach_the_pairing_and_fail(selector, ka, kb, kc, image_id, journal_digest):
    from refute.verifier.groth16 import Proof

    g2 = verifier.VERIFYING_KEY.gamma  # the G2 generator
    proof = Proof(bn254.g1_mul(bn254.G1_GENERATOR, ka), bn254.g2_mul(g2, kb), bn254.g1_mul(bn254.G1_GENERATOR, kc))
    err = rejected(selector + proof.to_bytes(), image_id, journal_digest)
    assert isinstance(err, ProofRejectedError)


def test_routed_selectors_are_the_default_deployment_without_removed_ones():
    assert ROUTED_SELECTORS and set(ROUTED_SELECTORS) <= {ps.selector for ps in verifier.PARAMETER_SETS}
    assert REMOVED_SELECTOR in verifier.DEFAULT_DEPLOYMENT.removed
    assert REMOVED_SELECTOR not in ROUTED_SELECTORS
    assert verifier.MOCK_SELECTOR not in ROUTED_SELECTORS


@SLOW
@given(
    st.lists(st.integers(0, 2**256 - 1), min_size=8, max_size=8),
    digests,
    digests,
    st.booleans(),
)
def test_removed_selector_is_rejected_as_removed(words, image_id, journal_digest, allow_dev):
    """A removed (tombstoned) selector never reaches a verifier, whatever the seal body."""
    seal = REMOVED_SELECTOR + b"".join(w.to_bytes(32, "big") for w in words)
    err = rejected(seal, image_id, journal_digest, allow_dev)
    assert isinstance(err, verifier.SelectorRemovedError)


def test_removed_selector_with_valid_points_is_rejected_as_removed():
    from refute.verifier.groth16 import Proof

    proof = Proof(bn254.G1_GENERATOR, verifier.VERIFYING_KEY.gamma, bn254.G1_GENERATOR)
    with pytest.raises(verifier.SelectorRemovedError, match="removed"):
        verify_seal(REMOVED_SELECTOR + proof.to_bytes(), bytes(32), bytes(32))


@FAST
@given(st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3), st.floats()))
def test_non_bytes_inputs(value):
    for args in ((value, bytes(32), bytes(32)), (bytes(260), value, bytes(32)), (bytes(260), bytes(32), value)):
        with pytest.raises(MalformedInputError):
            verify_seal(*args)


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["seal", "image_id", "journal", "receipt_kind", "dev_mode", "claim_digest", "x"]),
        st.one_of(
            st.text(max_size=80),
            st.booleans(),
            st.none(),
            st.integers(),
            st.binary(max_size=4).map(lambda b: "0x" + b.hex()),
        ),
    ),
    st.booleans(),
)
def test_random_artifacts(art, allow_dev):
    try:
        verify_artifact(art, allow_dev=allow_dev)
    except VerificationError:
        return
    raise AssertionError("random artifact accepted")


@FAST
@given(st.text(max_size=40))
def test_parse_hex_random_text(text):
    try:
        b = parse_hex(text)
    except MalformedInputError:
        return
    assert b.hex() == text.strip().removeprefix("0x").removeprefix("0X").lower()


@FAST
@given(st.binary(max_size=64), st.sampled_from(["", "0x", "0X"]), st.booleans())
def test_parse_hex_roundtrip(data, prefix, upper):
    h = data.hex().upper() if upper else data.hex()
    assert parse_hex(prefix + h) == data
    assert parse_hex_or_file(prefix + h) == data


@FAST
@given(u32, digests)
def test_system_state_roundtrips(pc, root):
    s = SystemState(pc, root)
    assert SystemState.decode(s.encode()) == s
    assert SystemState.from_words(s.to_words()) == s
    assert verifier.sha256(s.encode()) == s.digest()


exit_codes = st.one_of(
    st.builds(ExitCode.halted, u32),
    st.builds(ExitCode.paused, u32),
    st.just(ExitCode.system_split()),
    st.just(ExitCode.session_limit()),
)
states = st.one_of(st.builds(SystemState, u32, digests), st.builds(Pruned, digests))
outputs = st.one_of(st.none(), st.builds(Pruned, digests), st.builds(Output, st.binary(max_size=64)))


@FAST
@given(states, states, exit_codes, st.one_of(st.none(), st.builds(Pruned, digests)), outputs)
def test_receipt_claim_roundtrips(pre, post, exit_code, inp, out):
    c = ReceiptClaim(pre=pre, post=post, exit_code=exit_code, input=inp, output=out)
    enc = c.encode()
    assert verifier.sha256(enc) == c.digest()
    d = ReceiptClaim.decode(enc)
    assert d.encode() == enc and d.digest() == c.digest() and d.exit_code == exit_code
    if isinstance(pre, SystemState) and isinstance(post, SystemState):
        words = c.to_words()
        w = ReceiptClaim.from_words(words)
        assert w.to_words() == words and w.digest() == c.digest()


@FAST
@given(st.binary(max_size=200))
def test_decode_random_bytes(data):
    for cls in (ReceiptClaim, SystemState, Output, verifier.Assumption):
        try:
            x = cls.decode(data)
        except MalformedInputError:
            continue
        assert x.encode() == data


@FAST
@given(st.lists(st.integers(0, 2**32 - 1), min_size=74, max_size=74))
def test_from_words_random(words):
    try:
        c = ReceiptClaim.from_words(words)
    except MalformedInputError:
        return
    assert c.to_words() == words


@FAST
@given(st.lists(digests, max_size=6))
def test_tagged_list_cons(items):
    d = tagged_list("t", items)
    if items:
        assert d == tagged_list_cons("t", items[0], tagged_list("t", items[1:]))
    else:
        assert d == bytes(32)

"""Every named revert in contracts/*.vy has exactly one mirror exception class, and back."""

from __future__ import annotations

import re

from refute.l1.compiler import CONTRACTS_DIR
from refute.verifier.errors import VerificationError
from refute.verifier.game_errors import REVERT_ERRORS, GameRuleError, revert_name

REASON = re.compile(r'(?:assert\b[^\n]*,|raise)\s*"([A-Za-z0-9_]+)"')


def contract_reasons() -> set[str]:
    out: set[str] = set()
    for path in CONTRACTS_DIR.glob("*.vy"):
        out |= set(REASON.findall(path.read_text()))
    return out


def test_every_contract_reason_is_mapped_and_every_mapping_is_used():
    reasons = contract_reasons()
    assert "AgreedRootMismatch" in reasons and "VerificationFailed" in reasons  # the pattern finds them
    assert reasons <= set(REVERT_ERRORS)
    # MalformedCalldata is the empty revert of the ABI decoder: it has no reason string.
    assert set(REVERT_ERRORS) - reasons == {"MalformedCalldata"}


def test_names_and_classes_round_trip():
    for name, cls in REVERT_ERRORS.items():
        assert issubclass(cls, VerificationError)
        assert revert_name(cls("x")) == name
    assert len(set(REVERT_ERRORS.values())) == len(REVERT_ERRORS)


def test_game_rule_codes_are_snake_case_names():
    for cls in GameRuleError.__subclasses__():
        assert cls.code == re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", cls.revert).lower()
        assert cls.code.replace("_", "").isalnum()

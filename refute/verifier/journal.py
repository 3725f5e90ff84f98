"""The fault-proof program's journal (version 1, 189 bytes), as ``docs/protocol.md`` fixes it.

Why here: the L1 dispute contract reads these bytes, and this package is its
pure-Python mirror, so the watcher decodes a journal exactly as the contract
will. The layout is packed and big-endian with fixed offsets; decoding is
strict (exact length, known version) because a journal has one encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .encoding import as_bytes, as_digest
from .errors import MalformedInputError

FAULT_JOURNAL_VERSION = 1

#: (name, offset, size) of every field, in order; the table in docs/protocol.md.
FAULT_JOURNAL_LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("version", 0, 1),
    ("payout_recipient", 1, 20),
    ("l1_head", 21, 32),
    ("agreed_output_root", 53, 32),
    ("computed_output_root", 85, 32),
    ("l2_block_number", 117, 8),
    ("rollup_config_hash", 125, 32),
    ("blob_binding", 157, 32),
)
FAULT_JOURNAL_LENGTH = FAULT_JOURNAL_LAYOUT[-1][1] + FAULT_JOURNAL_LAYOUT[-1][2]

_U64_MAX = 2**64 - 1


@dataclass(frozen=True)
class FaultJournal:
    """What one fault proof states: from ``agreed_output_root`` and L1 up to
    ``l1_head``, block ``l2_block_number`` has ``computed_output_root``."""

    payout_recipient: bytes
    l1_head: bytes
    agreed_output_root: bytes
    computed_output_root: bytes
    l2_block_number: int
    rollup_config_hash: bytes
    blob_binding: bytes

    def __post_init__(self) -> None:
        recipient = as_bytes(self.payout_recipient, "payout_recipient")
        if len(recipient) != 20:
            raise MalformedInputError(f"payout_recipient: expected 20 bytes, got {len(recipient)}")
        for name in ("l1_head", "agreed_output_root", "computed_output_root", "rollup_config_hash", "blob_binding"):
            as_digest(getattr(self, name), name)
        number = self.l2_block_number
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= _U64_MAX:
            raise MalformedInputError(f"l2_block_number: expected a uint64, got {number!r}")

    def encode(self) -> bytes:
        """The journal bytes the guest commits (the seal proves their SHA-256)."""
        return b"".join(
            (
                bytes([FAULT_JOURNAL_VERSION]),
                bytes(self.payout_recipient),
                bytes(self.l1_head),
                bytes(self.agreed_output_root),
                bytes(self.computed_output_root),
                self.l2_block_number.to_bytes(8, "big"),
                bytes(self.rollup_config_hash),
                bytes(self.blob_binding),
            )
        )

    @classmethod
    def decode(cls, data: object) -> FaultJournal:
        """Parses journal bytes; anything but exactly 189 bytes of version 1 is malformed."""
        raw = as_bytes(data, "journal")
        if len(raw) != FAULT_JOURNAL_LENGTH:
            raise MalformedInputError(f"journal: expected {FAULT_JOURNAL_LENGTH} bytes, got {len(raw)}")
        fields = {name: raw[offset : offset + size] for name, offset, size in FAULT_JOURNAL_LAYOUT}
        version = fields.pop("version")[0]
        if version != FAULT_JOURNAL_VERSION:
            raise MalformedInputError(f"journal: version {version}, expected {FAULT_JOURNAL_VERSION}")
        number = int.from_bytes(fields.pop("l2_block_number"), "big")
        return cls(l2_block_number=number, **fields)

    def shows_fault(self, claimed_output_root: bytes) -> bool:
        """Whether the journal refutes a proposal claiming ``claimed_output_root`` (dispute rule 5)."""
        return as_digest(claimed_output_root, "claimed_output_root") != self.computed_output_root

    def to_json(self) -> dict[str, Any]:
        """Decoded fields as 0x-hex (the block number as an integer), for artifacts and ``--json``."""
        out: dict[str, Any] = {"version": FAULT_JOURNAL_VERSION}
        for name, _, _ in FAULT_JOURNAL_LAYOUT[1:]:
            value = getattr(self, name)
            out[name] = value if isinstance(value, int) else "0x" + bytes(value).hex()
        return out

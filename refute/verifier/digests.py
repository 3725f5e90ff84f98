"""RISC Zero receipt-claim digests (tagged-struct SHA-256), byte-exact.

Mirrors ``risc0_binfmt::tagged_struct`` / ``tagged_list`` and the ``Digestible``
impls of ``risc0_zkvm`` (``ReceiptClaim``, ``SystemState``, ``Output``,
``Assumption``, ``Assumptions``), which are also what ``ReceiptClaimLib`` /
``OutputLib`` compute in ``IRiscZeroVerifier.sol``::

    tagged_struct(tag, down, data) =
        sha256( sha256(tag) || down[0] || ... || down[n-1]
                || u32_le(data[0]) || ... || u16_le(len(down)) )

Every struct has two byte-exact encodings:

* ``encode()`` / ``decode()``: the tagged-struct preimage, so that
  ``x.digest() == sha256(x.encode())``.  ``decode`` returns the struct with its
  sub-structs *pruned* (only their digests are in the preimage), and
  ``encode(decode(b)) == b`` for every accepted ``b``.
* ``ReceiptClaim.to_words()`` / ``from_words()`` and ``SystemState`` likewise:
  the ``u32`` word layout the zkVM circuit uses (``ReceiptClaim::encode`` /
  ``decode`` in risc0-zkvm), checked strictly (no silent truncation).

A field that Rust types as ``MaybePruned<T>`` takes either the value or a
:class:`Pruned` digest; ``Option<T>`` fields additionally take ``None`` (whose
digest is 32 zero bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from .encoding import as_bytes, as_digest
from .errors import MalformedInputError

__all__ = [
    "SYSTEM_STATE_ZERO_DIGEST",
    "ZERO_DIGEST",
    "Assumption",
    "Assumptions",
    "ExitCode",
    "Output",
    "Pruned",
    "ReceiptClaim",
    "SystemState",
    "digest_of",
    "sha256",
    "tag_digest",
    "tagged_list",
    "tagged_list_cons",
    "tagged_struct",
]

ZERO_DIGEST = bytes(32)
_U32 = 1 << 32


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def tag_digest(tag: str) -> bytes:
    return sha256(tag.encode("utf-8"))


def _struct_preimage(tag: str, down: Sequence[bytes], data: Sequence[int] = ()) -> bytes:
    if len(down) >= 1 << 16:
        raise MalformedInputError(f"{tag}: more than 65535 fields")
    parts = [tag_digest(tag)]
    for i, d in enumerate(down):
        parts.append(as_digest(d, f"{tag}: down[{i}]"))
    for i, w in enumerate(data):
        if not isinstance(w, int) or isinstance(w, bool) or not 0 <= w < _U32:
            raise MalformedInputError(f"{tag}: data[{i}] is not a u32: {w!r}")
        parts.append(w.to_bytes(4, "little"))
    parts.append(len(down).to_bytes(2, "little"))
    return b"".join(parts)


def tagged_struct(tag: str, down: Sequence[bytes], data: Sequence[int] = ()) -> bytes:
    """``risc0_binfmt::tagged_struct``: digest of a struct of digests and u32 words."""
    return sha256(_struct_preimage(tag, down, data))


def tagged_list_cons(tag: str, head: bytes, tail: bytes) -> bytes:
    """Digest of the list ``head :: tail`` given the digest of ``tail``."""
    return tagged_struct(tag, [head, tail])


def tagged_list(tag: str, items: Iterable[bytes]) -> bytes:
    """``risc0_binfmt::tagged_list``: right fold of ``tagged_list_cons`` from the zero digest."""
    acc = ZERO_DIGEST
    for item in reversed(list(items)):
        acc = tagged_list_cons(tag, item, acc)
    return acc


def _parse_preimage(tag: str, data: object, n_down: int, n_data: int) -> tuple[list, list]:
    """Inverse of :func:`_struct_preimage` for a struct with a fixed shape."""
    b = as_bytes(data, tag)
    want = 32 + 32 * n_down + 4 * n_data + 2
    if len(b) != want:
        raise MalformedInputError(f"{tag}: encoding must be {want} bytes, got {len(b)}")
    if b[:32] != tag_digest(tag):
        raise MalformedInputError(f"{tag}: encoding does not start with sha256({tag!r})")
    off = 32
    down = []
    for _ in range(n_down):
        down.append(b[off : off + 32])
        off += 32
    words = []
    for _ in range(n_data):
        words.append(int.from_bytes(b[off : off + 4], "little"))
        off += 4
    count = int.from_bytes(b[off : off + 2], "little")
    if count != n_down:
        raise MalformedInputError(f"{tag}: encoded field count is {count}, expected {n_down}")
    return down, words


@dataclass(frozen=True)
class Pruned:
    """A pruned ``MaybePruned<T>`` field: only the 32-byte digest of the value is known."""

    digest: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", as_digest(self.digest, "pruned digest"))

    def __repr__(self) -> str:
        return f"Pruned(0x{self.digest.hex()})"


def digest_of(value: object) -> bytes:
    """Digest of a (possibly pruned, possibly ``None``) field."""
    if value is None:
        return ZERO_DIGEST
    if isinstance(value, Pruned):
        return value.digest
    digest = getattr(value, "digest", None)
    if callable(digest):
        return digest()
    raise MalformedInputError(f"cannot take the digest of {type(value).__name__}")


def _check_u32(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < _U32:
        raise MalformedInputError(f"{what}: expected a u32, got {value!r}")
    return value


def _sha_halfs(d: bytes) -> list:
    out = []
    for i in range(0, 32, 4):
        w = int.from_bytes(d[i : i + 4], "little")
        out.append(w & 0xFFFF)
        out.append(w >> 16)
    return out


def _read_sha_halfs(words: Sequence[int], off: int, what: str) -> bytes:
    out = bytearray()
    for k in range(16):
        h = words[off + k]
        if not 0 <= h <= 0xFFFF:
            raise MalformedInputError(f"{what}: half-word {k} is out of range: {h:#x}")
        out += h.to_bytes(2, "little")
    return bytes(out)


def _check_words(words: object, n: int, what: str) -> list:
    if isinstance(words, (bytes, bytearray, memoryview, str)):
        raise MalformedInputError(f"{what}: expected a sequence of u32 words")
    try:
        ws = list(cast(Iterable[object], words))
    except TypeError:
        raise MalformedInputError(f"{what}: expected a sequence of u32 words") from None
    if len(ws) != n:
        raise MalformedInputError(f"{what}: expected {n} words, got {len(ws)}")
    for i, w in enumerate(ws):
        _check_u32(w, f"{what}: word {i}")
    return ws


@dataclass(frozen=True)
class SystemState:
    """``risc0_binfmt::SystemState``: program counter and memory Merkle root."""

    pc: int
    merkle_root: bytes

    TAG = "risc0.SystemState"
    N_WORDS = 20

    def __post_init__(self) -> None:
        _check_u32(self.pc, "SystemState.pc")
        object.__setattr__(self, "merkle_root", as_digest(self.merkle_root, "SystemState.merkle_root"))

    def encode(self) -> bytes:
        return _struct_preimage(self.TAG, [self.merkle_root], [self.pc])

    @classmethod
    def decode(cls, data: bytes) -> SystemState:
        down, words = _parse_preimage(cls.TAG, data, 1, 1)
        return cls(pc=words[0], merkle_root=down[0])

    def digest(self) -> bytes:
        return sha256(self.encode())

    def to_words(self) -> list:
        return list(self.pc.to_bytes(4, "little")) + _sha_halfs(self.merkle_root)

    @classmethod
    def from_words(cls, words: Sequence[int]) -> SystemState:
        ws = _check_words(words, cls.N_WORDS, "SystemState words")
        for k in range(4):
            if ws[k] > 0xFF:
                raise MalformedInputError(f"SystemState words: pc byte {k} is out of range: {ws[k]:#x}")
        pc = int.from_bytes(bytes(ws[:4]), "little")
        return cls(pc=pc, merkle_root=_read_sha_halfs(ws, 4, "SystemState words"))


#: ``SystemState { pc: 0, merkle_root: 0 }.digest()`` -- the post state of ``ReceiptClaim.ok``
#: (``ReceiptClaimLib.SYSTEM_STATE_ZERO_DIGEST`` in Solidity).
SYSTEM_STATE_ZERO_DIGEST = SystemState(0, ZERO_DIGEST).digest()


@dataclass(frozen=True)
class ExitCode:
    """``risc0_binfmt::ExitCode`` as its ``(system, user)`` pair.

    system 0 = Halted(user), 1 = Paused(user), 2 = SystemSplit (user 0) or
    SessionLimit (user 2, as ``ExitCode::into_pair`` encodes it).
    """

    system: int
    user: int

    HALTED = 0
    PAUSED = 1
    SYSTEM_SPLIT = 2

    def __post_init__(self) -> None:
        _check_u32(self.system, "ExitCode.system")
        _check_u32(self.user, "ExitCode.user")
        if self.system not in (0, 1, 2):
            raise MalformedInputError(f"ExitCode: invalid system exit code {self.system}")
        if self.system == 2 and self.user not in (0, 2):
            raise MalformedInputError(
                f"ExitCode: system code 2 takes user code 0 (SystemSplit) or 2 (SessionLimit), got {self.user}"
            )

    @classmethod
    def halted(cls, user: int = 0) -> ExitCode:
        return cls(0, user)

    @classmethod
    def paused(cls, user: int = 0) -> ExitCode:
        return cls(1, user)

    @classmethod
    def system_split(cls) -> ExitCode:
        return cls(2, 0)

    @classmethod
    def session_limit(cls) -> ExitCode:
        return cls(2, 2)

    @property
    def kind(self) -> str:
        if self.system == 0:
            return "Halted"
        if self.system == 1:
            return "Paused"
        return "SystemSplit" if self.user == 0 else "SessionLimit"

    def is_ok(self) -> bool:
        return self.system == 0 and self.user == 0

    def __repr__(self) -> str:
        if self.system == 2:
            return f"ExitCode.{'system_split' if self.user == 0 else 'session_limit'}()"
        return f"ExitCode.{self.kind.lower()}({self.user})"


@dataclass(frozen=True)
class Assumption:
    """``risc0_zkvm::Assumption``: a claim digest and the control root to resolve it with."""

    claim: bytes
    control_root: bytes

    TAG = "risc0.Assumption"

    def __post_init__(self) -> None:
        object.__setattr__(self, "claim", as_digest(self.claim, "Assumption.claim"))
        object.__setattr__(self, "control_root", as_digest(self.control_root, "Assumption.control_root"))

    def encode(self) -> bytes:
        return _struct_preimage(self.TAG, [self.claim, self.control_root])

    @classmethod
    def decode(cls, data: bytes) -> Assumption:
        down, _ = _parse_preimage(cls.TAG, data, 2, 0)
        return cls(claim=down[0], control_root=down[1])

    def digest(self) -> bytes:
        return sha256(self.encode())


@dataclass(frozen=True)
class Assumptions:
    """``risc0_zkvm::Assumptions``: an ordered list of (possibly pruned) assumptions.

    Its digest is ``tagged_list("risc0.Assumptions", ...)``; the empty list has
    the zero digest.  ``encode()`` is the preimage of the head cons cell
    (head digest, tail digest); the empty list has no preimage.
    """

    items: tuple[Assumption | Pruned, ...] = ()

    TAG = "risc0.Assumptions"

    def __post_init__(self) -> None:
        items = tuple(self.items)
        for i, a in enumerate(items):
            if not isinstance(a, (Assumption, Pruned)):
                raise MalformedInputError(f"Assumptions[{i}]: expected Assumption or Pruned, got {type(a).__name__}")
        object.__setattr__(self, "items", items)

    def digest(self) -> bytes:
        return tagged_list(self.TAG, [digest_of(a) for a in self.items])

    def encode(self) -> bytes:
        if not self.items:
            raise MalformedInputError("Assumptions: the empty list has no tagged-struct encoding (digest is zero)")
        tail = tagged_list(self.TAG, [digest_of(a) for a in self.items[1:]])
        return _struct_preimage(self.TAG, [digest_of(self.items[0]), tail])

    def __len__(self) -> int:
        return len(self.items)


def _journal_digest(journal: object) -> bytes:
    if isinstance(journal, Pruned):
        return journal.digest
    return sha256(as_bytes(journal, "Output.journal"))


@dataclass(frozen=True)
class Output:
    """``risc0_zkvm::Output``: the journal (bytes, or Pruned(sha256(journal))) and the
    assumptions (``Assumptions`` or Pruned digest)."""

    journal: bytes | Pruned
    assumptions: Assumptions | Pruned = Pruned(ZERO_DIGEST)

    TAG = "risc0.Output"

    def __post_init__(self) -> None:
        if not isinstance(self.journal, Pruned):
            object.__setattr__(self, "journal", as_bytes(self.journal, "Output.journal"))
        if not isinstance(self.assumptions, (Assumptions, Pruned)):
            raise MalformedInputError(
                f"Output.assumptions: expected Assumptions or Pruned, got {type(self.assumptions).__name__}"
            )

    @property
    def journal_digest(self) -> bytes:
        return _journal_digest(self.journal)

    def encode(self) -> bytes:
        return _struct_preimage(self.TAG, [self.journal_digest, digest_of(self.assumptions)])

    @classmethod
    def decode(cls, data: bytes) -> Output:
        down, _ = _parse_preimage(cls.TAG, data, 2, 0)
        return cls(journal=Pruned(down[0]), assumptions=Pruned(down[1]))

    def digest(self) -> bytes:
        return sha256(self.encode())


_StateField = SystemState | Pruned


@dataclass(frozen=True)
class ReceiptClaim:
    """``risc0_zkvm::ReceiptClaim``: the public claim a receipt proves.

    ``pre``/``post``: SystemState or Pruned digest (for ``ok`` the pre state is
    the image ID, pruned); ``input``: None or Pruned; ``output``: Output, None
    or Pruned.
    """

    pre: _StateField
    post: _StateField
    exit_code: ExitCode
    input: Pruned | None = None
    output: Output | Pruned | None = None

    TAG = "risc0.ReceiptClaim"
    N_WORDS = 16 + SystemState.N_WORDS * 2 + 2 + 16

    def __post_init__(self) -> None:
        for name in ("pre", "post"):
            v = getattr(self, name)
            if not isinstance(v, (SystemState, Pruned)):
                raise MalformedInputError(
                    f"ReceiptClaim.{name}: expected SystemState or Pruned, got {type(v).__name__}"
                )
        if not isinstance(self.exit_code, ExitCode):
            raise MalformedInputError(f"ReceiptClaim.exit_code: expected ExitCode, got {type(self.exit_code).__name__}")
        if self.input is not None and not isinstance(self.input, Pruned):
            raise MalformedInputError(f"ReceiptClaim.input: expected None or Pruned, got {type(self.input).__name__}")
        if self.output is not None and not isinstance(self.output, (Output, Pruned)):
            raise MalformedInputError(
                f"ReceiptClaim.output: expected Output, Pruned or None, got {type(self.output).__name__}"
            )

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def ok(cls, image_id: bytes, journal: bytes | Pruned) -> ReceiptClaim:
        """``ReceiptClaim::ok``: Halted(0), no input, no assumptions, post state zero.

        ``journal`` is the journal bytes, or ``Pruned(journal_digest)``.
        """
        return cls._halt_or_pause(image_id, journal, ExitCode.halted(0))

    @classmethod
    def paused(cls, image_id: bytes, journal: bytes | Pruned) -> ReceiptClaim:
        """``ReceiptClaim::paused``: like :meth:`ok` but Paused(0)."""
        return cls._halt_or_pause(image_id, journal, ExitCode.paused(0))

    @classmethod
    def _halt_or_pause(cls, image_id: bytes, journal: bytes | Pruned, exit_code: ExitCode) -> ReceiptClaim:
        return cls(
            pre=Pruned(as_digest(image_id, "image_id")),
            post=SystemState(0, ZERO_DIGEST),
            exit_code=exit_code,
            input=None,
            output=Output(journal=journal, assumptions=Pruned(ZERO_DIGEST)),
        )

    # -- digest / tagged-struct encoding ------------------------------------------------------
    def _down(self) -> list:
        return [digest_of(self.input), digest_of(self.pre), digest_of(self.post), digest_of(self.output)]

    def encode(self) -> bytes:
        return _struct_preimage(self.TAG, self._down(), [self.exit_code.system, self.exit_code.user])

    @classmethod
    def decode(cls, data: bytes) -> ReceiptClaim:
        down, words = _parse_preimage(cls.TAG, data, 4, 2)
        return cls(
            input=Pruned(down[0]),
            pre=Pruned(down[1]),
            post=Pruned(down[2]),
            output=Pruned(down[3]),
            exit_code=ExitCode(words[0], words[1]),
        )

    def digest(self) -> bytes:
        return sha256(self.encode())

    # -- zkVM circuit word encoding -----------------------------------------------------------
    def to_words(self) -> list:
        """``ReceiptClaim::encode``: 74 u32 words; pre and post must not be pruned."""
        for name in ("pre", "post"):
            if isinstance(getattr(self, name), Pruned):
                raise MalformedInputError(f"ReceiptClaim.to_words: {name} is pruned")
        assert isinstance(self.pre, SystemState) and isinstance(self.post, SystemState)
        return (
            _sha_halfs(digest_of(self.input))
            + self.pre.to_words()
            + self.post.to_words()
            + [self.exit_code.system, self.exit_code.user]
            + _sha_halfs(digest_of(self.output))
        )

    @classmethod
    def from_words(cls, words: Sequence[int]) -> ReceiptClaim:
        """``ReceiptClaim::decode`` (strict: exact length, every half-word/byte in range)."""
        ws = _check_words(words, cls.N_WORDS, "ReceiptClaim words")
        n = SystemState.N_WORDS
        input_d = _read_sha_halfs(ws, 0, "ReceiptClaim words: input")
        pre = SystemState.from_words(ws[16 : 16 + n])
        post = SystemState.from_words(ws[16 + n : 16 + 2 * n])
        sys_exit, user_exit = ws[16 + 2 * n], ws[17 + 2 * n]
        output_d = _read_sha_halfs(ws, 18 + 2 * n, "ReceiptClaim words: output")
        return cls(
            input=Pruned(input_d),
            pre=pre,
            post=post,
            exit_code=ExitCode(sys_exit, user_exit),
            output=Pruned(output_d),
        )

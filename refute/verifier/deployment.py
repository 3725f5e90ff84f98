"""A verifier router's state as data: which selectors route, which are gone, what is stopped.

A seal is only as good as the router it is sent to: the same Groth16 proof is
accepted by one ``RiscZeroVerifierRouter`` and rejected by another that removed
or e-stopped its verifier.  :class:`Deployment` records that state so the
pure-Python router decides like a given on-chain deployment:

* ``registered``: parameter sets the router routes to, keyed by their derived selector;
* ``removed``: tombstoned selectors (``removeVerifier``): rejected with
  :class:`SelectorRemovedError`, and never registrable again;
* ``stopped``: registered selectors whose ``RiscZeroVerifierEmergencyStop`` is engaged;
* ``estop``: the whole deployment is stopped (every seal is rejected).

Files use the JSON layout of :func:`deployment_from_json` (documented in
``docs/verifier.md``); :func:`load_deployment` reads one.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .encoding import to_hex
from .errors import DeploymentError, EmergencyStopError, SelectorInUseError, SelectorRemovedError, UnknownSelectorError
from .params import PARAMETER_SETS, ParameterSet, parameter_set_by_selector

__all__ = [
    "DEPLOYMENT_FIELDS",
    "Deployment",
    "deployment_from_json",
    "load_deployment",
]

#: every field a deployment file may have; anything else is rejected (typos must not pass silently)
DEPLOYMENT_FIELDS = ("name", "source", "notes", "estop", "registered", "stopped", "removed")
_SELECTOR_RE = re.compile(r"0x[0-9a-fA-F]{8}")


@dataclass(frozen=True)
class Deployment:
    """One router's state.  Invariants (checked on construction): registered selectors
    are unique, no removed selector is registered, every stopped selector is registered."""

    name: str
    registered: tuple[ParameterSet, ...]
    removed: frozenset[bytes] = frozenset()
    stopped: frozenset[bytes] = frozenset()
    estop: bool = False
    source: str = ""
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "registered", tuple(self.registered))
        object.__setattr__(self, "removed", frozenset(bytes(s) for s in self.removed))
        object.__setattr__(self, "stopped", frozenset(bytes(s) for s in self.stopped))
        where = f"deployment {self.name!r}"
        if not isinstance(self.estop, bool):
            raise DeploymentError(where, "estop", f"expected true or false, got {self.estop!r}")
        for what, sels in (("removed", self.removed), ("stopped", self.stopped)):
            for s in sels:
                if len(s) != 4:
                    raise DeploymentError(where, what, f"selector {s.hex()!r} is not 4 bytes")
        seen: dict[bytes, str] = {}
        for i, ps in enumerate(self.registered):
            sel = ps.selector
            if sel in seen:
                raise DeploymentError(
                    where, f"registered[{i}]", f"selector {to_hex(sel)} ({ps.name}) is already registered ({seen[sel]})"
                )
            if sel in self.removed:
                raise DeploymentError(
                    where,
                    f"registered[{i}]",
                    f"selector {to_hex(sel)} ({ps.name}) is removed (tombstoned) and can never be registered again",
                )
            seen[sel] = ps.name
        orphans = sorted(self.stopped - seen.keys())
        if orphans:
            raise DeploymentError(
                where, "stopped", f"selector {to_hex(orphans[0])} is not registered, so it cannot be e-stopped"
            )

    # -- queries -------------------------------------------------------------------

    @property
    def selectors(self) -> tuple[bytes, ...]:
        """Registered selectors, in registration order."""
        return tuple(ps.selector for ps in self.registered)

    def describe(self) -> str:
        """Registered (and e-stopped) and removed selectors with their parameter set names,
        for error messages that tell the user what would have been accepted."""
        parts = []
        for ps in self.registered:
            stopped = ", e-stopped" if ps.selector in self.stopped else ""
            parts.append(f"{to_hex(ps.selector)} ({ps.name}{stopped})")
        text = "registered: " + (", ".join(parts) or "none")
        if self.removed:
            text += "; removed: " + ", ".join(_named(s) for s in sorted(self.removed))
        return text

    def route(self, selector: bytes) -> ParameterSet:
        """The parameter set ``selector`` routes to, with the router's rejections in its
        order (``getVerifier``, then the verifier's e-stop): a deployment-wide e-stop,
        a removed selector, an unknown one, an e-stopped verifier."""
        selector = bytes(selector)
        if self.estop:
            raise EmergencyStopError(f"deployment {self.name!r}: the emergency stop is engaged; no seal is accepted")
        if selector in self.removed:
            raise SelectorRemovedError(
                f"seal: selector {_named(selector)} was removed from deployment {self.name!r} "
                f"and is never routed again; {self.describe()}"
            )
        for ps in self.registered:
            if ps.selector == selector:
                if selector in self.stopped:
                    raise EmergencyStopError(
                        f"seal: selector {to_hex(selector)} ({ps.name}): the verifier's emergency stop "
                        f"is engaged in deployment {self.name!r}"
                    )
                return ps
        raise UnknownSelectorError(
            f"seal: selector {to_hex(selector)} unknown to deployment {self.name!r}; {self.describe()}"
        )

    # -- state changes (RiscZeroVerifierRouter / RiscZeroVerifierEmergencyStop) -----

    def add_verifier(self, ps: ParameterSet) -> Deployment:
        """``addVerifier``: reverts ``SelectorRemoved`` on a tombstone and
        ``SelectorInUse`` on a registered selector."""
        if ps.selector in self.removed:
            raise SelectorRemovedError(
                f"deployment {self.name!r}: selector {to_hex(ps.selector)} ({ps.name}) was removed "
                "and can never be added again"
            )
        if ps.selector in self.selectors:
            raise SelectorInUseError(f"deployment {self.name!r}: selector {to_hex(ps.selector)} is already registered")
        return replace(self, registered=(*self.registered, ps))

    def remove_verifier(self, selector: bytes) -> Deployment:
        """``removeVerifier``: tombstones a registered (or already removed) selector;
        reverts ``SelectorUnknown`` on one that was never registered."""
        selector = bytes(selector)
        if selector not in self.removed and selector not in self.selectors:
            raise UnknownSelectorError(f"deployment {self.name!r}: selector {to_hex(selector)} is not registered")
        return replace(
            self,
            registered=tuple(ps for ps in self.registered if ps.selector != selector),
            removed=self.removed | {selector},
            stopped=self.stopped - {selector},
        )

    def engage_estop(self, selector: bytes | None = None) -> Deployment:
        """Engages the emergency stop of one registered verifier, or of the whole
        deployment (``selector=None``).  There is no release: RISC Zero's stop is final."""
        if selector is None:
            return replace(self, estop=True)
        selector = bytes(selector)
        if selector not in self.selectors:
            raise UnknownSelectorError(f"deployment {self.name!r}: selector {to_hex(selector)} is not registered")
        return replace(self, stopped=self.stopped | {selector})

    # -- serialisation ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The file layout :func:`deployment_from_json` reads (round-trips)."""
        out: dict[str, Any] = {"name": self.name, "source": self.source}
        if self.notes:
            out["notes"] = list(self.notes)
        out["estop"] = self.estop
        out["registered"] = [to_hex(s) for s in self.selectors]
        out["stopped"] = [to_hex(s) for s in self.selectors if s in self.stopped]
        out["removed"] = [to_hex(s) for s in sorted(self.removed)]
        return out

    @classmethod
    def of(cls, parameter_sets: Iterable[ParameterSet] = PARAMETER_SETS, *, name: str = "custom") -> Deployment:
        """Every given parameter set registered, nothing removed or stopped."""
        return cls(name=name, registered=tuple(parameter_sets))

    @classmethod
    def every_release(cls) -> Deployment:
        """``"all-releases"``: every embedded parameter set (``PARAMETER_SETS``) registered,
        nothing removed or stopped.  Not any chain's router: the state of the local-chain
        router ``refute l1 deploy`` builds, and the one to check conformance receipts of
        every release (mainnet e-stopped or removed some of them)."""
        return replace(
            cls.of(PARAMETER_SETS, name="all-releases"),
            source="every parameter set embedded in refute/verifier/params.py (PARAMETER_SETS); not a chain's router",
        )


def _named(selector: bytes) -> str:
    ps = parameter_set_by_selector(selector)
    return f"{to_hex(selector)} ({ps.name})" if ps is not None else to_hex(selector)


def _selectors(data: Mapping[str, Any], key: str, where: str) -> list[bytes]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise DeploymentError(where, key, f"expected a list of selectors, got {type(value).__name__}")
    out: list[bytes] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not _SELECTOR_RE.fullmatch(item):
            raise DeploymentError(where, f"{key}[{i}]", f'expected a 4-byte selector like "0x0a1b2c3d", got {item!r}')
        sel = bytes.fromhex(item[2:])
        if sel in out:
            raise DeploymentError(where, f"{key}[{i}]", f"selector {item} is listed twice")
        out.append(sel)
    return out


def deployment_from_json(data: object, where: str = "deployment") -> Deployment:
    """Parse a deployment object::

        {"name": "...", "source": "...", "notes": ["..."], "estop": false,
         "registered": ["0x…", ...], "stopped": ["0x…", ...], "removed": ["0x…", ...]}

    ``name`` and ``registered`` are required.  Each registered selector must be the
    derived selector of an embedded parameter set; ``removed`` may hold any selector.
    Every problem raises :class:`DeploymentError` naming ``where`` and the field.
    """
    if not isinstance(data, Mapping):
        raise DeploymentError(where, "(top level)", f"expected a JSON object, got {type(data).__name__}")
    for key in data:
        if key not in DEPLOYMENT_FIELDS:
            raise DeploymentError(where, str(key), f"unknown field; allowed: {', '.join(DEPLOYMENT_FIELDS)}")
    for key in ("name", "registered"):
        if key not in data:
            raise DeploymentError(where, key, "required field is missing")
    name = data["name"]
    if not isinstance(name, str) or not name:
        raise DeploymentError(where, "name", "expected a non-empty string")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise DeploymentError(where, "source", "expected a string")
    notes = data.get("notes", [])
    if isinstance(notes, str):
        notes = [notes]
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise DeploymentError(where, "notes", "expected a string or a list of strings")
    estop = data.get("estop", False)
    if not isinstance(estop, bool):
        raise DeploymentError(where, "estop", f"expected true or false, got {estop!r}")
    registered: list[ParameterSet] = []
    for i, sel in enumerate(_selectors(data, "registered", where)):
        ps = parameter_set_by_selector(sel)
        if ps is None:
            raise DeploymentError(
                where, f"registered[{i}]", f"selector {to_hex(sel)} is not the selector of any embedded parameter set"
            )
        registered.append(ps)
    removed = _selectors(data, "removed", where)
    stopped = _selectors(data, "stopped", where)
    try:
        return Deployment(
            name=name,
            registered=tuple(registered),
            removed=frozenset(removed),
            stopped=frozenset(stopped),
            estop=estop,
            source=source,
            notes=tuple(notes),
        )
    except DeploymentError as exc:
        # the invariant checks name the deployment; a file's reader wants the file
        raise DeploymentError(where, exc.field, exc.problem) from None


def load_deployment(path: str | os.PathLike[str]) -> Deployment:
    """Read a deployment JSON file; every problem raises :class:`DeploymentError` naming the file."""
    where = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise DeploymentError(where, "(file)", f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeploymentError(where, "(file)", f"not valid JSON: {exc}") from None
    return deployment_from_json(data, where)

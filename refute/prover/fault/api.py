"""The fault program's operations: example, check, prove.

Each is a thin layer over the native core: the dry run and the zkVM guest run
the same Rust function (``refute_fault::run``), so what ``check`` says is what
a proof would state. Python adds what needs no consensus code: the bundle
files, the payout recipient, the KZG opening proofs for the contract call
(``ckzg``), and the artifact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp

from refute.hexutil import parse_hex, to_hex
from refute.prover import native, zkvm
from refute.prover.artifacts import ProofArtifact
from refute.prover.errors import InvalidInputError
from refute.prover.fault.bundle import Bundle, load_bundle, write_bundle
from refute.prover.fault.errors import NoFault
from refute.prover.guests_registry import load_guest
from refute.verifier.journal import FaultJournal

GUEST = "fault"
#: What the generator's batched transactions can do (``Workload`` in ``refute-fault``'s generate.rs).
WORKLOADS = ("eth_transfer", "erc20_transfer", "deployment", "storage_heavy", "precompile_heavy")
#: Position of fields in the RLP ``FaultInput`` list (``native/crates/refute-fault/src/input.rs``).
_PAYOUT_ITEM = 1
L2_ANCESTORS_ITEM = 6
_BLOBS_ITEM = 11


@dataclass(frozen=True)
class FaultCheck:
    """The native dry run of the fault program against a claimed root."""

    claimed_output_root: bytes
    journal: FaultJournal
    journal_bytes: bytes
    derivation: dict[str, Any]
    execution: dict[str, Any]
    openings: list[dict[str, str]]
    cycles: dict[str, Any] | None = field(default=None)

    @property
    def fault(self) -> bool:
        return self.journal.shows_fault(self.claimed_output_root)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fault": self.fault,
            "l2_block_number": self.journal.l2_block_number,
            "computed_output_root": to_hex(self.journal.computed_output_root),
            "claimed_output_root": to_hex(self.claimed_output_root),
            "journal": to_hex(self.journal_bytes),
            "fields": self.journal.to_json(),
            "derivation": self.derivation,
            "execution": self.execution,
            "openings": self.openings,
        }
        if self.cycles is not None:
            out["cycles"] = self.cycles
        return out


def _root(text: str, what: str) -> bytes:
    value = parse_hex(text, what)
    if len(value) != 32:
        raise InvalidInputError(f"{what}: expected 32 bytes, got {len(value)}")
    return value


def example(out: Path, *, fault: bool = True, transactions: int = 10, workload: str = "eth_transfer") -> dict[str, Any]:
    """Writes a bundle from the chain-fixture generator; returns the claimed root and what it commits to.

    ``workload`` is what the batched transactions do, one of :data:`WORKLOADS` (see ``refute.bench.workloads``).
    """
    if workload not in WORKLOADS:
        raise InvalidInputError(f"workload {workload!r} unknown; expected one of {', '.join(WORKLOADS)}")
    generated = native.call_json("fault_example", json.dumps({"transactions": transactions, "workload": workload}))
    claimed = generated["claimed_output_root"] if fault else generated["true_output_root"]
    description = {
        "source": "refute chain-fixture generator (devnet, chain 901 on L1 900)",
        "l2_block_number": generated["l2_block_number"],
        "l1_head": generated["l1_head"],
        "agreed_output_root": generated["agreed_output_root"],
        "rollup_config_hash": generated["rollup_config_hash"],
        "claimed_output_root": claimed,
        "fault": fault,
    }
    write_bundle(out, parse_hex(generated["input"], "input"), description)
    return {"bundle": str(out), **description}


def with_payout(input_bytes: bytes, payout: bytes) -> bytes:
    """The same input naming ``payout`` as the journal's payout recipient."""
    if len(payout) != 20:
        raise InvalidInputError(f"payout: expected a 20-byte address, got {len(payout)} bytes")
    try:
        items = rlp.decode(input_bytes)
    except rlp.exceptions.DecodingError as exc:
        raise InvalidInputError(f"fault input RLP: {exc}") from None
    items[_PAYOUT_ITEM] = payout
    return bytes(rlp.encode(items))


def input_blobs(input_bytes: bytes) -> list[bytes]:
    """The blobs an input carries, in the order the program opens them."""
    items = rlp.decode(input_bytes)
    return [bytes(b) for b in items[_BLOBS_ITEM]]


PHASE_PREFIX = "refute-phase "


def phase_cycles(guest_stderr: str) -> dict[str, int]:
    """The guest's ``refute-phase NAME CYCLES`` lines: cycles spent per phase, in order."""
    phases: dict[str, int] = {}
    for line in guest_stderr.splitlines():
        if line.startswith(PHASE_PREFIX):
            name, _, count = line[len(PHASE_PREFIX) :].partition(" ")
            if count.isdigit():
                phases[name] = int(count)
    return phases


def check(bundle: Bundle, claimed_output_root: str, *, cycles: bool = True) -> FaultCheck:
    """Runs the program natively; with ``cycles`` also in the zkVM executor (no proof) for its cost."""
    claimed = _root(claimed_output_root, "claimed output root")
    report = native.call_json("fault_check", bundle.input)
    journal_bytes = parse_hex(report["journal"], "journal")
    measured = None
    if cycles:
        execution = zkvm.execute(load_guest(GUEST).program, bundle.input)
        if execution.journal != journal_bytes:
            raise InvalidInputError(
                "the fault guest's journal differs from the native dry run's (a bug; please report): "
                f"{to_hex(execution.journal)} vs {to_hex(journal_bytes)}"
            )
        measured = {
            "total_cycles": execution.total_cycles,
            "user_cycles": execution.user_cycles,
            "segments": len(execution.segments),
            "phases": phase_cycles(execution.guest_stderr),
        }
    return FaultCheck(
        claimed_output_root=claimed,
        journal=FaultJournal.decode(journal_bytes),
        journal_bytes=journal_bytes,
        derivation=report["derivation"],
        execution=report["execution"],
        openings=report["openings"],
        cycles=measured,
    )


def _openings_for_contract(input_bytes: bytes, openings: list[dict[str, str]]) -> list[dict[str, str]]:
    """Adds each blob's KZG commitment and opening proof at ``z`` (what precompile 0x0a checks)."""
    from refute.prover.da import kzg

    blobs = input_blobs(input_bytes)
    if len(blobs) != len(openings):
        raise InvalidInputError(f"{len(blobs)} blobs in the input but {len(openings)} openings")
    out = []
    for blob, opening in zip(blobs, openings, strict=True):
        commitment = kzg.commitment(blob)
        proof, y = kzg.compute_kzg_proof(blob, parse_hex(opening["z"], "z"))
        if y != parse_hex(opening["y"], "y"):
            raise InvalidInputError(f"the program's y for blob {opening['versioned_hash']} differs from c-kzg's")
        if kzg.versioned_hash(commitment) != parse_hex(opening["versioned_hash"], "versioned_hash"):
            raise InvalidInputError(f"blob {opening['versioned_hash']}: its commitment has another versioned hash")
        out.append({**opening, "commitment": to_hex(commitment), "kzg_proof": to_hex(proof)})
    return out


def pack_openings(openings: list[dict[str, str]]) -> bytes:
    """The openings as the dispute game reads them: 192-byte point-evaluation inputs, in order."""
    return b"".join(
        parse_hex(o[k], k) for o in openings for k in ("versioned_hash", "z", "y", "commitment", "kzg_proof")
    )


def dispute_arguments(journal: FaultJournal, openings: list[dict[str, str]], seal: bytes) -> dict[str, Any]:
    """The arguments of the dispute game's ``prove_fault`` (all but the proposal id)."""
    packed = pack_openings(openings)
    return {
        "function": "prove_fault(uint256,bytes,address,bytes32,bytes32,bytes32,uint64,bytes32,bytes32,bytes)",
        "seal": to_hex(seal) if seal else None,
        "payout_recipient": to_hex(journal.payout_recipient),
        "l1_head": to_hex(journal.l1_head),
        "agreed_output_root": to_hex(journal.agreed_output_root),
        "computed_output_root": to_hex(journal.computed_output_root),
        "l2_block_number": journal.l2_block_number,
        "rollup_config_hash": to_hex(journal.rollup_config_hash),
        "blob_binding": to_hex(journal.blob_binding),
        "openings": to_hex(packed),
    }


def prove(
    bundle_dir: Path,
    claimed_output_root: str,
    payout: str,
    out: Path,
    *,
    receipt_kind: str = "succinct",
    dev_mode: bool = False,
) -> dict[str, Any]:
    """Proves the fault and writes the artifact; refuses when the claim is correct."""
    bundle = load_bundle(bundle_dir)
    input_bytes = with_payout(bundle.input, parse_hex(payout, "payout"))
    checked = check(Bundle(bundle.path, input_bytes, bundle.manifest), claimed_output_root, cycles=False)
    if not checked.fault:
        raise NoFault(
            f"the claimed root {to_hex(checked.claimed_output_root)} is the correct output root of block "
            f"{checked.journal.l2_block_number}: there is no fault to prove"
        )
    openings = _openings_for_contract(input_bytes, checked.openings)
    guest = load_guest(GUEST)
    proof = zkvm.prove(guest.program, input_bytes, receipt_kind=receipt_kind, dev_mode=dev_mode)
    if proof.journal != checked.journal_bytes:
        raise InvalidInputError("the zkVM journal differs from the native dry run's (this is a bug; please report)")
    artifact = ProofArtifact.from_proof(GUEST, proof).to_json()
    journal = FaultJournal.decode(proof.journal)
    artifact["fault"] = {
        "claimed_output_root": to_hex(checked.claimed_output_root),
        "journal_fields": journal.to_json(),
        "openings": openings,
        "dispute_call": dispute_arguments(journal, openings, proof.seal),
    }
    out.write_text(json.dumps(artifact, indent=1) + "\n")
    return {
        "out": str(out),
        "image_id": to_hex(proof.image_id),
        "receipt_kind": proof.receipt_kind,
        "dev_mode": proof.dev_mode,
        "computed_output_root": to_hex(journal.computed_output_root),
        "claimed_output_root": to_hex(checked.claimed_output_root),
        "total_cycles": proof.total_cycles,
        "user_cycles": proof.user_cycles,
        "segments": proof.segments,
        "prove_seconds": round(proof.prove_seconds, 3),
    }

"""The fault-proof program from Python: bundles, the native dry run, proving.

``refute fault example`` writes a bundle from the chain-fixture generator,
``check`` runs the program natively (the same Rust function the guest runs),
``prove`` proves it in the zkVM and writes an artifact carrying everything the
dispute contract's ``prove_fault`` call needs.
"""

from refute.prover.fault.api import FaultCheck, check, example, prove
from refute.prover.fault.bundle import Bundle, load_bundle, write_bundle

__all__ = ["Bundle", "FaultCheck", "check", "example", "load_bundle", "prove", "write_bundle"]

"""Witness sources for stateless execution.

* :mod:`refute.prover.witness.rpc`: from an L2 node over JSON-RPC
  (``debug_executionWitness``, falling back to ``eth_getProof`` + ``eth_getCode``).
* :mod:`refute.prover.witness.prestate`: from a full pre-state (fixtures, the devnet):
  the core builds the tries and extracts exactly the nodes the block needs.
"""

from refute.prover.rpc import RpcError
from refute.prover.witness.prestate import PrestateWitness, state_root, witness_from_state
from refute.prover.witness.rpc import RpcWitnessSource

__all__ = ["PrestateWitness", "RpcError", "RpcWitnessSource", "state_root", "witness_from_state"]

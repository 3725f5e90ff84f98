"""Stateless block execution: block (or OP payload attributes) + witness in, post-state and roots out.

The rules live in the Rust crate ``refute-stf`` (shared with the zkVM guest);
see :mod:`refute.prover.execute.api`.
"""

from refute.prover.execute.api import (
    BlockchainTestResult,
    ExecutionResult,
    KonaResult,
    TxResult,
    block_from_json,
    block_info,
    chain_from_option,
    decode_journal,
    execute_block,
    execute_files,
    execute_kona_fixture,
    execute_payload,
    guest_input,
    run_blockchain_tests,
)
from refute.prover.execute.errors import InvalidBlockError, InvalidChainConfigError, InvalidWitnessError

__all__ = [
    "BlockchainTestResult",
    "ExecutionResult",
    "InvalidBlockError",
    "InvalidChainConfigError",
    "InvalidWitnessError",
    "KonaResult",
    "TxResult",
    "block_from_json",
    "block_info",
    "chain_from_option",
    "decode_journal",
    "execute_block",
    "execute_files",
    "execute_kona_fixture",
    "execute_payload",
    "guest_input",
    "run_blockchain_tests",
]

"""Stateless block execution: block (or OP payload attributes) + witness in, post-state and roots out.

The rules live in the Rust crate ``refute-stf`` (shared with the zkVM guest);
see :mod:`prover.execute.api`.
"""

from prover.execute.api import (
    BlockchainTestResult,
    ExecutionResult,
    KonaResult,
    TxResult,
    chain_from_option,
    block_from_json,
    block_info,
    decode_journal,
    execute_block,
    execute_files,
    execute_kona_fixture,
    execute_payload,
    guest_input,
    run_blockchain_tests,
)
from prover.execute.errors import InvalidBlockError, InvalidChainConfigError, InvalidWitnessError

__all__ = [
    "BlockchainTestResult",
    "ExecutionResult",
    "KonaResult",
    "InvalidBlockError",
    "InvalidChainConfigError",
    "InvalidWitnessError",
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

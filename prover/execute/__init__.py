"""Stateless block execution (issue 4): block + witness in, post-state and roots out.

The rules live in the Rust crate ``refute-stf`` (shared with the zkVM guest);
see :mod:`prover.execute.api`.
"""

from prover.execute.api import (
    BlockchainTestResult,
    ExecutionResult,
    TxResult,
    block_from_json,
    block_info,
    decode_journal,
    execute_block,
    execute_files,
    guest_input,
    run_blockchain_tests,
)
from prover.execute.errors import InvalidBlockError, InvalidChainConfigError, InvalidWitnessError

__all__ = [
    "BlockchainTestResult",
    "ExecutionResult",
    "InvalidBlockError",
    "InvalidChainConfigError",
    "InvalidWitnessError",
    "TxResult",
    "block_from_json",
    "block_info",
    "decode_journal",
    "execute_block",
    "execute_files",
    "guest_input",
    "run_blockchain_tests",
]

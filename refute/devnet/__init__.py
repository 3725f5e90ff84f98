"""A local devnet: chains served over the standard JSON-RPC and beacon APIs.

:class:`~refute.devnet.network.Devnet` is the live one (``refute devnet``,
``refute demo``): a py-evm L1 with the dispute game, an OP Stack L2 built by
the native sequencer, its batcher and a proposer whose node may be faulty.
A fixed chain works too: :class:`~refute.devnet.chain.ServedChain` holds what one chain answers (to
begin with, the chain-fixture generator's L1/L2 pair, or any fault input);
:class:`~refute.devnet.server.DevnetServer` serves it on 127.0.0.1 to the bundle
builder and the watcher, with failures injected on request
(:class:`~refute.devnet.faults.FailurePlan`) so retry paths are tested against
a real HTTP server rather than mocks.
"""

from refute.devnet.chain import ServedChain
from refute.devnet.faults import Failure, FailurePlan
from refute.devnet.server import DevnetServer

__all__ = ["DevnetServer", "Failure", "FailurePlan", "ServedChain"]

"""Data availability: rebuild L2 blocks from what a rollup sequencer published.

* :mod:`prover.da.blob` — OP Stack blob (v0) and EigenDA codecs (native, shared with the guest)
* :mod:`prover.da.kzg` — EIP-4844 KZG on the host with ckzg
* :mod:`prover.da.eigenda` — EigenDA BN254 commitments (native)
* :mod:`prover.da.derivation` — frames, decompression, batches, one layer at a time
* :mod:`prover.da.reconstruct` — the whole pipeline, from files or RPC
* :mod:`prover.da.errors` — :class:`DAError` (layer + offset), :class:`MissingDataError`
"""

from prover.da.errors import DAError, MissingDataError

__all__ = ["DAError", "MissingDataError"]

"""Data availability: rebuild L2 blocks from what a rollup sequencer published.

* :mod:`refute.prover.da.blob` — OP Stack blob (v0) and EigenDA codecs (native, shared with the guest)
* :mod:`refute.prover.da.kzg` — EIP-4844 KZG on the host with ckzg
* :mod:`refute.prover.da.eigenda` — EigenDA BN254 commitments (native)
* :mod:`refute.prover.da.derivation` — frames, decompression, batches, one layer at a time
* :mod:`refute.prover.da.reconstruct` — the whole pipeline, from files or RPC
* :mod:`refute.prover.da.errors` — :class:`DAError` (layer + offset), :class:`MissingDataError`
"""

from refute.prover.da.errors import DAError, MissingDataError

__all__ = ["DAError", "MissingDataError"]

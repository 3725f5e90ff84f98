"""refute's prover side: DA and witness fetching, block reconstruction, proving.

The Rust core is reached only through :mod:`refute.prover.native`; everything here is a
typed Python API that the CLI (:mod:`refute.cli`) and the tests call directly.
"""

__version__ = "0.1.0"

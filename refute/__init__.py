"""refute: prove an optimistic rollup's state claim wrong with one RISC Zero proof.

Subpackages, each with one job:

* :mod:`refute.prover` fetches data, reconstructs and executes blocks, and
  drives the native core (the only code that loads :mod:`refute._native`);
* :mod:`refute.verifier` decides, in pure Python, what the L1 contracts decide;
* :mod:`refute.cli` is the ``refute`` command over both.

Importing this package imports none of them, so ``refute.verifier`` stays free
of the native core.
"""

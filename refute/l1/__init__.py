"""refute's L1 side: the Vyper contracts, compiled and deployed through web3.py.

* :mod:`refute.l1.compiler` -- compiles ``contracts/*.vy`` with the pinned vyper (cached);
* :mod:`refute.l1.chain` -- a local py-evm chain (Prague) and its JSON-RPC HTTP front;
* :mod:`refute.l1.contracts` -- deployment and named reverts;
* :mod:`refute.l1.harness` / :mod:`refute.l1.conformance` -- contract vs. mirror, case by case;
* :mod:`refute.l1.api` -- what ``refute l1`` and ``refute conformance`` do.

The decisions themselves are mirrored in pure Python by :mod:`refute.verifier.dispute`.
"""

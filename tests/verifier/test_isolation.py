"""refute.verifier is pure Python: it never imports the native core, the prover or the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from refute import verifier

PKG = Path(verifier.__file__).parent
FORBIDDEN = ("refute._native", "refute.prover", "refute.cli")
#: Third-party imports allowed per file: py_ecc for the reference pairing and the BLS12-381
#: point evaluation (kzg_point.py), pycryptodome's Keccak-256 for the dispute game's blob binding.
ALLOWED_THIRD_PARTY = {"reference.py": {"py_ecc"}, "kzg_point.py": {"py_ecc"}, "dispute.py": {"Crypto"}}
ALLOWED_FIRST_PARTY = ("refute.hexutil",)  # stdlib-only helpers shared with the prover


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                yield f"{node.module}.{a.name}", node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            yield "(outside refute.verifier)", node.lineno


def test_no_forbidden_or_unexpected_imports():
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(PKG.glob("*.py")):
        for mod, line in imported_modules(path):
            assert not mod.startswith(FORBIDDEN), f"{path.name}:{line} imports {mod}"
            if mod in ALLOWED_FIRST_PARTY or mod.startswith(tuple(f"{m}." for m in ALLOWED_FIRST_PARTY)):
                continue
            top = mod.split(".")[0]
            if top in stdlib or top == "__future__":
                continue
            assert top in ALLOWED_THIRD_PARTY.get(path.name, set()), f"{path.name}:{line} imports {mod}"


def test_shared_helpers_import_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for name in ALLOWED_FIRST_PARTY:
        path = PKG.parent.joinpath(*name.split(".")[1:]).with_suffix(".py")
        for mod, line in imported_modules(path):
            assert mod.split(".")[0] in stdlib, f"{path.name}:{line} imports {mod}"


def test_import_does_not_load_native_core_or_prover():
    code = (
        "import sys; from refute import verifier; import refute.verifier.reference, refute.verifier.artifact;"
        "import refute.verifier.dispute, refute.verifier.game, refute.verifier.kzg_point;"
        "verifier.verify_seal(verifier.mock_seal(verifier.ReceiptClaim.ok(bytes(32), b'').digest()),"
        " bytes(32), verifier.sha256(b''), allow_dev=True);"
        "bad = sorted(m for m in sys.modules if m.startswith(('refute._native', 'refute.prover', 'refute.cli')));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=PKG.parent.parent, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stdout + res.stderr

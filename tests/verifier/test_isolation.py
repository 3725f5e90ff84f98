"""verifier/ is pure Python: it never imports the native core or the prover."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import verifier

PKG = Path(verifier.__file__).parent
FORBIDDEN = ("refute_native", "prover", "cli")
ALLOWED_THIRD_PARTY = {"py_ecc"}  # only in verifier/reference.py


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def test_no_forbidden_or_unexpected_imports():
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(PKG.glob("*.py")):
        for mod, line in imported_modules(path):
            assert mod not in FORBIDDEN, f"{path.name}:{line} imports {mod}"
            if mod in stdlib or mod == "__future__":
                continue
            assert mod in ALLOWED_THIRD_PARTY and path.name == "reference.py", f"{path.name}:{line} imports {mod}"


def test_import_does_not_load_native_core_or_prover():
    code = (
        "import sys, verifier, verifier.reference, verifier.artifact;"
        "verifier.verify_seal(verifier.mock_seal(verifier.ReceiptClaim.ok(bytes(32), b'').digest()),"
        " bytes(32), verifier.sha256(b''), allow_dev=True);"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('refute_native', 'prover', 'cli'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=PKG.parent, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr

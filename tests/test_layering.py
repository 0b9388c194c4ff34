"""The layer rules of HOUSE_STYLE.md, checked on the source itself.

core is pure (standard library, plus two data libraries: tzdata and phonenumbers); services and server never
import Qt; the client and the server never import each other.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desk_app"

# Third-party modules the core may use; everything else must be standard library. Both are
# pure-Python data libraries with no I/O of their own: the zone database, and the numbering plans
# (phone numbers are read by one rule on both sides, desk_app/core/phone.py).
CORE_ALLOWED_THIRD_PARTY = {"tzdata", "phonenumbers"}

BANNED = {
    "services": ("PySide6", "shiboken6", "desk_app.ui", "desk_app.server"),
    "server": ("PySide6", "shiboken6", "desk_app.ui", "desk_app.services"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            # A dynamic import would sidestep the rule; allow only literal names we can check.
            if node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.lineno, str(node.args[0].value)))
    return found


def sources(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_core_imports_only_the_standard_library():
    offenders = []
    for path in sources("core"):
        for line, module in imported_modules(path):
            top = module.split(".")[0]
            if top == "desk_app":
                if not module.startswith("desk_app.core"):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
            elif top not in sys.stdlib_module_names and top not in CORE_ALLOWED_THIRD_PARTY:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "core must stay pure:\n" + "\n".join(offenders)


@pytest.mark.parametrize("layer", sorted(BANNED))
def test_layer_does_not_cross_boundaries(layer):
    offenders = []
    for path in sources(layer):
        for line, module in imported_modules(path):
            if any(module == b or module.startswith(b + ".") for b in BANNED[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, f"{layer} crosses a layer boundary:\n" + "\n".join(offenders)


def test_the_checker_sees_violations(tmp_path):
    # Guard against a checker that silently finds nothing.
    bad = tmp_path / "bad.py"
    bad.write_text("import requests\nfrom PySide6.QtCore import QObject\nfrom desk_app.ui import x\n")
    modules = [m for _, m in imported_modules(bad)]
    assert modules == ["requests", "PySide6.QtCore", "desk_app.ui"]
    assert sources("core"), "no core sources found: is PACKAGE right?"


def test_importing_core_loads_no_forbidden_package():
    # The runtime view of the same rule: importing every core module pulls in
    # nothing heavy behind our back (e.g. through a transitive import).
    import subprocess

    code = (
        "import importlib, pkgutil, sys\n"
        "import desk_app.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'desk_app.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'PySide6', 'sqlalchemy', 'requests', 'fastapi', 'starlette', 'pydantic'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

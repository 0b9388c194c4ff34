"""The layer rules of HOUSE_STYLE.md, checked on the source itself.

core is pure (standard library, plus two data libraries: tzdata and phonenumbers); services and server never
import Qt; the client and the server never import each other. Every ordered
pair of the four layers is decided in `MAY_IMPORT` (below) and every pair it
refuses is checked, ui -> server included, and an import that crosses a
boundary on purpose would be named, with its reason, in `EXCEPTIONS` (none
does). Inside the store, `server/core` is the ground floor: it imports no other
package of the store. The entry points are outside the layers: the modules at
the top of desk_app (cli.py) and the `desk_app/demo` package both demo entry
points use (cli.py and ui/app.py; it embeds the store, so it may import the
server, but never Qt or the client). No widget or core module holds an HTTP
path of the store's API or an SQL statement: HTTP lives in
services/api_client.py, SQL in the cache and the store.
"""

from __future__ import annotations

import ast
import re
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
    "server": ("PySide6", "shiboken6", "desk_app.ui", "desk_app.services", "desk_app.demo"),
    "demo": ("PySide6", "shiboken6", "desk_app.ui", "desk_app.services"),
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


# -- every pair of layers ---------------------------------------------------------------

LAYERS = ("core", "services", "ui", "server")

#: What each layer may import of desk_app (itself included). Every ordered pair
#: of LAYERS is decided here; each pair left out is refused and checked below.
MAY_IMPORT = {
    "core": {"core"},
    "services": {"core", "services"},
    "ui": {"core", "services", "ui"},
    "server": {"core", "server"},
}

#: Imports that cross a boundary on purpose: (file under desk_app, layer it imports) -> why.
#: Empty: the demo's embedded store, the last one (ui/demo_launcher.py -> server), is desk_app/demo/.
EXCEPTIONS: dict[tuple[str, str], str] = {}

REFUSED = [(layer, other) for layer in LAYERS for other in LAYERS if other not in MAY_IMPORT[layer]]


def desk_app_imports(path: Path) -> list[tuple[int, str]]:
    """The desk_app modules a file imports, relative imports resolved, wherever they are in the file."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1]  # a package's __init__ is in its own package too
    found = []
    for line, module in imported_modules(path):
        if module == "desk_app" or module.startswith("desk_app."):
            found.append((line, module))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            found.append((node.lineno, ".".join(base + ([node.module] if node.module else []))))
    return found


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_pair_of_layers_is_decided():
    assert set(MAY_IMPORT) == set(LAYERS)
    assert all(layer in MAY_IMPORT[layer] and MAY_IMPORT[layer] <= set(LAYERS) for layer in LAYERS)
    # Upward or sideways imports: core imports no layer; client and store never import each other.
    assert REFUSED == [
        ("core", "services"), ("core", "ui"), ("core", "server"),
        ("services", "ui"), ("services", "server"),
        ("ui", "server"),
        ("server", "services"), ("server", "ui"),
    ]


@pytest.mark.parametrize(("layer", "other"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_refused_pair_of_layers(layer, other):
    offenders = []
    for path in sources(layer):
        name = path.relative_to(PACKAGE).as_posix()
        if (name, other) in EXCEPTIONS:
            continue
        for line, module in desk_app_imports(path):
            if _layer_of(module) == other:
                offenders.append(f"{name}:{line} imports {module}")
    assert not offenders, f"{layer} must not import {other}:\n" + "\n".join(offenders)


def test_every_exception_is_still_needed():
    # An exception whose import is gone leaves EXCEPTIONS, so the list only ever shrinks.
    for (name, other), _why in EXCEPTIONS.items():
        path = PACKAGE / name
        assert path.is_file(), f"EXCEPTIONS names {name}, which no longer exists: remove the entry"
        layer = name.split("/")[0]
        assert other not in MAY_IMPORT[layer], f"{name} -> {other} is allowed anyway: remove the entry"
        used = [module for _, module in desk_app_imports(path) if _layer_of(module) == other]
        assert used, f"{name} no longer imports {other}: remove its entry from EXCEPTIONS"


def test_server_core_is_the_store_ground_floor():
    # server/core (settings, database, errors, idempotent writes, ...) imports no other package of
    # the store: auth, audit and the domains build on it, never the other way round.
    offenders = []
    for path in sorted((PACKAGE / "server" / "core").rglob("*.py")):
        for line, module in desk_app_imports(path):
            if module.startswith("desk_app.server.") and not module.startswith("desk_app.server.core"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "server/core must import only server/core (and desk_app.core):\n" + "\n".join(offenders)


def test_the_ticket_write_path_does_not_import_the_scheduler():
    # The scheduler calls the ticket write path; what that path keeps lives in tickets/.
    offenders = []
    for path in sorted((PACKAGE / "server" / "tickets").rglob("*.py")):
        for line, module in desk_app_imports(path):
            if module == "desk_app.server.scheduler" or module.startswith("desk_app.server.scheduler."):
                offenders.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offenders, "tickets/ must not import the scheduler:\n" + "\n".join(offenders)


def test_the_pair_checker_sees_relative_and_deferred_imports(tmp_path, monkeypatch):
    # Guard against a checker that silently finds nothing: a fake desk_app with one of each.
    fake = tmp_path / "desk_app"
    (fake / "ui" / "phone").mkdir(parents=True)
    bad = fake / "ui" / "phone" / "bad.py"
    bad.write_text("def later():\n    from desk_app.server import app\nfrom ...server.core import db\nfrom . import sibling\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert [(line, _layer_of(m)) for line, m in desk_app_imports(bad)] == [(2, "server"), (3, "server"), (4, "ui")]


def test_only_the_window_entry_point_uses_the_demo():
    # desk_app/demo embeds the store; inside the layers only the window's entry point may load it
    # (`desk-app demo`), so the client's code never reaches the server through it.
    offenders = []
    for layer in LAYERS:
        for path in sources(layer):
            name = path.relative_to(PACKAGE).as_posix()
            if name == "ui/app.py":
                continue
            for line, module in desk_app_imports(path):
                if module == "desk_app.demo" or module.startswith("desk_app.demo."):
                    offenders.append(f"{name}:{line} imports {module}")
    assert not offenders, "only ui/app.py may import desk_app.demo:\n" + "\n".join(offenders)
    assert any(m.startswith("desk_app.demo") for _, m in desk_app_imports(PACKAGE / "ui" / "app.py"))


# -- no API paths or SQL in widgets and the core ------------------------------------------

#: The first segment of every path of the store's API (under /api/v1), from its routers.
API_ROOTS = ("tickets", "reports", "customers", "auth", "sync", "attachments", "users", "queues", "policies",
             "feed", "presence", "escalations", "notifications", "feedback", "calls", "admin", "audit", "health",
             "me", "intake", "api")
_API_PATH = re.compile(r"^/(%s)(/|$|\?|\{)" % "|".join(API_ROOTS))
#: SQL as this code base writes it (keywords in capitals, so "Select a ticket from the list" is prose).
_SQL = re.compile(
    r"\bSELECT\b.+\bFROM\b|\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(TABLE|INDEX)\b|\bPRAGMA\s+\w",
    re.DOTALL,
)


def string_literals(path: Path) -> list[tuple[int, str]]:
    """The source's string constants (f-strings: their literal parts joined), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    found = []
    in_fstring = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            in_fstring.update(id(v) for v in node.values)
            found.append((node.lineno, "".join(str(p) for p in parts)))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and id(node) not in in_fstring):
            found.append((node.lineno, node.value))
    return found


def api_paths_and_sql(path: Path) -> list[tuple[int, str, str]]:
    """(line, "API path" or "SQL", the string) for each offending string literal of a file."""
    out = []
    for line, text in sorted(string_literals(path)):
        if _API_PATH.match(text.strip()):
            out.append((line, "API path", text))
        elif _SQL.search(text):
            out.append((line, "SQL", text))
    return out


@pytest.mark.parametrize("layer", ["ui", "core"])
def test_no_api_path_or_sql_in_widgets_or_core(layer):
    offenders = [f"{path.relative_to(PACKAGE)}:{line} {kind} {text[:70]!r}"
                 for path in sources(layer) for line, kind, text in api_paths_and_sql(path)]
    assert not offenders, f"{layer} builds requests or queries itself:\n" + "\n".join(offenders)


def test_the_path_and_sql_checker_sees_them(tmp_path):
    # Guard against a checker that silently finds nothing: each shape the widgets used to hold.
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""Docstrings may say GET /tickets/{id} or SELECT x FROM y."""\n'
        'A = "/tickets/{ticket_id}/escalations/{escalation_id}/notify"\n'
        'B = "/customers"\n'
        'def f(x):\n'
        '    return f"/reports/{x}", "/attachments/" + x\n'
        'C = "SELECT id, json_extract(data, \'$.sla\') FROM ticket_json WHERE id IN (?)"\n'
        'D = "UPDATE tickets SET pending = 0"\n'
        'E = "INSERT OR REPLACE INTO outbox (id) VALUES (?)"\n'
        'F = "Select a ticket from the list"\n'
        'G = "/ticketsfoo"\n'
    )
    assert [(line, kind) for line, kind, _ in api_paths_and_sql(bad)] == [
        (2, "API path"), (3, "API path"), (5, "API path"), (5, "API path"), (6, "SQL"), (7, "SQL"), (8, "SQL"),
    ]
    assert sources("ui") and sources("core")

"""No two modules of desk_app import each other, directly or around a circle.

Two modules that import each other want one home, or a third module both use
(HOUSE_STYLE.md). The graph is read from the source with `ast`, one edge per
import of a desk_app module:

* `import desk_app.a.b`, `from desk_app.a import b` (the module `a.b` when it
  is one, else the package `a`) and relative imports (`from . import x`,
  `from .m import y`), and `importlib.import_module("desk_app...")` /
  `__import__("desk_app...")` with a literal name;
* imports inside functions are included, and reported as such: a
  function-level import runs all the same (at the first call), and deferring
  an import is the usual way a circle is hidden, not removed; at module level
  alone the graph of issue 14 had no circle left to find;
* imports under `if TYPE_CHECKING:` are excluded: they never run.
* Not seen: a module name computed at run time (a variable passed to
  `import_module`), and the implicit import of a package's `__init__` when
  one of its modules is imported (a package that re-exports its own modules
  is not a circle).

A circle fails the test with one concrete path around it, each step with its
file and line.
"""

from __future__ import annotations

import ast
import textwrap
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "desk_app"

#: Circles that exist today and have a planned removal: the set of modules
#: each one joins (a strongly connected component of the graph). Any other
#: circle fails the test, and so does an entry here that no longer exists
#: (remove it), or one that grew or shrank (look at it again). Empty since
#: issue 14's last circle (the client cache, its outbox and the bootstrap page)
#: was broken by `services/ticket_rows.py`; keep it so.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    file: str  # relative to the root, with / separators
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}{', in a function' if self.in_function else ''}"
        return f"{self.source} -> {self.target}  ({where})"


def module_files(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module of `package` under `root`: dotted name -> (file, is a package's __init__)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """The desk_app modules one source file imports, with the line and whether in a function."""

    def __init__(self, module: str, is_package: bool, known: dict, package: str) -> None:
        self.module = module
        self.base = module if is_package else module.rpartition(".")[0]
        self.known = known
        self.package = package
        self.depth = 0
        self.found: list[tuple[str, int, bool]] = []

    def _add(self, name: str, line: int) -> None:
        # The longest known prefix: `desk_app.a.b.Name` is the module `desk_app.a.b`.
        while name and name not in self.known:
            name = name.rpartition(".")[0]
        if name and name != self.module:
            self.found.append((name, line, self.depth > 0))

    def _ours(self, name: str | None) -> bool:
        return name is not None and (name == self.package or name.startswith(self.package + "."))

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:  # only the `else:` of `if TYPE_CHECKING:` runs
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if self._ours(alias.name):
                self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            parts = self.base.split(".")
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            prefix = f"{base}.{node.module}" if node.module else base
        else:
            prefix = node.module
        if not self._ours(prefix):
            return
        for alias in node.names:
            submodule = f"{prefix}.{alias.name}"
            self._add(submodule if submodule in self.known else prefix, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            value = node.args[0].value
            if isinstance(value, str) and self._ours(value):
                self._add(value, node.lineno)
        self.generic_visit(node)


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, list[Edge]]:
    """Module -> its import edges to other modules of `package`."""
    known = module_files(root, package)
    graph: dict[str, list[Edge]] = {}
    for module, (path, is_package) in known.items():
        visitor = _Imports(module, is_package, known, package)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        file = path.relative_to(root).as_posix()
        graph[module] = [Edge(module, target, file, line, deferred) for target, line, deferred in visitor.found]
    return graph


def circles(graph: dict[str, list[Edge]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted({e.target for e in graph[start]})))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted({e.target for e in graph[target]}))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def one_path_around(component: frozenset[str], graph: dict[str, list[Edge]]) -> list[Edge]:
    """A shortest circle through the component's first module, as import edges."""
    start = min(component)
    came: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for edge in sorted(graph[node], key=lambda e: (e.target, e.line)):
            if edge.target not in component:
                continue
            if edge.target == start:
                path = [edge]
                while path[0].source != start:
                    path.insert(0, came[path[0].source])
                return path
            if edge.target not in came:
                came[edge.target] = edge
                queue.append(edge.target)
    raise AssertionError(f"no circle through {start}")  # pragma: no cover - a component always has one


def describe(component: frozenset[str], graph: dict[str, list[Edge]]) -> str:
    lines = [f"{len(component)} modules: {', '.join(sorted(component))}"]
    lines += [f"    {edge}" for edge in one_path_around(component, graph)]
    return "\n".join(lines)


# -- the tests ----------------------------------------------------------------------------


def test_desk_app_has_no_import_cycle():
    graph = import_graph()
    found = circles(graph)
    new = [c for c in found if c not in KNOWN_CYCLES]
    assert not new, "import cycles inside desk_app:\n" + "\n".join(describe(c, graph) for c in new)


def test_every_known_cycle_still_exists():
    # A circle that was broken (or changed shape) leaves KNOWN_CYCLES, so the list only ever shrinks.
    found = set(circles(import_graph()))
    stale = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not stale, f"remove from KNOWN_CYCLES (no longer a circle in this shape): {stale}"


def test_no_circle_in_the_server_or_the_core():
    # The store's and the core's circles of issue 14 are gone; none may come back through the list.
    for component in KNOWN_CYCLES:
        assert not any(m.startswith(("desk_app.server.", "desk_app.core.")) for m in component), sorted(component)


def test_the_checker_sees_every_kind_of_import(tmp_path):
    # Guard against a checker that silently finds nothing.
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from pkg import b\n",
        "b.py": "def later():\n    from . import c\n",
        "c.py": "import pkg.sub.d\n",
        "sub/__init__.py": "",
        "sub/d.py": "from ..a import anything\n",
        # Edges that must not count: type-only, and outside the package.
        "e.py": "from typing import TYPE_CHECKING\nimport os\nif TYPE_CHECKING:\n    from pkg import f\n",
        "f.py": "import importlib\nimportlib.import_module('pkg.e')\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(textwrap.dedent(text))
    graph = import_graph(tmp_path, "pkg")
    assert {m: sorted(e.target for e in edges) for m, edges in graph.items() if edges} == {
        "pkg.a": ["pkg.b"],
        "pkg.b": ["pkg.c"],
        "pkg.c": ["pkg.sub.d"],
        "pkg.sub.d": ["pkg.a"],
        "pkg.f": ["pkg.e"],
    }
    assert [e.in_function for e in graph["pkg.b"]] == [True]
    assert circles(graph) == [frozenset({"pkg.a", "pkg.b", "pkg.c", "pkg.sub.d"})]
    text = describe(circles(graph)[0], graph)
    assert "pkg.b -> pkg.c  (pkg/b.py:2, in a function)" in text and "pkg/sub/d.py:1" in text
    assert module_files(ROOT, PACKAGE), "no desk_app sources found: is ROOT right?"

"""The package's imports run one way: no module imports, even inside a
function, one that imports it back (docs: the layers of reserve)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reserve"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _under_type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, every one that runs."""
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if _under_type_checking(node, parents):
                continue
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)] \
                    if node.level else []
                stem = ".".join(base + ([node.module] if node.module else []))
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in files else stem
                           for a in node.names]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_walk_finds_a_cycle_when_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_package():
    graph = _imports()
    # the walk sees imports at the top and inside functions (solve diagnoses locally)
    assert graph["reserve.solve"] >= {"reserve.session", "reserve.reach", "reserve.diagnosis"}
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle)


#: What the command line may import besides reserve.api: errors and names
#: (errors, schema), and the modules that only present an answer already
#: computed (tables, files, pictures, templates). Anything that solves,
#: draws or reads a question goes through reserve.api.
PRESENTATION = {"reserve.errors", "reserve.schema", "reserve.results", "reserve.plot",
                "reserve.plot_equilibrium", "reserve.plot_policy",
                "reserve.plot_compare", "reserve.plot_sweeps", "reserve.jsontext",
                "reserve.files", "reserve.sheets", "reserve.templates", "reserve.version"}


def test_the_command_line_computes_through_the_api_only():
    graph = _imports()
    for module, imports in graph.items():
        if not module.startswith("reserve.cli"):
            continue
        engine = {m for m in imports if not m.startswith("reserve.cli")
                  and m not in PRESENTATION and m not in ("reserve", "reserve.api")}
        assert not engine, f"{module} imports {sorted(engine)}: go through reserve.api"


def test_the_presentation_modules_never_solve():
    """plot, results, files, sheets and templates import nothing that solves."""
    graph = _imports()
    solvers = {"reserve.session", "reserve.solve", "reserve.sweep", "reserve.reach",
               "reserve.diagnosis", "reserve.reliability", "reserve.analysis"}
    for module in ("reserve.plot", "reserve.files", "reserve.sheets", "reserve.templates"):
        assert not (graph[module] & solvers), (module, graph[module] & solvers)

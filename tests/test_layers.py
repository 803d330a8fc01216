"""The layers of deliberation/, checked on its source: a rule enforced by a test.

Every module has a layer; a module imports only modules of its own layer or lower
ones, no two modules import each other round a circle, and no function imports a
deliberation module (that is how a circle hides: move the shared piece down a layer
instead). The pure core imports nothing from Django or Channels, so it is tested fast
and exhaustively. Nothing is imported to run this: the modules are parsed with `ast`.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "deliberation"

# Lowest first. A module is named by its dotted path under deliberation/; a name
# ending in ".*" stands for every module of that package.
LAYERS: list[tuple[str, set[str]]] = [
    (
        "pure core",
        {
            "deliberation",
            "methods",
            "results_shape",
            "merkle",
            "exceptions",
            "markdown",
            "textcheck",
            "photos",
            "easyread",
            "easyread.rules",
            "easyread.builder",
            "easyread.review",
            "easyread.delivery",
        },
    ),
    (
        "models and transport",
        {"models", "models.*", "rows", "protocol", "layers", "origins", "socket_limits", "outbox"},
    ),
    ("audit, permissions, identity, words", {"audit", "permissions", "identity", "display"}),
    (
        "reads and broadcasting",
        {"selectors", "selectors.*", "realtime", "easyread.render", "easyread.symbols"},
    ),
    ("services", {"services", "services.*"}),
    ("live meeting and forms", {"live", "forms", "forms.*", "throttle", "tasks"}),
    (
        "views, consumers, admin, template tags",
        {
            "views",
            "views.*",
            "consumers",
            "admin",
            "apps",
            "templatetags",
            "templatetags.*",
            "urls",
            "routing",
        },
    ),
    ("management commands", {"management", "management.*"}),
]

# Modules that import nothing from Django or Channels (tested without a database).
PURE = {
    "methods",
    "results_shape",
    "merkle",
    "textcheck",
    "easyread.rules",
    "easyread.builder",
    "easyread.review",
    "easyread.delivery",
}

# Known upward imports that another branch removes, each with where it goes. The test
# fails when one of them is gone, so this list only ever shrinks to empty.
PENDING: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts) or "deliberation"] = path
    return found


MODULES = _modules()


def _layer_of(name: str) -> int | None:
    for index, (_title, members) in enumerate(LAYERS):
        if name in members:
            return index
        package = name.rpartition(".")[0]
        while package:
            if f"{package}.*" in members:
                return index
            package = package.rpartition(".")[0]
    return None


def _target(dotted: str) -> str | None:
    """Name the deliberation module an import of `dotted` loads, or None if none."""
    if dotted != "deliberation" and not dotted.startswith("deliberation."):
        return None
    name = dotted.removeprefix("deliberation").removeprefix(".") or "deliberation"
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name if name in MODULES else "deliberation"


def _imports(node: ast.AST) -> Iterator[tuple[ast.stmt, str]]:
    """Yield each import under `node` with each deliberation module it loads."""
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            for alias in child.names:
                target = _target(alias.name)
                if target:
                    yield child, target
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            base = _target(child.module)
            if base is None:
                continue
            for alias in child.names:
                # `from deliberation import selectors` loads the module deliberation.selectors.
                yield child, _target(f"{child.module}.{alias.name}") or base


def _parsed(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), filename=str(MODULES[name]))


def _module_level_imports(name: str) -> set[str]:
    """Return the deliberation modules `name` imports outside any function."""
    tree = _parsed(name)
    found = set()
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for _node, target in _imports(statement):
            found.add(target)
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            for _node, target in _imports(statement):
                found.add(target)
    found.discard(name)
    return found


GRAPH = {name: _module_level_imports(name) for name in MODULES}


def test_every_module_has_a_layer() -> None:
    missing = sorted(name for name in MODULES if _layer_of(name) is None)
    assert not missing, f"Give these modules a layer in tests/test_layers.py: {missing}"


def test_no_import_runs_from_a_lower_layer_to_a_higher_one() -> None:
    upward = []
    for name, targets in GRAPH.items():
        for target in targets:
            here, there = _layer_of(name), _layer_of(target)
            if here is None or there is None or there <= here:
                continue
            if (name, target) in PENDING:
                continue
            upward.append(f"{name} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
    assert not upward, "\n".join(sorted(upward))


def test_pending_upward_imports_are_still_there() -> None:
    gone = [pair for pair in PENDING if pair[1] not in _all_imports(pair[0])]
    assert not gone, f"These imports are gone: remove them from PENDING: {gone}"


def _all_imports(name: str) -> set[str]:
    return {target for _node, target in _imports(_parsed(name))}


def test_no_import_circle() -> None:
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH.get(name, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert not circles, "\n".join(circles)


def test_no_function_imports_a_deliberation_module() -> None:
    hidden = []
    for name in MODULES:
        for node in ast.walk(_parsed(name)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for statement, target in _imports(node):
                if (name, target) in PENDING:
                    continue
                hidden.append(f"{name}.{node.name} (line {statement.lineno}) imports {target}")
    assert not hidden, "\n".join(sorted(set(hidden)))


@pytest.mark.parametrize("name", sorted(PURE))
def test_the_pure_core_imports_nothing_from_django(name: str) -> None:
    loaded = set()
    for node in ast.walk(_parsed(name)):
        if isinstance(node, ast.Import):
            loaded |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            loaded.add(node.module.split(".")[0])
    assert not loaded & {"django", "channels", "asgiref", "rules"}
    for target in _all_imports(name):
        assert target in PURE, f"{name} imports {target}, which is not pure"


def test_the_checks_see_what_they_claim() -> None:
    """Guard the checker itself: it finds a known edge, a known layer and the pure core."""
    assert "services.ballots" in GRAPH["live"]
    assert "selectors.meetings" in GRAPH["realtime"]
    assert _layer_of("services.polls") == 4
    assert _layer_of("models.polls") == 1
    assert PURE <= set(MODULES)

"""The structure a newcomer reads at a glance: no two packages of ``service/`` import each other,
and the domain core imports neither Flask nor the database."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import service

SERVICE = Path(service.__file__).parent


def _package_of(path: Path) -> str:
    relative = path.relative_to(SERVICE)
    return relative.parts[0] if len(relative.parts) > 1 else ""


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of what ``path`` imports, wherever in the file (inside functions too)."""
    module = ".".join(("service", *path.relative_to(SERVICE).with_suffix("").parts))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if path.name == "__init__.py":
        module = package
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            prefix = f"{base}.{node.module}" if node.level and node.module else (
                base if node.level else node.module)
            found.add(prefix)
            found |= {f"{prefix}.{alias.name}" for alias in node.names}
    return found


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in SERVICE.rglob("*.py"):
        package = _package_of(path)
        if not package:
            continue
        targets = graph.setdefault(package, set())
        for name in _imported_modules(path):
            parts = name.split(".")
            if parts[0] == "service" and len(parts) > 1 and parts[1] != package and (
                    (SERVICE / parts[1]).is_dir()):
                targets.add(parts[1])
    return graph


def test_packages_import_each_other_in_no_cycle():
    graph = package_graph()
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"packages import each other: {' → '.join(error.args[1])}") from None
    assert not graph["engine"], f"the domain core imports {graph['engine']}"


def test_the_domain_core_has_no_flask_and_no_database():
    for path in (SERVICE / "engine").rglob("*.py"):
        names = _imported_modules(path)
        assert not {name for name in names
                    if name.split(".")[0] in ("flask", "flask_sqlalchemy", "sqlalchemy")}, path
        assert not {name for name in names if name.startswith("service.")
                    and not name.startswith("service.engine")}, path


def test_the_graph_sees_relative_imports():
    """The walker itself: a known edge is found, so an empty graph cannot pass the tests."""
    graph = package_graph()
    assert "applications" in graph["portal"]
    assert "engine" in graph["core"]

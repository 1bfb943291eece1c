"""The package reads as its architecture: each layer imports only from the layers before it."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "cleankit"
#: Layers in import order; a module may import from its own layer and the ones before it.
LAYERS = ("_version", "core", "filters", "io", "engines", "audit", "run", "adapters", "cli")
MAX_LINES = 370


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return LAYERS.index(part)


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if module in ("cleankit.__init__", "cleankit.__main__"):
            continue  # the package face and the entry point sit above every layer
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("cleankit")
            ):
                for alias in node.names:  # "from cleankit.cli import clean" names a submodule
                    submodule = f"{node.module}.{alias.name}"
                    where = ROOT / submodule.replace(".", "/")
                    is_module = where.with_suffix(".py").is_file() or where.is_dir()
                    names.add(submodule if is_module else node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names if a.name.startswith("cleankit"))
        found[module.removesuffix(".__init__")] = names
    return found


def test_no_module_imports_from_a_later_layer() -> None:
    imports = _imports()
    upward = [
        f"{module} -> {target}"
        for module, targets in imports.items()
        for target in targets
        if target != "cleankit" and _layer(target) > _layer(module)
    ]
    assert upward == []
    for module, targets in imports.items():
        assert "cleankit" not in targets, f"{module} imports the package face"


def test_modules_import_no_cycle() -> None:
    imports = _imports()
    graph = {m: {t for t in ts if t in imports} for m, ts in imports.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                raise AssertionError(" -> ".join([*path, node, target]))
            if target not in state:
                visit(target, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_no_module_is_long() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}

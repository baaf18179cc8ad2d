"""The layers, read from the code's own imports: every arrow points down, no module imports
itself round a circle, nothing below the window imports Qt, and the window and the command
line reach the data only through the services.

The layers, top to bottom (docs/ARCHITECTURE.md draws them):

    ui, cli            front ends (the command line may start the window)
    services           use cases: one home for every rule
    features           importing, mail, reports, retention, templates, outreach, demo, desktop
    storage            the store, queries, database, migrations, SQL dialects
    models             the tables
    domain             pipeline.py, domain/, errors: plain Python

Imports inside functions count, as do imports only made for type checking (an upward
arrow is a wrong dependency even when it only names a type); circles count runtime imports.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "onboard_desk"

#: Layer of each top-level part of the package, by module-name prefix (longest prefix wins).
LAYERS: dict[str, int] = {
    "onboard_desk.errors": 0,
    "onboard_desk.pipeline": 0,
    "onboard_desk.domain": 0,
    "onboard_desk.resource_files": 0,
    "onboard_desk.storage.models": 1,
    "onboard_desk.storage": 2,
    "onboard_desk.importing": 3,
    "onboard_desk.mail": 3,
    "onboard_desk.reports": 3,
    "onboard_desk.retention": 3,
    "onboard_desk.templates": 3,
    "onboard_desk.outreach": 3,
    "onboard_desk.demo": 3,
    "onboard_desk.desktop": 3,
    "onboard_desk.services": 4,
    "onboard_desk.ui": 5,
    "onboard_desk.cli": 5,
    "onboard_desk.__main__": 6,
    # The package itself holds only its version, which anything may read.
    "onboard_desk": 0,
}
LAYER_NAMES = {
    0: "domain",
    1: "models",
    2: "storage",
    3: "features",
    4: "services",
    5: "front",
    6: "entry",
}

QT = ("PySide6", "shiboken6")
#: What the front ends never import: they reach the data through the services.
DATA_ACCESS = ("sqlmodel", "sqlalchemy", "sqlite3", "alembic", "psycopg", "onboard_desk.storage")
#: Below the services, only where the database lives is a front end's business (the window
#: needs the path before it loads SQLAlchemy).
DATA_ACCESS_ALLOWED = ("onboard_desk.storage.locations",)


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    type_only: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for inner in ast.walk(child):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = _type_checking_lines(tree)
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.append(full if full in known else base)
        for target in targets:
            yield Import(name, target, node.lineno, node.lineno in type_only)


def all_imports() -> list[Import]:
    known = modules()
    return [found for name, path in known.items() for found in imports_of(name, path, known)]


def layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for prefix, rank in LAYERS.items():
        matches = module == prefix or module.startswith(prefix + ".")
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), rank)
    return None if best is None else best[1]


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def upward_arrows(imports: list[Import]) -> set[str]:
    found = set()
    for arrow in imports:
        low, high = layer(arrow.importer), layer(arrow.imported)
        if low is None or high is None or high <= low:
            continue
        found.add(
            f"{arrow.importer}:{arrow.line} ({LAYER_NAMES.get(low)}) imports "
            f"{arrow.imported} ({LAYER_NAMES.get(high)})"
        )
    return found


def qt_below_the_window(imports: list[Import]) -> set[str]:
    return {
        f"{arrow.importer}:{arrow.line} imports {arrow.imported}"
        for arrow in imports
        if _within(arrow.imported, QT) and not _within(arrow.importer, ("onboard_desk.ui",))
    }


def data_access_from_front_ends(imports: list[Import]) -> set[str]:
    return {
        f"{arrow.importer}:{arrow.line} imports {arrow.imported}"
        for arrow in imports
        if _within(arrow.importer, ("onboard_desk.ui", "onboard_desk.cli"))
        and _within(arrow.imported, DATA_ACCESS)
        and not _within(arrow.imported, DATA_ACCESS_ALLOWED)
    }


def circles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected groups of two or more modules over runtime imports (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for arrow in imports:
        if not arrow.type_only and arrow.imported.startswith("onboard_desk"):
            graph.setdefault(arrow.importer, set()).add(arrow.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules() if layer(name) is None] == []


def test_every_arrow_points_down() -> None:
    assert sorted(upward_arrows(all_imports())) == []


def test_nothing_below_the_window_imports_qt() -> None:
    assert sorted(qt_below_the_window(all_imports())) == []


def test_front_ends_reach_the_data_only_through_the_services() -> None:
    assert sorted(data_access_from_front_ends(all_imports())) == []


#: What only the services touch on a Desk: its engine, its sessions and its write lock.
DESK_INTERNALS = re.compile(r"\.engine\b|\.reading\(|\.writing\(|\bwrite_lock\b|\bSession\b")


def test_front_ends_hold_no_engine_session_or_lock() -> None:
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, path in modules().items()
        if _within(name, ("onboard_desk.ui", "onboard_desk.cli"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DESK_INTERNALS.search(line)
    ]
    assert found == []


def test_no_module_imports_itself_round_a_circle() -> None:
    assert circles(all_imports()) == []


def test_the_checks_catch_what_they_look_for() -> None:
    """The rules above on a made-up set of arrows, so a broken reader cannot pass silently."""
    arrows = [
        Import("onboard_desk.storage.store", "onboard_desk.retention.lifecycle", 1, False),
        Import("onboard_desk.retention.lifecycle", "onboard_desk.storage.store", 2, False),
        Import("onboard_desk.reports.compute", "PySide6.QtCore", 3, False),
        Import("onboard_desk.ui.today.view", "onboard_desk.storage.store", 4, False),
        Import("onboard_desk.ui.app", "onboard_desk.storage.locations", 5, False),
        Import("onboard_desk.cli.common", "sqlmodel", 6, True),
    ]
    assert len(upward_arrows(arrows)) == 1
    assert circles(arrows) == [["onboard_desk.retention.lifecycle", "onboard_desk.storage.store"]]
    assert len(qt_below_the_window(arrows)) == 1
    assert len(data_access_from_front_ends(arrows)) == 2
    found = all_imports()
    assert len(found) > 500  # the reader sees the real code
    assert any(
        not arrow.type_only and arrow.importer.startswith("onboard_desk.ui") for arrow in found
    )

"""SQLite-only SQL lives in one place: ``onboard_desk/storage/dialects/``.

Every other module of the package writes SQL that a PostgreSQL sibling of the dialect
module could run unchanged, and asks the dialect of its connection for the rest. This
test reads every module outside the dialects (and outside the historical migrations,
which may call the dialect module) and names each SQLite-only construct it finds, so
that a new one is moved behind the dialect layer instead of being added beside the rest.
"""

from __future__ import annotations

import ast
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite as sqlite_sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

import onboard_desk
from onboard_desk.storage import dialects, queries, store
from onboard_desk.storage.dialects import constructs
from onboard_desk.storage.dialects import sqlite as sqlite_dialect

PACKAGE = Path(onboard_desk.__file__).parent

#: Folders (relative to the package) whose modules may speak SQLite.
EXEMPT: tuple[str, ...] = ("storage/dialects/", "storage/migrations/versions/")

#: The SQLite drivers: only a dialect module talks to one directly.
DRIVERS = {"sqlite3", "_sqlite3", "pysqlite2", "sqlcipher3", "apsw"}

#: SQLite-only SQL, found in the package's string literals (not in docstrings): what it
#: is, and the pattern. Keywords are matched in capitals, as the project writes its SQL.
SQL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (what, re.compile(pattern))
    for what, pattern in (
        ("the sqlite_master catalogue", r"(?i)\bsqlite_(master|schema|temp_master)\b"),
        ("SQLite's internal tables", r"(?i)\bsqlite_(sequence|stat\d)\b"),
        ("ATTACH / DETACH DATABASE", r"\b(ATTACH|DETACH)\b"),
        ("PRAGMA", r"(?i)\bPRAGMA\b"),
        ("julianday()", r"(?i)\bjulianday\s*\("),
        ("unixepoch()", r"(?i)\bunixepoch\s*\("),
        ("strftime() in SQL", r"(?i)(?<![.\w])strftime\s*\("),
        ("substr() on a stored timestamp", r"(?i)\bsubstr\s*\("),
        ("FTS5", r"(?i)\bfts[345]\b|_fts\b"),
        ("MATCH (full-text search)", r"\bMATCH\b"),
        ("INDEXED BY / NOT INDEXED", r"\b(INDEXED BY|NOT INDEXED)\b"),
        ("rowid", r"(?i)(?<!last)\b_?rowid_?\b"),
        ("INSERT OR ... / REPLACE INTO", r"\bINSERT OR\b|\bREPLACE INTO\b"),
        ("AUTOINCREMENT / WITHOUT ROWID", r"\b(AUTOINCREMENT|WITHOUT ROWID)\b"),
        ("a virtual table", r"\bVIRTUAL TABLE\b"),
        ("the temp. schema", r"\btemp\.[\w{]"),
        ("GLOB", r"\bGLOB\b"),
        (
            "SQLite functions (ifnull, iif, group_concat, printf, instr, typeof, total)",
            r"(?i)\b(ifnull|iif|group_concat|printf|instr|typeof|total|last_insert_rowid)\s*\(",
        ),
        # ``+column`` keeps SQLite's planner off an index; elsewhere it means nothing.
        ("unary + to steer SQLite's index choice", r"(?:^|[\s(,=<>])\+(?:[A-Za-z_]\w*\.\w|\{)"),
        ("a SQLite URL or file URI option", r"^sqlite[+:]|[?&]mode=ro\b"),
        # SQLite adds booleans up as 0 and 1; elsewhere a comparison is no number.
        ("a comparison summed as a number", r"(?i)\b(SUM|AVG|TOTAL)\(\s*[\w.]+\s*(=|<>|!=)"),
        # SQLite's cast truncates a real number; PostgreSQL's rounds it.
        ("CAST(... AS INTEGER) of a fraction", r"(?i)\bAS\s+INTEGER\s*\)"),
    )
)

#: Arguments only SQLite's driver takes.
SQLITE_KEYWORDS = {"check_same_thread", "detect_types"}


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.text}"


def package_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(EXEMPT):
            yield relative, path


def _docstrings(tree: ast.AST) -> set[int]:
    """Ids of the string constants that are docstrings (prose, not SQL)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
        # A bare string after an assignment documents it (``#:`` style's twin).
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            found.add(id(node.value))
    return found


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every string literal outside docstrings; an f-string as one text with ``{}`` for
    each value, so that a construct split by an interpolation is still seen."""
    skip = _docstrings(tree)
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside_fstrings.add(id(value))
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                else:
                    parts.append("{}")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and id(node) not in inside_fstrings
        ):
            yield node.lineno, node.value


def offences(relative: str, source: str) -> list[Offence]:
    """The SQLite-only constructs in one module's source."""
    tree = ast.parse(source)
    found: list[Offence] = []

    def add(node_line: int, what: str, text: str) -> None:
        found.append(Offence(relative, node_line, what, text.strip()[:90]))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in DRIVERS:
                    add(node.lineno, "imports a SQLite driver", f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in DRIVERS:
                add(node.lineno, "imports a SQLite driver", f"from {node.module} import ...")
        elif isinstance(node, ast.Call):
            # SQLAlchemy's per-dialect options (``sqlite_where=``) are fine given for every
            # dialect; given for SQLite alone, they make the schema differ by database.
            given = {k.arg for k in node.keywords if k.arg is not None}
            for keyword in node.keywords:
                name = keyword.arg or ""
                server = "postgresql_" + name.removeprefix("sqlite_")
                if name in SQLITE_KEYWORDS or (name.startswith("sqlite_") and server not in given):
                    add(keyword.value.lineno, "a SQLite-only argument", f"{name}=...")
            if ast.unparse(node.func).endswith("custom_op") and any(
                isinstance(a, ast.Constant) and a.value == "+" for a in node.args
            ):
                add(node.lineno, "unary + to steer SQLite's index choice", ast.unparse(node))
        elif isinstance(node, ast.Attribute) and node.attr == "lastrowid":
            add(node.lineno, "the cursor's lastrowid (SQLite's rowid)", ".lastrowid")
        elif isinstance(node, ast.Compare) and any(
            isinstance(c, ast.Constant) and c.value == "sqlite"
            for c in (node.left, *node.comparators)
        ):
            add(node.lineno, "a test of the dialect's name", ast.unparse(node))
    for line, text in _strings(tree):
        for what, pattern in SQL_PATTERNS:
            if pattern.search(text):
                add(line, what, text)
    return found


def test_no_sqlite_only_construct_outside_the_dialect_modules() -> None:
    found = [
        offence
        for relative, path in package_modules()
        for offence in offences(relative, path.read_text(encoding="utf-8"))
    ]
    listing = "\n".join(str(o) for o in found)
    assert not found, (
        f"{len(found)} SQLite-only construct(s) outside onboard_desk/storage/dialects/; "
        f"move them behind the dialect layer:\n{listing}"
    )


# --- The scan itself: it finds each kind of construct, and leaves prose and Python alone ---


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("import sqlite3\n", "imports a SQLite driver"),
        ("from sqlite3 import connect\n", "imports a SQLite driver"),
        ('q = f"SELECT count(*) FROM {s}.sqlite_master"\n', "the sqlite_master catalogue"),
        ('q = "ATTACH DATABASE ? AS src0"\n', "ATTACH / DETACH DATABASE"),
        ('q = "PRAGMA cache_size=-32000"\n', "PRAGMA"),
        ('q = f"julianday({column})"\n', "julianday()"),
        ('q = "SELECT substr(p.created_at, 1, 7) FROM prospect p"\n', "substr() on a stored"),
        ('q = "SELECT rowid FROM prospect_fts WHERE prospect_fts MATCH :q"\n', "MATCH"),
        ('q = "FROM activity a INDEXED BY ix_activity_customer"\n', "INDEXED BY"),
        ('q = f"+{expression}"\n', "unary +"),
        ('q = "WHERE +p.created_at >= :start"\n', "unary +"),
        ('q = "INSERT OR IGNORE INTO tag (name) VALUES (:name)"\n', "INSERT OR"),
        ('q = f"DROP TABLE IF EXISTS temp.{name}"\n', "the temp. schema"),
        ("q = \"SELECT SUM(sc.to_stage = 'won') FROM stagechange sc\"\n", "a comparison summed"),
        ('q = "CAST(x + 0.5 AS INTEGER)"\n', "CAST(... AS INTEGER)"),
        ('e = create_engine("sqlite://")\n', "a SQLite URL"),
        ("c = connect(uri, check_same_thread=False)\n", "a SQLite-only argument"),
        ("Index('ix', 'a', sqlite_where=text('a IS NOT NULL'))\n", "a SQLite-only argument"),
        ("x = operators.custom_op('+')\n", "unary +"),
        ("i = cursor.lastrowid\n", "lastrowid"),
        ('if connection.dialect.name != "sqlite":\n    pass\n', "a test of the dialect's name"),
    ],
)
def test_the_scan_finds(source: str, what: str) -> None:
    found = offences("example.py", source)
    assert any(what in offence.what for offence in found), found


def test_the_scan_leaves_prose_and_python_alone() -> None:
    source = '''
Index("ix", "a", sqlite_where=text("a > 0"), postgresql_where=text("a > 0"))
"""Docstrings may say PRAGMA, ATTACH, julianday() or INDEXED BY: they explain."""

def f(moment):
    """The same for a function's docstring: sqlite_master, rowid, MATCH."""
    label = moment.strftime("%Y-%m-%d")  # Python's strftime, not SQL's
    phone = "+44 20 7946 0000"
    total = a + b
    return f"{label} + {phone}", "SELECT count(*) FROM prospect WHERE owner = :owner"
'''
    assert offences("example.py", source) == []


# --- The dialect layer -------------------------------------------------------------------


def test_the_sqlite_module_provides_everything_a_dialect_provides() -> None:
    members = [
        name
        for name in vars(dialects.SqlDialect)
        if not name.startswith("_") and name not in vars(typing.Protocol)
    ]
    assert "day_number" in members and "has_table" in members
    missing = [name for name in members if not hasattr(sqlite_dialect, name)]
    assert not missing
    assert sqlite_dialect.NAME == "sqlite" == dialects.EMBEDDED


def test_the_dialect_is_picked_by_name_for_engines_connections_and_sessions(
    engine: Engine, session: Session
) -> None:
    assert dialects.dialect_of(engine) is sqlite_dialect
    with engine.connect() as connection:
        assert dialects.dialect_of(connection) is sqlite_dialect
    assert dialects.dialect_of(session) is sqlite_dialect
    assert dialects.embedded() is sqlite_dialect
    with pytest.raises(dialects.UnsupportedDatabaseError, match="cannot work with a oracle"):
        dialects.dialect_named("oracle")


def test_partial_indexes_are_partial_on_every_dialect() -> None:
    from sqlmodel import SQLModel

    import onboard_desk.storage.models  # noqa: F401  (the tables)

    partial = [
        index
        for table in SQLModel.metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["sqlite"]["where"] is not None
    ]
    assert len(partial) >= 9  # the customers' activities, and the journeys' eight durations
    for index in partial:
        sqlite_where = str(index.dialect_options["sqlite"]["where"])
        assert str(index.dialect_options["postgresql"]["where"]) == sqlite_where, index.name


def test_index_steering_is_rendered_by_the_dialect() -> None:
    from sqlmodel import col, select

    from onboard_desk.storage.models import Prospect

    condition = (col(Prospect.stage) == "trial") & (col(Prospect.owner) == "Ann")
    steered = constructs.not_for_index_columns(condition, "prospect", ["stage"])
    rendered = str(select(col(Prospect.id)).where(steered).compile(dialect=sqlite_sa.dialect()))
    assert "+prospect.stage = " in rendered
    assert "+prospect.owner" not in rendered and "prospect.owner = " in rendered


def test_search_statements_keep_their_own_words_through_the_statement_cache(
    session: Session,
) -> None:
    """The search construct is cached once per shape; each search binds its own words."""
    for name in ("Alpha Robotics", "Bravo Bakery", "Charlie Robotics"):
        store.create_prospect(session, fields={"name": name}, by="t")
    session.commit()

    def names(text: str) -> list[str]:
        flt = queries.ProspectFilter(search=text)
        return sorted(p.name for p in queries.list_prospects(session, flt=flt))

    def count(text: str) -> int:
        return queries.count_prospects(session, flt=queries.ProspectFilter(search=text))

    assert names("robotics") == ["Alpha Robotics", "Charlie Robotics"]
    assert names("bakery") == ["Bravo Bakery"]
    assert names("charlie robotics") == ["Charlie Robotics"]
    assert (count("robotics"), count("bakery"), count('"quoted')) == (2, 1, 0)


def test_a_file_that_is_not_a_database_is_named_in_sqlite_words(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("not a database, just some notes\n" * 100)
    with pytest.raises(dialects.UnreadableDatabaseError, match="SQLite says: file is not a"):
        sqlite_dialect.read_schema_revision(path)

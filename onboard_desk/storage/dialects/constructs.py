"""SQLAlchemy constructs whose SQL the dialect of the executing connection writes.

The lists' and the Today screen's statements are built before anyone knows which database
will run them (a view builds one and pages through it, an export streams it). These
constructs stand in for their dialect-specific parts and are rendered when the statement
is compiled, by the dialect module named by the connection's ``dialect.name``
(:func:`onboard_desk.storage.dialects.dialect_named`): SQLite's unary ``+`` and FTS5
search today, another dialect's search later, with no change to the statements.

Each construct takes part in SQLAlchemy's statement cache: what varies between two
statements (the column, the search words) is in its cache key or in a bound parameter,
and the SQL a dialect writes for it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Column, Float, Integer, String, bindparam, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnClause, ColumnElement, TextClause
from sqlalchemy.sql.selectable import Subquery
from sqlalchemy.sql.type_api import TypeDecorator
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

from onboard_desk.storage.dialects import NAMES, SqlDialect, dialect_named, embedded


def _dialect(name: str) -> SqlDialect:
    """The dialect module for ``name``; the embedded one when a statement is only printed
    (``str(statement)`` compiles for SQLAlchemy's ``default`` dialect)."""
    return dialect_named(name) if name in NAMES else embedded()


# --- Index steering ---------------------------------------------------------------------------


class _Unindexed(ColumnElement[Any]):
    """A column as the planner will not answer it from an index (see
    :meth:`~onboard_desk.storage.dialects.SqlDialect.not_for_index`)."""

    __visit_name__ = "unindexed_column"
    inherit_cache = True
    # SQLAlchemy's cache key and cloning walk these attributes (a list, as it declares it).
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: ColumnClause[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _render_unindexed(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.column, **kw)
    return _dialect(compiler.dialect.name).not_for_index(inner)


def not_for_index_columns(
    condition: ColumnElement[bool], table: str, columns: Iterable[str]
) -> ColumnElement[bool]:
    """``condition`` with ``table``'s ``columns`` kept out of the planner's index choice:
    the same test, answered from the index the statement is written for.

    A Today group lists its first rows in the order of one chosen index and stops there;
    the condition itself is built once and shared with the list's filters, and only its
    use there is steered.
    """
    names = set(columns)

    def hide(element: Any, **_kw: Any) -> Any:
        if isinstance(element, Column) and element.table.name == table and element.name in names:
            return _Unindexed(element)
        return None

    return replacement_traverse(condition, {}, hide)


# --- Search -----------------------------------------------------------------------------------

#: Words at least this long are searched through the dialect's search index (every
#: dialect finds them: SQLite's trigram index, PostgreSQL's pg_trgm); shorter ones are
#: matched as prefixes of the name, company or email, in plain SQL.
MIN_SEARCH_WORD = 3


class _SearchWords(TypeDecorator[list[str]]):
    """The search words as a bound value, in the form the dialect's search takes them
    (:meth:`~onboard_desk.storage.dialects.SqlDialect.search_param`)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        return None if value is None else _dialect(dialect.name).search_param(list(value))


class _SearchSql(TextClause):
    """The dialect's search statement (:data:`SEARCH_IDS_SQL` or :data:`SEARCH_RANKS_SQL`
    of the dialect module) with the words bound as ``:search``."""

    inherit_cache = True
    #: The dialect module's constant holding the SQL.
    which = ""

    def __init__(self, words: list[str]) -> None:
        super().__init__(":search")
        self._bindparams = {
            "search": bindparam("search", list(words), type_=_SearchWords(), unique=True)
        }


class _SearchIds(_SearchSql):
    inherit_cache = True
    which = "SEARCH_IDS_SQL"


class _SearchRanks(_SearchSql):
    inherit_cache = True
    which = "SEARCH_RANKS_SQL"


@compiles(_SearchIds)
@compiles(_SearchRanks)
def _render_search(element: _SearchSql, compiler: SQLCompiler, **kw: Any) -> str:
    statement: str = getattr(_dialect(compiler.dialect.name), element.which)
    return compiler.process(text(statement).bindparams(*element._bindparams.values()), **kw)


def search_match_clause(id_column: Any, words: list[str]) -> ColumnElement[bool]:
    """``id_column IN (prospects whose text contains every one of ``words``)``."""
    matches = _SearchIds(words).columns(id=Integer)
    clause: ColumnElement[bool] = id_column.in_(matches)
    return clause


def search_ranks(words: list[str], name: str = "search") -> Subquery:
    """A subquery ``name(id, rank)`` of the prospects matching every one of ``words``,
    lower rank for a better match, to join on the prospect's id."""
    return _SearchRanks(words).columns(id=Integer, rank=Float).subquery(name)


# --- Text matched with accents and case folded ------------------------------------------------

#: In :func:`matches_folded`'s parts: any run of characters.
ANY_TEXT = None


class _FoldedPattern(TypeDecorator[tuple[str | None, ...]]):
    """The parts of a folded match as a bound value, in the form the dialect's match takes
    them (:meth:`~onboard_desk.storage.dialects.SqlDialect.folded_pattern`)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: tuple[str | None, ...] | None, dialect: Dialect) -> Any:
        return None if value is None else _dialect(dialect.name).folded_pattern(list(value))


class _FoldedMatch(ColumnElement[bool]):
    """``expression`` matches the parts, accents and case folded (see
    :func:`matches_folded`)."""

    __visit_name__ = "folded_match"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's declaration is a list)
        ("text", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, expression: ColumnElement[Any], parts: tuple[str | None, ...]) -> None:
        self.text = expression
        self.pattern = bindparam(None, parts, type_=_FoldedPattern(), unique=True)
        self.type = Boolean()


@compiles(_FoldedMatch)
def _render_folded_match(element: _FoldedMatch, compiler: SQLCompiler, **kw: Any) -> str:
    expression = compiler.process(element.text, **kw)
    pattern = compiler.process(element.pattern, **kw)
    return _dialect(compiler.dialect.name).folded_match(expression, pattern)


def matches_folded(expression: Any, *parts: str | None) -> ColumnElement[bool]:
    """``expression`` is the text ``parts`` spell, accents and case folded on both sides:
    each part is text, or :data:`ANY_TEXT` for any run of characters. A prefix is
    ``matches_folded(column, word, ANY_TEXT)``; "a word of it starts with" adds
    ``matches_folded(column, ANY_TEXT, " ", word, ANY_TEXT)``."""
    return _FoldedMatch(expression, tuple(parts))

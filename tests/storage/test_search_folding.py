"""Search ignores accents and case: the full-text search, short words (the quick
switcher's "zoe mu"), tags and referral codes, on names in several scripts. The stored
text is never changed.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from onboard_desk.domain.referral_codes import normalize_code
from onboard_desk.services.desk import Desk
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.storage import db
from onboard_desk.storage.dialects import sqlite as sqlite_dialect
from onboard_desk.storage.models import Prospect

PEOPLE = [
    ("Zoë Müller", "Acme GmbH", "zoe@acme-example.de", "Événement,VIP"),
    ("Françoise Lopéz", "Numérique SA", "f.lopez@example.fr", ""),
    ("Anders Ångström", "Øresund AB", "anders@example.se", ""),
    ("José Núñez", "Peñarol", "jose@example.uy", ""),
    ("Nguyễn Thị Hương", "Phạm Ngọc", "huong@example.vn", ""),
    ("Ștefan Țurcanu", "Škoda Žilina", "stefan@example.ro", ""),
    ("Иван Петров", "Ёлка", "ivan@example.ru", "клиент"),
    ("Μαρία Παπαδοπούλου", "Ελλάς", "maria@example.gr", ""),
    ("山田 太郎", "株式会社", "yamada@example.jp", ""),
    ("Zoe Smith", "Beta Ltd", "zoe.smith@example.com", "vip"),
]


@pytest.fixture
def people(desk: Desk) -> Desk:
    with desk.writing() as session:
        for name, company, email, tags in PEOPLE:
            session.add(Prospect(name=name, company=company, email=email, tags=tags, owner="me"))
    return desk


def found(desk: Desk, search: str = "", tag: str | None = None) -> list[str]:
    rows = desk.lists.prospects(ProspectFilter(search=search, tag=tag), limit=None)
    assert desk.lists.count(ProspectFilter(search=search, tag=tag)) == len(rows)
    return sorted(p.name for p in rows)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("muller", ["Zoë Müller"]),
        ("MULLER", ["Zoë Müller"]),
        ("Müller", ["Zoë Müller"]),
        ("francoise", ["Françoise Lopéz"]),
        ("lopez", ["Françoise Lopéz"]),
        ("numerique", ["Françoise Lopéz"]),
        ("angstrom", ["Anders Ångström"]),
        ("nunez penarol", ["José Núñez"]),
        ("huong", ["Nguyễn Thị Hương"]),  # Vietnamese: letters with two accents
        ("nguyen pham", ["Nguyễn Thị Hương"]),
        ("stefan turcanu", ["Ștefan Țurcanu"]),
        ("skoda zilina", ["Ștefan Țurcanu"]),
        ("иван", ["Иван Петров"]),  # Cyrillic: case folded
        ("ПЕТРОВ", ["Иван Петров"]),
        ("Μαρία", ["Μαρία Παπαδοπούλου"]),  # Greek, as written
        ("山田", ["山田 太郎"]),  # too short for trigrams: matched as the start of a word
        ("太郎", ["山田 太郎"]),
        ("zoe", ["Zoe Smith", "Zoë Müller"]),
        ("zoe mu", ["Zoë Müller"]),  # the quick switcher's example
        ("ZOË MÜ", ["Zoë Müller"]),
        ("zo", ["Zoe Smith", "Zoë Müller"]),
        ("an ång", ["Anders Ångström"]),
        ("ив", ["Иван Петров"]),
        ("ng", ["Nguyễn Thị Hương"]),
    ],
)
def test_search_ignores_accents_and_case(people: Desk, search: str, expected: list[str]) -> None:
    assert found(people, search) == expected


def test_tags_match_with_accents_and_case_folded(people: Desk) -> None:
    assert found(people, tag="événement") == ["Zoë Müller"]
    assert found(people, tag="EVENEMENT") == ["Zoë Müller"]
    assert found(people, tag="vip") == ["Zoe Smith", "Zoë Müller"]
    assert found(people, tag="КЛИЕНТ") == ["Иван Петров"]
    assert found(people, tag="ev") == []  # a whole tag, not a part of one


def test_the_stored_text_is_never_changed(people: Desk) -> None:
    stored = sorted(
        (p.name, p.company, p.email, p.tags) for p in people.lists.prospects(limit=None)
    )
    assert stored == sorted(PEOPLE)


def test_referral_codes_ignore_accents_dashes_and_full_width() -> None:
    assert normalize_code("abcd-efgh") == "ABCDEFGH"
    assert normalize_code("ÁBCD–ÉFGH") == "ABCDEFGH"  # en dash, accents
    assert normalize_code("ＡＢＣＤ－ＥＦＧＨ") == "ABCDEFGH"  # full-width keyboard


def test_the_migration_rebuilds_an_older_index(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "old.sqlite3"
    engine: Engine = db.make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        # Revision 0001 makes the index as the code says today; the downgrade puts back
        # the accent-sensitive index revision 0009's databases have.
        command.upgrade(config, "0010fold")
        command.downgrade(config, "0009")
    with engine.begin() as connection:
        # Every required column of revision 0009's table, with a plain value.
        values: dict[str, str | int] = {
            "name": "Zoë Müller",
            "company": "Acme",
            "stage": "outreach",
        }
        for _cid, column, kind, notnull, default, primary in connection.exec_driver_sql(
            "PRAGMA table_info(prospect)"
        ):
            if notnull and default is None and not primary and column not in values:
                is_text = "CHAR" in kind.upper() or "TEXT" in kind.upper()
                values[column] = (
                    "2026-01-01" if kind.upper().startswith("DATE") else ("" if is_text else 0)
                )
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        connection.exec_driver_sql(
            f"INSERT INTO prospect ({columns}) VALUES ({marks})", tuple(values.values())
        )
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'prospect_fts'"
        ).scalar_one()
        assert "remove_diacritics" not in sql
    engine.dispose()
    assert db.check_schema(path) == "0009"
    desk = Desk(db.open_database(path), path)
    try:
        assert found(desk, "muller") == ["Zoë Müller"]
        with desk.writing() as session:  # the triggers came back with the table
            session.add(Prospect(name="Françoise Lopéz", owner="me"))
        assert found(desk, "francoise") == ["Françoise Lopéz"]
    finally:
        desk.close()


def _glob(text: str, pattern: str) -> bool:
    connection = sqlite_dialect.connect(None)
    try:
        return bool(connection.execute("SELECT ? GLOB ?", (text, pattern)).fetchone()[0])
    finally:
        connection.close()


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.characters(codec="utf-8", blacklist_characters="\x00"),
        min_size=1,
        max_size=12,
    )
)
def test_a_folded_pattern_matches_its_own_text_and_nothing_escapes(word: str) -> None:
    """Any typed text (GLOB's own *, ?, [, ] and ^ included) is matched literally."""
    text = unicodedata.normalize("NFC", word)
    assert _glob(text + " and more", sqlite_dialect.folded_pattern([word, None]))
    assert _glob("x " + text, sqlite_dialect.folded_pattern([None, " ", word]))
    assert not _glob(text, sqlite_dialect.folded_pattern([word, "\u2603"]))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aeiouncszAEIOUNCSZäëïöüñçšžÀÉÎÕÜÑÇŠŽåøÅ", min_size=1, max_size=8))
def test_a_folded_pattern_matches_every_accented_spelling(word: str) -> None:
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    assert _glob(word.upper(), sqlite_dialect.folded_pattern([plain.lower(), None]))
    assert _glob(plain, sqlite_dialect.folded_pattern([word, None]))

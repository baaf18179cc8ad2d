"""New prospect and the import find the same duplicates on the same rows.

The same people are added to two identical databases: one by the import (which skips a
row that matches), the other one by one the way the New-prospect dialog does it (look
up likely duplicates of what was typed; add the person only when there are none). Both
must find, for every row, the same prospect or none, so that within-file duplicates
(an earlier row of the file, or a prospect added a moment ago) count alike.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onboard_desk.importing import DuplicateAction, ImportOptions, run_import
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import db
from onboard_desk.storage.duplicates import find_likely_duplicates

REGION = "DE"

#: Already in both databases, in this order (ids 1 to 8).
EXISTING = [
    {"name": "Ana López", "company": "Acme Robotics Inc.", "email": "Ana.Lopez@acme.example"},
    {"name": "Ben Okafor", "company": "Blue Harbor GmbH", "email": "ben@blue.example"},
    {"name": "Carla Díaz", "company": "Acme Robotics", "phone": "030 7654321"},
    {"name": "Info Desk", "company": "Nordwind AG", "email": "info@nordwind.example"},
    {
        "name": "Dana Weiss",
        "company": "Nordwind",
        "email": "INFO@nordwind.example",
        "phone": "+49 40 5550100",
    },
    {"name": "Mary Chen", "company": "Brightside Dental", "phone": "+49 89 1234567"},
    {"name": "John Smith", "company": "Brightside Dental Ltd."},
    {"name": "Sean O'Brien", "company": "Cedar & Co.", "phone": "+49 30 1234567"},
]

#: (name, company, email, phone) per file line from 2, and the prospect each one is
#: (None: a new person, given the next id).
ROWS: list[tuple[tuple[str, str, str, str], int | None]] = [
    # Accents, word order and a legal form.
    (("Lopez, Ana", "ACME robotics", "", ""), 1),
    # Email in another case, no name in common.
    (("Someone Else", "", "ana.lopez@ACME.example", ""), 1),
    # A national number written differently from the stored international one.
    (("X Y", "", "", "(030) 123-4567"), 8),
    # Phone and a close name (accents) at the company with its legal form.
    (("Carla Diaz", "Acme Robotics Inc", "", "+49 (30) 765-4321"), 3),
    # A shared address: two prospects have it; the one with the same phone comes first.
    (("Dana Weiß", "", "info@Nordwind.example", "040 5550100"), 5),
    # One letter apart in a short name at one company: different people.
    (("Mark Chen", "Brightside Dental", "", ""), None),  # 9
    # One letter apart in a name: the same person, whatever the legal form.
    (("Jon Smith", "brightside dental", "", ""), 7),
    (("Zoë Müller", "Nordlicht GmbH", "zoe@nordlicht.example", ""), None),  # 10
    # Duplicates within the file: a close name (accents, order), then the email.
    (("Muller, Zoe", "Nordlicht", "", ""), 10),
    (("Z. Mueller", "", "Zoe@Nordlicht.EXAMPLE", ""), 10),
    # Another company (a spelling the key does not fold): a new person.
    (("Ben Okafor", "Blue Harbour", "", ""), None),  # 11
    (("Mark Chen", "BRIGHTSIDE DENTAL", "mark@brightside.example", ""), 9),
    (("Ana Lopez", "Other Co", "", ""), None),  # 12
    # E.164 and a formatted number of the same phone, within the file.
    (("Paul Jones", "", "", "+1 212 555 0100"), None),  # 13
    (("P. Jones", "", "", "+12125550100"), 13),
    # Punctuation in the name and the company.
    (("OBrien, Sean", "Cedar and Co", "", ""), 8),
    # The same phone as one prospect, the same email as another: the email wins.
    (("Who Knows", "", "ben@blue.example", "+49 89 1234567"), 2),
]


def _database(path: Path) -> Engine:
    engine = db.open_database(path)
    with db.session_scope(engine) as session:
        for fields in EXISTING:
            prospect_ops.create_prospect(session, fields=fields, by="Ann", region=REGION)
    return engine


def _csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Company", "Email", "Phone"])
        writer.writerows(row for row, _expected in ROWS)
    return path


def _as_new_prospect(engine: Engine) -> dict[int, int | None]:
    """Each row typed into New prospect: the first likely duplicate, or added."""
    found: dict[int, int | None] = {}
    for line, ((name, company, email, phone), _expected) in enumerate(ROWS, start=2):
        with db.session_scope(engine) as session:
            duplicates = find_likely_duplicates(session, name, company, email, phone, region=REGION)
            if duplicates:
                found[line] = duplicates[0].prospect_id
            else:
                fields = {"name": name, "company": company, "email": email, "phone": phone}
                prospect_ops.create_prospect(session, fields=fields, by="Ann", region=REGION)
                found[line] = None
    return found


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker"])
def test_new_prospect_and_the_import_find_the_same_duplicates(
    tmp_path: Path, parallel: bool
) -> None:
    expected = {line: prospect for line, (_row, prospect) in enumerate(ROWS, start=2)}

    by_hand = _database(tmp_path / "by_hand.sqlite3")
    typed = _as_new_prospect(by_hand)

    imported = _database(tmp_path / "imported.sqlite3")
    result = run_import(
        imported,
        _csv(tmp_path / "people.csv"),
        ImportOptions(region=REGION, on_duplicate=DuplicateAction.SKIP),
        by="Ann",
        parallel=parallel,
    )
    matched: dict[int, int | None] = dict.fromkeys(expected)
    matched.update({d.line: d.match.prospect_id for d in result.duplicates})

    assert typed == expected
    assert matched == expected
    # The prospects added are the same ones, under the same ids.
    with by_hand.connect() as one, imported.connect() as other:
        rows = "SELECT id, name, company_key, email_key, phone_key FROM prospect ORDER BY id"
        assert one.exec_driver_sql(rows).all() == other.exec_driver_sql(rows).all()
    by_hand.dispose()
    imported.dispose()


def test_the_reasons_agree(tmp_path: Path) -> None:
    """The import's reason for each duplicate is New prospect's strongest one."""
    engine = _database(tmp_path / "reasons.sqlite3")
    result = run_import(
        engine,
        _csv(tmp_path / "people.csv"),
        ImportOptions(region=REGION, on_duplicate=DuplicateAction.SKIP),
        by="Ann",
        parallel=False,
    )
    with db.session_scope(engine) as session:
        for duplicate in result.duplicates:
            (name, company, email, phone), _expected = ROWS[duplicate.line - 2]
            found = find_likely_duplicates(session, name, company, email, phone, region=REGION)
            assert found[0].prospect_id == duplicate.match.prospect_id
            assert found[0].reasons[0] == duplicate.match.kind.label
            assert found[0].score == pytest.approx(duplicate.match.score)
    engine.dispose()

"""The New-prospect duplicate check as a use case: who may already be there, and why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from onboard_desk.services.desk import Desk
from onboard_desk.services.prospects import LikelyDuplicate


@pytest.fixture
def ana(desk: Desk) -> int:
    prospect = desk.prospects.add(
        {
            "name": "Ana López",
            "company": "Acme Robotics",
            "email": "Ana.Lopez@Acme.example",
            "phone": "+49 30 1234567",
        },
        region="DE",
    )
    desk.prospects.add({"name": "Ben Okafor", "company": "Blue Harbor"})
    assert prospect.id is not None
    return prospect.id


def test_the_same_email_phone_or_a_close_name_at_the_company(desk: Desk, ana: int) -> None:
    duplicates = desk.prospects.likely_duplicates
    assert [d.prospect_id for d in duplicates("X", email="ana.lopez@ACME.example")] == [ana]
    assert [d.prospect_id for d in duplicates("X", phone="030 1234567", region="DE")] == [ana]
    assert duplicates("X", phone="030 1234567", region="US") == []
    found = duplicates("lopez, ana", "ACME robotics")
    assert [d.prospect_id for d in found] == [ana]
    assert found[0].reasons == ("similar name at the same company",)
    assert isinstance(found[0], LikelyDuplicate)
    assert duplicates("Ana Lopez", "Blue Harbor") == []


def test_what_is_typed_is_taken_without_surrounding_spaces(desk: Desk, ana: int) -> None:
    found = desk.prospects.likely_duplicates("  Ana Lopez ", " Acme Robotics  ")
    assert [d.prospect_id for d in found] == [ana]


def test_the_prospect_being_edited_is_left_out(desk: Desk, ana: int) -> None:
    found = desk.prospects.likely_duplicates(
        "Ana Lopez", "Acme Robotics", "ana.lopez@acme.example", exclude_id=ana
    )
    assert found == []


def test_a_name_alone_is_not_looked_up(
    desk: Desk, ana: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an email, a phone, or a name with its company there is nothing to check:
    the database is not even read (the dialog asks as the user types)."""
    reads: list[int] = []
    real = desk.reading

    @contextmanager
    def reading() -> Iterator[Any]:
        reads.append(1)
        with real() as session:
            yield session

    monkeypatch.setattr(desk, "reading", reading)
    for name, company in (("Ana López", ""), ("", "Acme Robotics"), ("  ", "  ")):
        assert desk.prospects.likely_duplicates(name, company) == []
    assert reads == []
    assert desk.prospects.likely_duplicates("Ana López", "Acme Robotics")
    assert reads == [1]

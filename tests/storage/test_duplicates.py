"""The duplicate finder: same email, same phone, or a close name at the same company."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlmodel import Session

from onboard_desk.domain.matching import REASON_EMAIL, REASON_NAME, REASON_PHONE, name_similarity
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage.duplicates import find_likely_duplicates


@pytest.fixture
def existing(session: Session) -> dict[str, int]:
    rows = {
        "ana": {
            "name": "Ana López",
            "company": "Acme Robotics",
            "email": "Ana.Lopez@Acme.example",
            "phone": "+49 30 1234567",
        },
        "ben": {"name": "Ben Okafor", "company": "Blue Harbor", "email": "ben@blue.example"},
        "other_ana": {"name": "Ana Lopes", "company": "Other Co"},
    }
    ids = {}
    for key, fields in rows.items():
        prospect = prospect_ops.create_prospect(session, fields=fields, by="t", region="DE")
        assert prospect.id is not None
        ids[key] = prospect.id
    session.commit()
    return ids


def test_same_email_in_any_case_is_a_duplicate(session: Session, existing: dict[str, int]) -> None:
    found = find_likely_duplicates(session, "Someone Else", "", "ana.lopez@ACME.example", "")
    assert [d.prospect_id for d in found] == [existing["ana"]]
    assert found[0].reasons == (REASON_EMAIL,)


def test_same_phone_written_differently_is_a_duplicate(
    session: Session, existing: dict[str, int]
) -> None:
    found = find_likely_duplicates(session, "X", "", "", "030 1234567", region="DE")
    assert [d.prospect_id for d in found] == [existing["ana"]]
    assert found[0].reasons == (REASON_PHONE,)
    # The same digits read in another region are another number.
    assert find_likely_duplicates(session, "X", "", "", "030 1234567", region="US") == []


def test_close_name_at_same_company_is_a_duplicate(
    session: Session, existing: dict[str, int]
) -> None:
    found = find_likely_duplicates(session, "lopez, ana", "ACME robotics", "", "")
    assert [d.prospect_id for d in found] == [existing["ana"]]
    assert found[0].reasons == (REASON_NAME,)
    assert "Acme Robotics" in found[0].describe()


def test_close_name_elsewhere_or_other_name_same_company_is_not(
    session: Session, existing: dict[str, int]
) -> None:
    assert find_likely_duplicates(session, "Ana Lopez", "Blue Harbor", "", "") == []
    assert find_likely_duplicates(session, "Carla Diaz", "Acme Robotics", "", "") == []
    assert find_likely_duplicates(session, "", "", "", "") == []


def test_several_reasons_rank_first_and_exclude_id(
    session: Session, existing: dict[str, int]
) -> None:
    found = find_likely_duplicates(
        session, "Ana Lopez", "Acme Robotics", "ana.lopez@acme.example", "+49301234567"
    )
    assert found[0].prospect_id == existing["ana"]
    assert set(found[0].reasons) == {REASON_EMAIL, REASON_PHONE, REASON_NAME}
    assert (
        find_likely_duplicates(
            session,
            "Ana Lopez",
            "Acme Robotics",
            "ana.lopez@acme.example",
            "",
            exclude_id=existing["ana"],
        )
        == []
    )


def test_unreadable_phone_matches_nothing(session: Session, existing: dict[str, int]) -> None:
    assert find_likely_duplicates(session, "Q", "", "", "call me maybe") == []


def test_name_similarity_ignores_order_and_case() -> None:
    assert name_similarity("Lopez, Ana", "ana lopez") == 100
    assert name_similarity("Ana Lopez", "Bob Smith") < 50


def test_duplicates_module_needs_no_qt() -> None:
    code = (
        "import sys, onboard_desk.storage.duplicates, onboard_desk.storage.saved_views; "
        "sys.exit('PySide6' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

"""The duplicate rule (onboard_desk.domain.matching): its keys, its scorer and threshold on
real-looking names, and the order of its findings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from onboard_desk.domain import matching
from onboard_desk.domain.matching import (
    NAME_THRESHOLD,
    REASON_EMAIL,
    REASON_NAME,
    REASON_PHONE,
    Candidate,
    company_key,
    name_key,
    name_similarity,
    ranked,
)


def test_email_key_ignores_case_and_spaces() -> None:
    assert matching.email_key(" Ana.Lopez@ACME.example ") == "ana.lopez@acme.example"
    assert matching.email_key("") == ""


@pytest.mark.parametrize(
    ("raw", "region", "key"),
    [
        ("+49 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("(030) 123-4567", "DE", "+49301234567"),
        ("0049 30 1234567", "DE", "+49301234567"),
        ("+49301234567", "US", "+49301234567"),
        ("(212) 555-0100", "US", "+12125550100"),
        ("call me maybe", "US", ""),
        ("", "US", ""),
    ],
)
def test_phone_key_is_e164_in_the_region(raw: str, region: str | None, key: str) -> None:
    assert matching.phone_key(raw, region) == key


def test_the_same_digits_in_another_region_are_another_number() -> None:
    assert matching.phone_key("030 1234567", "US") != matching.phone_key("030 1234567", "DE")


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (("Acme Inc.", "ACME", "acme", "Acme, Inc", "Acme GmbH & Co. KG", "ACME Ltd"), "acme"),
        (("Acme Robotics", "ACME robotics Inc.", "Acme-Robotics"), "acme robotics"),
        (("Müller & Söhne GmbH", "Muller and Sohne", "MÜLLER + SÖHNE"), "muller sohne"),
        (("Café Zoë S.A.", "cafe zoe"), "cafe zoe"),
        (("I.B.M.", "IBM Corp.", "I B M"), "ibm"),
        # Legal forms count only at the end; a name made only of them is kept.
        (("AB InBev",), "ab inbev"),
        (("Company",), "company"),
        (("", "  ", "—"), ""),
    ],
)
def test_company_key_folds_case_accents_punctuation_and_legal_forms(
    names: tuple[str, ...], key: str
) -> None:
    assert {company_key(name) for name in names} == {key}


def test_different_companies_keep_different_keys() -> None:
    assert company_key("Blue Harbor") != company_key("Blue Harbour")
    assert company_key("Acme") != company_key("Acme Robotics")


def test_name_key_sorts_words_and_folds_case_accents_punctuation() -> None:
    assert name_key("Müller, Zoë") == name_key("zoe MULLER") == "muller zoe"
    assert name_key("Ana López") == name_key("LOPEZ, Ana") == "ana lopez"
    assert name_key("Dana Weiß") == name_key("dana weiss")
    assert name_key("Sean O'Brien") == name_key("OBrien, Sean") == "obrien sean"
    assert name_key("") == ""


#: Pairs of names at one company that are the same person (typos, order, accents,
#: spelling variants) ...
NEAR_HITS = [
    ("Ana López", "Lopez, Ana"),
    ("Jon Smith", "John Smith"),
    ("Marco Rosi", "Marco Rossi"),
    ("Zoë Müller", "Zoe Mueller"),
    ("Jonathan Smith", "Jonathon Smith"),
    ("Farrah Haddad", "Farah Haddad"),
    ("Sara Kim", "Sarah Kim"),
    ("Jean Martin", "Jeanne Martin"),
    ("O'Brien, Sean", "Sean OBrien"),
]
#: ... and pairs that are different people at one company, or too little to tell.
NEAR_MISSES = [
    ("Mary Chen", "Mark Chen"),
    ("Michael Brown", "Michelle Brown"),
    ("Tom Baker", "Tim Baker"),
    ("Bob Smith", "Rob Smith"),
    ("John Smith", "Jane Smith"),
    ("Ana Lopez", "Ana Lopez Garcia"),
    ("Li Wei", "Li Na"),
    ("Ana", "Ana Lopez"),
    ("Chris Lee", "Kris Lee"),
]


@pytest.mark.parametrize(("name", "other"), NEAR_HITS)
def test_near_hits_are_the_same_person(name: str, other: str) -> None:
    score = name_similarity(name, other)
    assert matching.is_close(score), score
    assert name_similarity(other, name) == score


@pytest.mark.parametrize(("name", "other"), NEAR_MISSES)
def test_near_misses_are_different_people(name: str, other: str) -> None:
    score = name_similarity(name, other)
    assert not matching.is_close(score), score


def test_the_threshold_sits_between_the_closest_miss_and_the_farthest_hit() -> None:
    """Deliberate: the closest near-miss stays below, the farthest near-hit above."""
    closest_miss = max(name_similarity(a, b) for a, b in NEAR_MISSES)
    farthest_hit = min(name_similarity(a, b) for a, b in NEAR_HITS)
    assert closest_miss < NAME_THRESHOLD <= farthest_hit


def test_empty_names_are_never_close() -> None:
    assert matching.name_score("", "") == 0
    assert matching.close_names("", ["ana lopez"]) == []
    assert matching.close_names("ana lopez", []) == []


def test_close_names_lists_every_close_key_with_its_position() -> None:
    keys = [name_key(n) for n in ("Jane Smith", "Jon Smith", "Ana Lopez", "John Smith")]
    found = matching.close_names(name_key("John Smith"), keys)
    assert [position for position, _score in found] == [1, 3]
    assert found[1][1] == 100


def test_ranked_puts_email_then_phone_then_name_then_the_oldest_first() -> None:
    found = ranked(
        email=[7, 3],
        phone=[3, 5, 9],
        names=[(9, 95.0), (4, 100.0), (5, 92.0), (6, 80.0)],
    )
    assert [c.prospect_id for c in found] == [3, 7, 9, 5, 4]
    assert found[0] == Candidate(3, same_email=True, same_phone=True)
    assert found[0].reasons == (REASON_EMAIL, REASON_PHONE)
    assert found[3].reasons == (REASON_PHONE, REASON_NAME)
    assert found[4].reasons == (REASON_NAME,)
    # The score: 100 on email or phone, else the name's (a name below the bar is no match).
    assert [c.score for c in found] == [100, 100, 100, 100, 100]
    assert ranked(names=[(4, 93.0), (2, 93.0), (8, 97.5)])[0].score == 97.5
    assert [c.prospect_id for c in ranked(names=[(4, 93.0), (2, 93.0)])] == [2, 4]


def test_ranked_leaves_out_the_prospect_being_edited() -> None:
    assert ranked(email=[3], phone=[3], exclude_id=3) == []
    assert [c.prospect_id for c in ranked(email=[3, 4], exclude_id=3)] == [4]


def test_the_rule_needs_no_qt_and_no_database() -> None:
    code = (
        "import sys, onboard_desk.domain.matching; "
        "print(sorted({'PySide6', 'sqlalchemy', 'sqlmodel'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

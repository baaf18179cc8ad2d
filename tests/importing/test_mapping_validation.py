"""Mapping proposals, saved and file mappings, and the per-row checks."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from onboard_desk.domain.matching import company_key, name_key
from onboard_desk.importing import (
    Field,
    MappingError,
    check_mapping,
    fit_mapping,
    get_mapping,
    load_mapping_file,
    mapping_names,
    propose_mapping,
    resolve_mapping,
    save_mapping,
)
from onboard_desk.importing.dates import DateReader
from onboard_desk.importing.emails import _plain, normalize_email
from onboard_desk.importing.phones import PhoneNormalizer
from onboard_desk.importing.validation import RowRejectedError, RowValidator


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
             "Connected On"],
            [Field.FIRST_NAME, Field.LAST_NAME, Field.NOTES, Field.EMAIL, Field.COMPANY,
             Field.TITLE, Field.CREATED],
        ),
        (
            ["Person - Name", "Person - Organization", "Person - Email - Work",
             "Person - Phone - Work", "Person - Labels", "Person - Owner"],
            [Field.NAME, Field.COMPANY, Field.EMAIL, Field.PHONE, Field.TAGS, Field.OWNER],
        ),
        (
            ["Record ID", "E-mail", "Phone Number", "Company Name", "Job Title", "Mobile"],
            [Field.IGNORE, Field.EMAIL, Field.PHONE, Field.COMPANY, Field.TITLE, Field.IGNORE],
        ),
        (["Name", "Organisation", "Lead Source"], [Field.NAME, Field.COMPANY, Field.CHANNEL]),
    ],
)  # fmt: skip
def test_proposed_mappings(headers: list[str], expected: list[Field]) -> None:
    assert list(propose_mapping(headers).values()) == expected


def test_name_column_dropped_when_first_and_last_exist() -> None:
    mapping = propose_mapping(["Name", "First Name", "Last Name", "Email"])
    assert mapping["Name"] is Field.IGNORE


def test_check_mapping() -> None:
    with pytest.raises(MappingError, match=r"name .* or to email"):
        check_mapping({"Company": Field.COMPANY})
    with pytest.raises(MappingError, match="several columns"):
        check_mapping({"A": Field.EMAIL, "B": Field.EMAIL})
    check_mapping({"A": Field.NOTES, "B": Field.NOTES, "C": Field.NAME})


def test_saved_mappings_roundtrip(session: Session) -> None:
    mapping = {"Mail": Field.EMAIL, "Who": Field.NAME, "Firm": Field.COMPANY}
    save_mapping(session, name="Trade fair", mapping=mapping)
    save_mapping(session, name="Trade fair", mapping={**mapping, "Firm": Field.IGNORE})
    assert mapping_names(session) == ["Trade fair"]
    assert get_mapping(session, "Trade fair")["Firm"] is Field.IGNORE
    assert resolve_mapping(session, "Trade fair")["Mail"] is Field.EMAIL
    with pytest.raises(MappingError, match=r"no saved mapping named 'Other'.*Trade fair"):
        get_mapping(session, "Other")
    with pytest.raises(MappingError, match="needs a name"):
        save_mapping(session, name=" ", mapping=mapping)


def test_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"Mail": "email", "Who": "name"}))
    assert load_mapping_file(path) == {"Mail": Field.EMAIL, "Who": Field.NAME}
    path.write_text(json.dumps({"Mail": "e-mail"}))
    with pytest.raises(MappingError, match=r"'e-mail' .* is not a field"):
        load_mapping_file(path)
    path.write_text("{nope")
    with pytest.raises(MappingError, match="not valid JSON"):
        load_mapping_file(path)


def test_fit_mapping_fills_unlisted_columns() -> None:
    fitted = fit_mapping({"who": Field.NAME}, ["Who", "Email", "Full Name"])
    assert fitted == {"Who": Field.NAME, "Email": Field.EMAIL, "Full Name": Field.IGNORE}


def validator(*headers: str, tags: str = "") -> RowValidator:
    return RowValidator(list(headers), propose_mapping(list(headers)), region="US", tags=tags)


def test_row_rejections() -> None:
    v = validator("First Name", "Last Name", "Email", "Create Date")
    with pytest.raises(RowRejectedError, match="no name and no email"):
        v.validate(["", "", "", ""])
    with pytest.raises(RowRejectedError, match="not a valid email"):
        v.validate(["Ana", "", "ana at x", ""])
    with pytest.raises(RowRejectedError, match="Create Date: cannot read 'soon' as a date"):
        v.validate(["Ana", "", "", "soon"])
    row = v.validate(["", "", "zoe.muller@Acme.Example", ""])
    assert (row.name, row.email, row.email_key) == (
        "Zoe Muller",
        "zoe.muller@acme.example",
        "zoe.muller@acme.example",
    )


def test_row_values() -> None:
    v = validator("Name", "Phone", "Tags", "Deal Value", "URL", "Notes", tags="fair")
    row = v.validate(["Ana", "(415) 555-0100", "vip; Fair", "1,200.50", "https://x", "Hi"])
    assert row.phone == "+1 415-555-0100" and row.phone_key == "+14155550100"
    assert row.tags == "vip,Fair" and row.value_cents == 120050
    assert row.notes == "URL: https://x\nHi"
    with pytest.raises(RowRejectedError, match="Deal Value: 'lots' is not an amount"):
        v.validate(["Ana", "", "", "lots", "", ""])


def test_phone_fast_path_agrees_with_phonenumbers() -> None:
    phones = PhoneNormalizer("US")
    assert phones("+14155550100") == ("+14155550100", "+14155550100")
    assert phones("+1 415-555-0100")[1] == "+14155550100"
    assert phones("not a phone") == ("not a phone", "")


def test_dates() -> None:
    read = DateReader()
    assert read("15 Mar 2024").date().isoformat() in ("2024-03-14", "2024-03-15")
    assert read("2024-05-02T10:15:00Z").isoformat() == "2024-05-02T10:15:00+00:00"
    day_first = DateReader()
    assert day_first("13/02/2024").day in (12, 13)
    assert day_first("02/03/2024").month == 3  # the column settled on day-first
    with pytest.raises(ValueError):
        read("31/31/2024")


def test_company_and_name_keys() -> None:
    assert company_key("Acme, Inc.") == company_key("ACME") == "acme"
    assert company_key("Müller & Söhne GmbH") == "muller sohne"
    assert name_key("Müller, Zoë") == name_key("zoe MULLER") == "muller zoe"


_local = st.text(
    alphabet=string.ascii_letters + string.digits + "._%+-!#'", min_size=0, max_size=70
)
_domain = st.text(alphabet=string.ascii_lowercase + string.digits + ".-", min_size=0, max_size=30)
_tld = st.sampled_from(["com", "example", "de", "local", "test", "x", "c0m", "onion", "co.uk"])


@settings(max_examples=400, deadline=None)
@given(local=_local, domain=_domain, tld=_tld)
@example(local="WWW", domain="0", tld="com")  # a role mailbox: its case does not count
@example(local="Postmaster", domain="acme", tld="de")
def test_fast_email_check_agrees_with_email_validator(local: str, domain: str, tld: str) -> None:
    address = f"{local}@{domain}.{tld}"
    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    fast = _plain(address)
    if fast is not None:
        assert fast == expected, address  # the fast path never accepts what the store refuses
    try:
        got = normalize_email(address)
    except ValueError:
        got = None
    assert got == expected

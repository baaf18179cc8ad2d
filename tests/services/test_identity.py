"""Who uses a database: chosen, never taken from the login; stored in one place each; the
first-run questions asked once; the phone keys kept true when the region changes."""

from __future__ import annotations

import getpass
from datetime import time

import pytest

from onboard_desk.domain.workhours import WorkingHours, WorkingHoursError, parse_days
from onboard_desk.errors import UserError
from onboard_desk.services.desk import Desk
from onboard_desk.services.settings import Identity, IdentityError
from onboard_desk.templates import render_for_prospect

ZOE = Identity(
    name="Zoë Müller",
    email="Zoe@Acme.example",
    signature="Zoë Müller\nAcme GmbH, Berlin",
    currency="eur",
    region="de",
    hours=WorkingHours(time(8, 30), time(16, 30), parse_days("mon-thu"), 20),
)


def test_a_new_database_has_no_salesperson_and_never_the_login_name(desk: Desk) -> None:
    """Today's bug: "root" (the login name) became the owner and the signature."""
    assert desk.user == ""
    identity = desk.settings.identity()
    assert not identity.named and identity.name != getpass.getuser()
    assert (identity.currency, identity.region, identity.hours) == ("USD", None, WorkingHours())
    prospect = desk.prospects.add({"name": "Ana López", "company": "Numérique SA"})
    assert prospect.owner == ""
    assert [h.by for h in desk.prospects.history(prospect.id or 0)] == [""]
    with desk.reading() as session:
        rendered = render_for_prospect(
            session,
            prospect_id=prospect.id or 0,
            subject="Hi",
            body="Best regards,\n{{ signature }}",
            config=desk.config,
            user=desk.user,
        )
    assert getpass.getuser() not in rendered.body


def test_the_first_run_is_asked_once_and_not_on_a_database_with_a_name(desk: Desk) -> None:
    assert desk.settings.first_run_needed()
    desk.settings.skip_first_run()
    assert not desk.settings.first_run_needed()
    assert desk.user == ""  # skipping keeps the defaults: still no name
    other = Desk(desk.engine, desk.path)
    assert not other.settings.first_run_needed()


def test_a_database_that_already_has_its_salesperson_is_not_asked(desk: Desk) -> None:
    desk.settings.set_user_name("Jamie Lee")
    assert not desk.settings.first_run_needed()


def test_the_answers_are_stored_each_in_its_one_home(desk: Desk) -> None:
    desk.settings.save_identity(ZOE)
    assert not desk.settings.first_run_needed()
    stored = desk.settings.identity()
    assert stored == Identity(
        "Zoë Müller",
        "Zoe@acme.example",
        "Zoë Müller\nAcme GmbH, Berlin",
        "EUR",
        "DE",
        ZOE.hours,
    )
    assert (desk.user, desk.currency, desk.region) == ("Zoë Müller", "EUR", "DE")
    assert desk.config.working_hours == ZOE.hours
    # The e-mail is the From address of the mail settings; the signature the one the
    # {{ signature }} field reads for this name.
    assert desk.outreach.mail_settings().from_address == "Zoe@acme.example"
    assert desk.outreach.signature() == "Zoë Müller\nAcme GmbH, Berlin"
    prospect = desk.prospects.add({"name": "Ana López", "phone": "030 1234567"})
    assert prospect.owner == "Zoë Müller"
    assert (prospect.phone, prospect.phone_key) == ("+49 30 1234567", "+49301234567")


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (Identity(email="zoe at acme"), "not a valid email address"),
        (Identity(currency="Euro"), "'Euro' is not a currency code"),
        (Identity(region="XX"), "'XX' is not a phone region"),
        (Identity(name="x" * 121), "at most 120 characters"),
    ],
)
def test_a_bad_answer_is_refused_in_one_sentence_and_nothing_is_stored(
    desk: Desk, identity: Identity, message: str
) -> None:
    with pytest.raises(IdentityError, match=message):
        desk.settings.save_identity(identity)
    assert desk.settings.identity() == Identity()
    assert desk.settings.first_run_needed()


def test_the_command_line_keys_change_one_value_each(desk: Desk) -> None:
    desk.settings.set_value("name", "  Jamie Lee ")
    desk.settings.set_value("phone_region", "fr")
    desk.settings.set_value("working-hours", "7:30-15:30")
    desk.settings.set_value("working-days", "mon,tue,wed,thu")
    desk.settings.set_value("signature", "Jamie\\nSales")
    shown = {item.key: item.show(desk.settings.identity()) for item in _keys()}
    assert shown["name"] == "Jamie Lee"
    assert shown["phone-region"] == "FR (country code 33)"
    assert shown["working-hours"] == "07:30-15:30"
    assert shown["working-days"] == "mon-thu"
    assert desk.settings.identity().signature == "Jamie\nSales"
    desk.settings.set_value("phone-region", "none")
    assert desk.region is None
    with pytest.raises(UserError, match="There is no setting 'colour'"):
        desk.settings.set_value("colour", "blue")
    with pytest.raises(WorkingHoursError, match="must end after it starts"):
        desk.settings.set_value("working-hours", "18:00-08:00")
    assert desk.settings.identity().hours.start == time(7, 30)


def _keys() -> tuple:  # type: ignore[type-arg]
    from onboard_desk.services.settings import SETTING_KEYS

    return SETTING_KEYS


def test_choosing_a_region_gives_numbers_kept_as_written_their_countrys_key(desk: Desk) -> None:
    """Numbers stored without a region keep their text; once the region is chosen their
    key is that region's E.164, so a duplicate typed afterwards is still found."""
    first = desk.prospects.add({"name": "Jonas Weber", "phone": "030 1234567"})
    paris = desk.prospects.add({"name": "Élodie Martin", "phone": "01 23 45 67 89"})
    known = desk.prospects.add({"name": "Sam Park", "phone": "+1 518 555 0199"})
    assert desk.prospects.get(first.id or 0).phone_key == "0301234567"
    rekeyed = desk.settings.save_identity(Identity(region="DE"))
    assert rekeyed == 2
    jonas = desk.prospects.get(first.id or 0)
    assert (jonas.phone, jonas.phone_key) == ("030 1234567", "+49301234567")
    assert desk.prospects.get(paris.id or 0).phone_key == "+49123456789"
    assert desk.prospects.get(known.id or 0).phone_key == "+15185550199"
    found = desk.prospects.likely_duplicates("J. Weber", phone="030-123 4567")
    assert [d.prospect_id for d in found] == [first.id]
    # Back to no region: the digits again.
    desk.settings.save_identity(Identity(region=None))
    assert desk.prospects.get(first.id or 0).phone_key == "0301234567"

"""Contact-field normalisation and the pipeline settings stored with the data."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from onboard_desk.domain import contacts, matching
from onboard_desk.pipeline import PipelineConfig, PipelineError, Stage
from onboard_desk.storage import settings_store


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        ("+1 (212) 555-0100", "+1 212-555-0100", "+12125550100"),
        ("+44 20 7946 0958", "+44 20 7946 0958", "+442079460958"),
        ("0030 123 456 789", "", ""),
    ],
)
def test_phone_numbers_are_normalised(raw: str, display: str, key: str) -> None:
    if not key:
        assert matching.phone_key(raw, "US") == ""
        return
    assert contacts.normalize_phone(raw, "US") == (display, key)


def test_national_numbers_use_the_region() -> None:
    assert contacts.normalize_phone("030 1234567", "DE")[1] == "+49301234567"


def test_email_validation_and_keys() -> None:
    assert contacts.normalize_email("  ") == ""
    assert contacts.normalize_email("Zoë@Exämple.com") == "Zoë@exämple.com"
    assert matching.email_key("Ana@Example.COM") == "ana@example.com"
    with pytest.raises(contacts.ContactError, match="not a valid email"):
        contacts.normalize_email("ana@@example.com")


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1200", 120000),
        ("1,200.50", 120050),
        ("1 200", 120000),
        ("€99,90", 9990),
        ("", None),
        (15, 1500),
    ],
)
def test_money(raw: str | int, cents: int | None) -> None:
    assert contacts.parse_money(raw) == cents


def test_money_errors_and_format() -> None:
    with pytest.raises(contacts.ContactError):
        contacts.parse_money("a lot")
    with pytest.raises(contacts.ContactError, match="negative"):
        contacts.parse_money("-5")
    assert contacts.format_money(123456789, "EUR") == "1,234,567.89 EUR"
    assert contacts.format_money(None) == ""


def test_config_roundtrip_and_defaults(session: Session) -> None:
    assert settings_store.load_config(session) == PipelineConfig()
    config = PipelineConfig(
        check_in_delay_days=5,
        idle_limits={**PipelineConfig().idle_limits, Stage.TRIAL: 30},
        lost_reasons=("Too expensive", "Went quiet"),
        checklists={**PipelineConfig().checklists, Stage.OUTREACH: ("Find the decision maker",)},
    )
    settings_store.save_config(session, config)
    loaded = settings_store.load_config(session)
    assert loaded.check_in_delay_days == 5
    assert loaded.idle_limit(Stage.TRIAL) == 30
    assert loaded.lost_reasons == ("Too expensive", "Went quiet")
    assert loaded.checklist(Stage.OUTREACH) == ("Find the decision maker",)


def test_invalid_config_is_refused(session: Session) -> None:
    with pytest.raises(PipelineError, match="at least one lost reason"):
        settings_store.save_config(session, PipelineConfig(lost_reasons=(" ",)))
    with pytest.raises(PipelineError, match="at least one day"):
        settings_store.save_config(session, PipelineConfig(idle_limits={Stage.TRIAL: 0}))


def test_user_name_defaults_to_the_login_and_can_be_set(session: Session) -> None:
    assert settings_store.user_name(session)
    settings_store.set_setting(session, settings_store.USER_NAME, "Jamie Lee")
    assert settings_store.user_name(session) == "Jamie Lee"

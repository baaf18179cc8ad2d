"""The pipeline settings and the user's name, stored with the data."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from onboard_desk.pipeline import PipelineConfig, PipelineError, Stage
from onboard_desk.storage import settings_store


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


def test_user_name_is_never_the_login_name_and_can_be_set(session: Session) -> None:
    # Nothing is taken from the computer: without a chosen name the user has none.
    assert settings_store.user_name(session) == ""
    settings_store.set_setting(session, settings_store.USER_NAME, "Jamie Lee")
    assert settings_store.user_name(session) == "Jamie Lee"

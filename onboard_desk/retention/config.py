"""The retention settings: how early to nudge, how often a customer may be contacted, and
what a referral is worth. Stored in the database (one ``setting`` row, JSON) beside the
pipeline settings, so the window, the command line and reports apply the same rules.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from sqlmodel import Session

#: Settings key of the retention settings (a JSON object of :class:`RetentionConfig`).
SETTING_KEY = "retention"


class RetentionConfigError(UserError, ValueError):
    """A retention setting out of range; the message names it."""


@dataclass(frozen=True)
class RetentionConfig:
    """The user-editable retention rules, with the playbook's defaults.

    ``nudge_fraction``: how far into a customer's usual interval between purchases the
    reminder comes (0.75: buying every four months means a nudge at about three).
    ``contact_cap_days``: at most one retention contact per this many days.
    ``referral_credit_cents`` (database currency) and ``friend_discount_percent``: what a
    referral earns the referrer and gives the friend, fixed when the referral is made.
    ``due_soon_days``: how far ahead "purchases due soon" looks.
    """

    nudge_fraction: float = 0.75
    contact_cap_days: int = 14
    referral_credit_cents: int = 5_000
    friend_discount_percent: float = 10.0
    due_soon_days: int = 30

    def check(self) -> RetentionConfig:
        """This configuration, or RetentionConfigError naming the first bad value."""
        if not 0 < self.nudge_fraction <= 1 or math.isnan(self.nudge_fraction):
            raise RetentionConfigError(
                "The nudge must come between 1 % and 100 % of the way to the next purchase."
            )
        if self.contact_cap_days < 0:
            raise RetentionConfigError("The days between retention contacts cannot be negative.")
        if self.referral_credit_cents < 0:
            raise RetentionConfigError("A referral credit cannot be negative.")
        if not 0 <= self.friend_discount_percent <= 100 or math.isnan(self.friend_discount_percent):
            raise RetentionConfigError("The friend's discount must be between 0 and 100 %.")
        if self.due_soon_days < 1:
            raise RetentionConfigError("'Due soon' must look at least one day ahead.")
        return self


def config_from_setting(value: Any) -> RetentionConfig:
    """The configuration a stored setting describes; defaults for anything missing or bad."""
    defaults = RetentionConfig()
    if not isinstance(value, dict):
        return defaults
    fields: dict[str, Any] = {}
    for name, default in asdict(defaults).items():
        given = value.get(name)
        if isinstance(given, bool) or not isinstance(given, int | float):
            continue
        fields[name] = type(default)(given)
    try:
        return RetentionConfig(**fields).check()
    except RetentionConfigError:
        return defaults


def load_retention_config(session: Session) -> RetentionConfig:
    from onboard_desk.storage.settings_store import get_setting

    return config_from_setting(get_setting(session, SETTING_KEY))


def save_retention_config(session: Session, config: RetentionConfig) -> None:
    """Store ``config``; RetentionConfigError (nothing stored) when a value is out of range."""
    from onboard_desk.storage.settings_store import set_setting

    set_setting(session, SETTING_KEY, asdict(config.check()))

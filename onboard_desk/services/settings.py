"""The database's own settings: the pipeline rules, who uses the database (name, e-mail,
signature, home currency, phone region, working hours: :mod:`.identity`), the retention
rules and the saved views of the prospect list.

They live in the database (not in the window's QSettings) so the window, the command line
and reports apply the same rules. Every change here makes the Desk read its cached settings
again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from onboard_desk.pipeline import PipelineConfig
from onboard_desk.retention.config import RetentionConfig, save_retention_config
from onboard_desk.services import identity as identities
from onboard_desk.services.identity import SETTING_KEYS, Identity, IdentityError, SettingKey
from onboard_desk.storage import saved_views, settings_store
from onboard_desk.storage.saved_views import SavedView, SavedViewError

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "SETTING_KEYS",
    "Identity",
    "IdentityError",
    "SavedView",
    "SavedViewError",
    "SettingKey",
    "SettingsService",
]


class SettingsService:
    """Read and change the settings kept in one database."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def get(self, key: str, default: Any = None) -> Any:
        """A stored setting's value (JSON), or ``default``."""
        with self._desk.reading() as session:
            return settings_store.get_setting(session, key, default)

    def put(self, key: str, value: Any) -> None:
        """Store a setting's value (JSON-encodable)."""
        with self._desk.writing() as session:
            settings_store.set_setting(session, key, value)
        self._desk.forget_settings()

    def save_pipeline(self, config: PipelineConfig) -> None:
        """Store every editable part of the pipeline rules (PipelineError if one is invalid)."""
        with self._desk.writing() as session:
            settings_store.save_config(session, config)
        self._desk.forget_settings()

    def add_lost_reason(self, reason: str) -> bool:
        """Add a reason to the team's lost reasons unless it is there already (any case);
        True when it was added."""
        config = self._desk.config
        if reason.strip().lower() in (r.lower() for r in config.lost_reasons):
            return False
        self.save_pipeline(replace(config, lost_reasons=(*config.lost_reasons, reason.strip())))
        return True

    def save_retention(self, config: RetentionConfig) -> None:
        """Store the retention rules (RetentionConfigError, nothing stored, if one is bad)."""
        with self._desk.writing() as session:
            save_retention_config(session, config)
        self._desk.forget_settings()

    def set_user_name(self, name: str) -> None:
        self.put(settings_store.USER_NAME, name.strip())

    def phone_region(self) -> str | None:
        """The region numbers without a country code are read in, if one is set."""
        with self._desk.reading() as session:
            return settings_store.phone_region(session)

    # -- who uses the database (the first-run questions) ------------------------------------

    def identity(self) -> Identity:
        """The name, e-mail, signature, home currency, phone region and working hours."""
        with self._desk.reading() as session:
            return identities.load_identity(session)

    def save_identity(self, identity: Identity) -> int:
        """Store every part of ``identity`` in one transaction (IdentityError, nothing
        stored, if a value is invalid); returns how many stored phone numbers were keyed
        again because the phone region changed."""
        with self._desk.writing() as session:
            rekeyed = identities.save_identity(session, identity)
        self._desk.forget_settings()
        return rekeyed

    def first_run_needed(self) -> bool:
        """Whether the window should ask the first-run questions (see
        :func:`~onboard_desk.services.identity.first_run_needed`)."""
        with self._desk.reading() as session:
            return identities.first_run_needed(session)

    def skip_first_run(self) -> None:
        """The user skipped the first-run questions: keep the defaults, do not ask again."""
        with self._desk.writing() as session:
            identities.mark_first_run_done(session)

    def set_value(self, key: str, value: str) -> SettingKey:
        """Change one value by its command-line key (``settings set KEY VALUE``); returns
        the key, whose ``show`` prints the stored value. UserError for an unknown key or a
        value that cannot be stored (nothing changes then)."""
        item = identities.setting_key(key)
        self.save_identity(item.apply(self.identity(), value))
        return item

    # -- saved views of the prospect list ----------------------------------------------------

    def views(self) -> list[SavedView]:
        with self._desk.reading() as session:
            return saved_views.list_views(session)

    def view(self, name: str) -> SavedView | None:
        with self._desk.reading() as session:
            return saved_views.get_view(session, name)

    def save_view(self, view: SavedView) -> None:
        with self._desk.writing() as session:
            saved_views.save_view(session, view)

    def delete_view(self, name: str) -> bool:
        with self._desk.writing() as session:
            return saved_views.delete_view(session, name)

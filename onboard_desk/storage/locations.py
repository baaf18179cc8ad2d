"""Where the database lives: ``--db``, else ``$ONBOARD_DESK_DB``, else the user data folder.

Kept apart from :mod:`onboard_desk.storage.db` because the window needs the path (for its title
and to find an already running instance) before SQLAlchemy is imported: that import
costs about half a second and happens off the GUI thread.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "onboard-desk"
DB_FILENAME = "onboard-desk.sqlite3"
#: Environment variable that overrides the database location (``--db`` wins over it).
DB_ENV_VAR = "ONBOARD_DESK_DB"


def default_db_path() -> Path:
    """The database in the platform's user data folder (e.g. ~/.local/share/onboard-desk)."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` if given, else ``$ONBOARD_DESK_DB``, else the user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()

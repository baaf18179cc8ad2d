"""The base of every error whose message is written for the user.

Front ends catch :class:`UserError` and show its message as it is (a dialog in the
window, one line on stderr on the command line); anything else is a bug and is logged
with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can understand and act on; ``str(error)`` is the message."""

"""``python -m onboard_desk``: the same as the ``onboard-desk`` command."""

from __future__ import annotations

import sys

from onboard_desk.cli import main

sys.exit(main())

"""Start Onboard Desk's window (``python main.py [--db PATH]``)."""

from __future__ import annotations

import sys

from onboard_desk.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

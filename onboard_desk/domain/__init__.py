"""The domain rules beside :mod:`onboard_desk.pipeline`: plain Python, no Qt, no database."""

"""Writing to prospects: compose, bulk send, templates, calls, mail settings, calendar."""

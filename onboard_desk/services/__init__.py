"""The use cases the window and the command line call: one home for every rule.

A :class:`~onboard_desk.services.desk.Desk` is one open database and everything a person
can do with it, one service per area: prospects with all the consequences of a change
(:mod:`.prospects`, with :mod:`.details` and :mod:`.timeline` for reading one), lists and
the day's agenda (:mod:`.lists`), the database's settings (:mod:`.settings`), customers
(:mod:`.customers`), writing to prospects and the calendar (:mod:`.outreach`), importing
(:mod:`.importing`), reports (:mod:`.reports`), the prospect list as a file
(:mod:`.exports`) and backups and demo data (:mod:`.maintenance`). Front ends hold a Desk
and never a session, the store or SQL. Nothing here imports Qt.

Each module has two levels: functions over a session (keyword arguments, committing left to
the caller, so tests, the import and undo can compose them in one transaction), and a small
service class on the Desk that runs them in a transaction of its own.

Importing this package loads nothing heavy; import :mod:`.desk` for the facade.
"""

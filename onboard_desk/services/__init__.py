"""The use cases the window and the command line call: one home for every rule.

A :class:`~onboard_desk.services.desk.Desk` is one open database and everything a person
can do with it: add, edit, move, delete and restore prospects with all their consequences
(:mod:`.prospects`), read lists and the day's agenda (:mod:`.lists`), and keep the
database's settings (:mod:`.settings`). Front ends hold a Desk and never a session, the
store or SQL. Nothing here imports Qt.

Each module has two levels: functions over a session (keyword arguments, committing left to
the caller, so tests, the import and undo can compose them in one transaction), and a small
service class on the Desk that runs them in a transaction of its own.

Importing this package loads nothing heavy; import :mod:`.desk` for the facade.
"""

"""Persistence: the tables, the store, read-only queries, migrations and the SQL dialects."""

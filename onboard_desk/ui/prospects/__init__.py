"""The Prospects screen: every prospect in a searchable table, and New prospect."""

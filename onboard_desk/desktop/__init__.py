"""Fitting into the desktop: the launcher entry."""

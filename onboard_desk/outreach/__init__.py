"""Outreach beyond mail: logged calls and the calendar of next actions."""

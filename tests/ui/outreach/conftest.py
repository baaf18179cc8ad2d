"""Helpers for the outreach screens' tests: prospects added and activities read through the
services, as the window does."""

from __future__ import annotations

from typing import Any

from onboard_desk.storage.models import Activity


def add_prospect(context: Any, name: str = "Zoë Müller", **fields: Any) -> int:
    """A prospect in Outreach with a German phone number (and any other fields given)."""
    prospect = context.desk.prospects.add(
        {"name": name, "company": "Acme", "phone": "+49 30 1234567", **fields}
    )
    assert prospect.id is not None
    return int(prospect.id)


def activities(context: Any, kind: str, *prospect_ids: int) -> list[Activity]:
    """The activities of this kind of these prospects, oldest first."""
    found = [
        activity
        for prospect_id in prospect_ids
        for activity in context.desk.prospects.activities(prospect_id)
        if activity.kind == kind
    ]
    return sorted(found, key=lambda activity: activity.id or 0)

"""vCard 3.0 and 4.0 files (.vcf) as phones and mail programs export them.

The file is split into cards line by line (so it streams and each card keeps the line
it starts on), and each card is parsed with vobject. A card becomes a row with fixed
columns; the first email and phone marked preferred (or else the first listed) are used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from onboard_desk.importing.sources.base import ImportFileError, Table
from onboard_desk.importing.sources.text import open_text, read_sample

VCARD_COLUMNS = [
    "Full Name",
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Company",
    "Title",
    "Notes",
    "Categories",
]


def _preferred(card: Any, name: str) -> str:
    items = card.contents.get(name) or []
    if not items:
        return ""

    def rank(item: Any) -> int:
        types = ",".join(item.params.get("TYPE", [])).lower()
        pref = "pref" in types or bool(item.params.get("PREF"))
        return 0 if pref else 1

    value = sorted(items, key=rank)[0].value
    text = str(value).strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text


def card_row(card: Any) -> list[str]:
    """The cells of one parsed card, in :data:`VCARD_COLUMNS` order."""
    first = last = ""
    if "n" in card.contents:
        n = card.n.value
        first = " ".join(
            filter(None, [str(n.given or "").strip(), str(n.additional or "").strip()])
        )
        last = str(n.family or "").strip()
    full = str(card.fn.value).strip() if "fn" in card.contents else ""
    org = ""
    if "org" in card.contents:
        value = card.org.value
        org = str(value[0] if isinstance(value, list) and value else value).strip()
    title = str(card.title.value).strip() if "title" in card.contents else ""
    note = str(card.note.value).strip() if "note" in card.contents else ""
    categories = ""
    if "categories" in card.contents:
        value = card.categories.value
        categories = ",".join(value) if isinstance(value, list) else str(value)
    return [
        full,
        first,
        last,
        _preferred(card, "email"),
        _preferred(card, "tel"),
        org,
        title,
        note,
        categories,
    ]


def open_vcard(path: Path) -> Table:
    """Open a .vcf file holding one or more cards."""
    import vobject

    sample = read_sample(path)
    if "BEGIN:VCARD" not in sample.text.upper():
        raise ImportFileError(
            f"{path.name} is named like a vCard file but holds no BEGIN:VCARD; "
            "export the contacts again as vCard (.vcf)."
        )
    handle, counter = open_text(path, sample.encoding)
    size = max(sample.size, 1)

    def rows() -> Iterator[tuple[int, list[str]]]:
        lines: list[str] = []
        start = 0
        for number, line in enumerate(handle, start=1):
            stripped = line.strip().lstrip("\ufeff")
            upper = stripped.upper()
            if upper == "BEGIN:VCARD":
                lines, start = [], number
            if start:
                lines.append(line.lstrip("\ufeff"))
            if upper == "END:VCARD" and start:
                try:
                    card = vobject.readOne("".join(lines))
                    yield start, card_row(card)
                except Exception as exc:  # vobject raises many kinds for broken cards
                    detail = re.sub(r"^At line \d+: ", "", str(exc))
                    table.unreadable[start] = f"this card cannot be read ({detail})"
                    yield start, []
                start = 0

    table = Table(
        path_name=path.name,
        file_format="vcard",
        headers=list(VCARD_COLUMNS),
        rows=rows(),
        progress=lambda: min(counter.count / size, 1.0),
        close=handle.close,
        encoding=sample.encoding,
    )
    return table

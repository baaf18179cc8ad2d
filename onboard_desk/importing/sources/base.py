"""What every file reader hands to the importer: a header row and numbered data rows.

A :class:`Table` streams its rows, so a 100,000-row file is never held in memory. Rows
carry the line (or spreadsheet row) number on which they start, so a rejected row can be
found in the original file. Readers raise :class:`ImportFileError` for files they cannot
read at all; the message says what is wrong and what to do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from onboard_desk.errors import UserError


class ImportFileError(UserError):
    """A file that cannot be imported at all (nothing was read, nothing was changed)."""


#: Rows read ahead to find the header below a preamble (LinkedIn's "Notes:" paragraph).
HEADER_SEARCH_ROWS = 30

#: A cell longer than this is not contact data (the csv module's own limit, 128 KiB).
MAX_CELL_CHARS = 131_072

_WORD = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """A header reduced to lower-case letters and digits ("E-mail Address" -> "emailaddress")."""
    return _WORD.sub("", text.strip().lower())


@dataclass
class Table:
    """A readable file: its header, its data rows (streamed once), and where reading is.

    ``rows`` yields ``(line_number, cells)`` with ``cells`` padded or cut to the header's
    width; ``progress`` tells how far through the file reading is (0.0 to 1.0), for
    progress bars that cannot know the row count in advance.
    """

    path_name: str
    file_format: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    progress: Callable[[], float]
    close: Callable[[], None]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    #: Rows whose cells went past the header (kept in the last column, counted).
    ragged_rows: int = 0
    #: Why the reader could not read a row it yielded with no cells, by line number.
    unreadable: dict[int, str] = field(default_factory=dict)

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def find_header(records: Sequence[Sequence[str]], is_known: Callable[[str], bool]) -> int:
    """The index of the header row among the first records of a file.

    Exports often start with a preamble (LinkedIn's Connections.csv begins with a
    "Notes:" paragraph). The header is the first record naming at least two columns the
    importer recognises; failing that, the first record as wide as the file's usual row.
    """
    best_index, best_score = -1, 1
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        score = sum(1 for cell in record if cell and is_known(cell))
        if score > best_score:
            best_index, best_score = index, score
    if best_index >= 0:
        return best_index
    widths = Counter(sum(1 for c in r if c.strip()) for r in records if any(c.strip() for c in r))
    if not widths:
        return 0
    usual = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    for index, record in enumerate(records):
        if sum(1 for c in record if c.strip()) >= usual:
            return index
    return 0


def clean_headers(raw: Sequence[str]) -> list[str]:
    """Header cells trimmed, blanks named "Column N", repeats made unique ("Email (2)")."""
    headers: list[str] = []
    seen: Counter[str] = Counter()
    for index, cell in enumerate(raw):
        name = " ".join(str(cell).split()) or f"Column {index + 1}"
        seen[name.lower()] += 1
        if seen[name.lower()] > 1:
            name = f"{name} ({seen[name.lower()]})"
        headers.append(name)
    return headers


def fit_row(cells: list[str], width: int) -> tuple[list[str], bool]:
    """Cells padded to ``width``; cells past it are folded into the last column's text.

    Returns the row and whether it was ragged with non-empty extra cells (those are
    kept, joined with " | ", rather than silently dropped).
    """
    if len(cells) == width:
        return cells, False
    if len(cells) < width:
        return cells + [""] * (width - len(cells)), False
    extra = [c for c in cells[width:] if c.strip()]
    row = cells[:width]
    if not extra:
        return row, False
    row[-1] = " | ".join(x for x in (row[-1], *extra) if x)
    return row, True

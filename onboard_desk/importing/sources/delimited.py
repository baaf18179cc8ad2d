"""CSV and other delimited text: encoding, delimiter and header row found by looking.

The delimiter is the candidate (comma, semicolon, tab, pipe) that splits the sampled
records into the most rows of one consistent width; Excel in German or French locales
writes semicolons, "Unicode text" uses tabs. Quoted fields may hold delimiters, quotes
("" inside quotes) and line breaks; the csv module handles them, and line numbers count
physical lines so a rejected row can be found in a text editor.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from onboard_desk.importing.fields import is_known_header
from onboard_desk.importing.sources.base import (
    MAX_CELL_CHARS,
    ImportFileError,
    Table,
    clean_headers,
    find_header,
    fit_row,
)
from onboard_desk.importing.sources.text import open_text, read_sample

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
#: Records of the sample used to choose the delimiter and find the header.
SNIFF_RECORDS = 200


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    # The sample may end inside a record: drop the possibly cut last one.
    return records[:-1] if len(records) > 1 else records


def sniff_delimiter(text: str, hint: str | None = None) -> str:
    """The delimiter that gives the most rows of one consistent width (more than one)."""
    best, best_score = hint or ",", -1.0
    for delimiter in CANDIDATE_DELIMITERS:
        records = _records(text, delimiter, SNIFF_RECORDS)
        widths = Counter(len(r) for r in records if any(c.strip() for c in r))
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        if width < 2:
            continue
        score = count + (0.5 if delimiter == hint else 0.0) + width / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def open_delimited(path: Path) -> Table:
    """Open a delimited text file; the header may follow a preamble."""
    sample = read_sample(path)
    text = sample.text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFileError(f"{path.name} is empty: there is nothing to import.")
    hint = "\t" if path.suffix.lower() in (".tsv", ".tab") else None
    delimiter = sniff_delimiter(text, hint)
    records = _records(text, delimiter, SNIFF_RECORDS)
    if not records:
        raise ImportFileError(
            f"{path.name} has a value longer than {MAX_CELL_CHARS // 1024} KB at its start; "
            "it does not look like a contact list."
        )
    header_index = find_header(records, is_known_header)
    handle, counter = open_text(path, sample.encoding)
    reader = csv.reader(handle, delimiter=delimiter)
    size = max(sample.size, 1)
    previous_line = 0
    header: list[str] | None = None
    try:
        for index, record in enumerate(reader):
            previous_line = reader.line_num
            if index == header_index:
                header = record
                break
    except csv.Error as exc:
        handle.close()
        raise _cell_error(path, reader.line_num, exc) from None
    if header is None or not any(cell.strip() for cell in header):
        handle.close()
        raise ImportFileError(f"{path.name} has no header row: there is nothing to import.")
    headers = clean_headers(header)
    table = Table(
        path_name=path.name,
        file_format="csv",
        headers=headers,
        rows=iter(()),
        progress=lambda: min(counter.count / size, 1.0),
        close=handle.close,
        encoding=sample.encoding,
        delimiter=delimiter,
    )

    def rows() -> Iterator[tuple[int, list[str]]]:
        nonlocal previous_line
        width = len(headers)
        try:
            for record in reader:
                start = previous_line + 1
                previous_line = reader.line_num
                if not record or not any(cell.strip() for cell in record):
                    continue
                cells, ragged = fit_row(record, width)
                if ragged:
                    table.ragged_rows += 1
                yield start, cells
        except csv.Error as exc:
            raise _cell_error(path, reader.line_num, exc) from None

    table.rows = rows()
    return table


def _cell_error(path: Path, line: int, exc: csv.Error) -> ImportFileError:
    if "field larger than field limit" in str(exc):
        return ImportFileError(
            f"{path.name}, line {line}: a single value is longer than "
            f"{MAX_CELL_CHARS // 1024} KB, which no contact field is. The file is probably "
            "not a contact list, or a quote is missing; nothing was imported."
        )
    return ImportFileError(f"{path.name}, line {line}: cannot read the file ({exc}).")

"""File readers for import: delimited text, Excel workbooks and vCards.

:func:`open_table` picks the reader from the file's extension and checks that the
content agrees, so a wrongly named file gets a clear message instead of garbage rows.
"""

from __future__ import annotations

from pathlib import Path

from onboard_desk.importing.sources.base import ImportFileError, Table, header_key

#: Extensions the importer reads, with the reader each one uses.
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".tab": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".vcf": "vcard",
    ".vcard": "vcard",
}

#: For the file dialog: "Contact lists (*.csv *.tsv ...)".
FILE_DIALOG_FILTER = "Contact lists ({})".format(" ".join(f"*{e}" for e in EXTENSIONS))

__all__ = [
    "EXTENSIONS",
    "FILE_DIALOG_FILTER",
    "ImportFileError",
    "Table",
    "header_key",
    "list_sheets",
    "open_table",
]


def _describe(head: bytes) -> str | None:
    """What a file's first bytes say it really is, for wrong-extension messages."""
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an Excel .xlsx workbook or a Word document, perhaps)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Office file (Excel 97-2003 .xls); save it as .xlsx or CSV"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    if head.startswith(b"SQLite format 3"):
        return "a SQLite database"
    return None


def open_table(path: Path, *, sheet: str | None = None) -> Table:
    """Open ``path`` for reading as a table; raises ImportFileError with a clear message."""
    if not path.exists():
        raise ImportFileError(f"{path} does not exist.")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file.")
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(EXTENSIONS)
        raise ImportFileError(
            f"{path.name}: Onboard Desk imports {known} files; "
            f"{path.suffix or 'a file without an extension'} is not one of them. "
            "Save the list as CSV (or rename it if it is one)."
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    if not head:
        raise ImportFileError(f"{path.name} is empty: there is nothing to import.")
    real = _describe(head)
    if kind == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            looks = real or "text (perhaps CSV)"
            raise ImportFileError(
                f"{path.name} is named like an Excel workbook but is {looks}. "
                "Rename it to match what it is, or save it again from Excel as .xlsx."
            )
        from onboard_desk.importing.sources.xlsx import open_xlsx

        return open_xlsx(path, sheet=sheet)
    if real is not None:
        raise ImportFileError(
            f"{path.name} is named like a text file but is {real}. "
            "Rename it to match what it is, or export the list again as CSV."
        )
    if kind == "vcard":
        from onboard_desk.importing.sources.vcard import open_vcard

        return open_vcard(path)
    from onboard_desk.importing.sources.delimited import open_delimited

    return open_delimited(path)


def list_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook ([] for other files)."""
    if EXTENSIONS.get(path.suffix.lower()) != "xlsx":
        return []
    with open_table(path) as table:
        return list(table.sheets)

"""Import prospects from the files salespeople have: CSV and other delimited text, Excel
workbooks and vCards.

The parts, by responsibility: :mod:`.sources` reads files into header + rows;
:mod:`.fields` and :mod:`.mapping` decide which column feeds which field;
:mod:`.validation` (with :mod:`.emails`, :mod:`.phones`, :mod:`.dates`) turns a row
into stored values or a reason to reject it; :mod:`.duplicates` finds existing
prospects a row may be; :mod:`.engine` runs one import in one transaction; and
:mod:`.batches` lists and undoes committed imports. Nothing here imports Qt.
"""

from __future__ import annotations

from onboard_desk.importing.batches import UndoResult, list_batches, undo_batch
from onboard_desk.importing.duplicates import DuplicateAction, MatchKind
from onboard_desk.importing.engine import run_import
from onboard_desk.importing.fields import Field
from onboard_desk.importing.mapping import (
    ColumnMapping,
    MappingError,
    check_mapping,
    delete_mapping,
    fit_mapping,
    get_mapping,
    load_mapping_file,
    mapping_names,
    propose_mapping,
    resolve_mapping,
    save_mapping,
)
from onboard_desk.importing.options import ImportOptions
from onboard_desk.importing.results import (
    Duplicate,
    ImportCancelledError,
    ImportResult,
    PreviewRow,
    Reject,
)
from onboard_desk.importing.sources import ImportFileError, list_sheets, open_table

__all__ = [
    "ColumnMapping",
    "Duplicate",
    "DuplicateAction",
    "Field",
    "ImportCancelledError",
    "ImportFileError",
    "ImportOptions",
    "ImportResult",
    "MappingError",
    "MatchKind",
    "PreviewRow",
    "Reject",
    "UndoResult",
    "check_mapping",
    "delete_mapping",
    "fit_mapping",
    "get_mapping",
    "list_batches",
    "list_sheets",
    "load_mapping_file",
    "mapping_names",
    "open_table",
    "propose_mapping",
    "resolve_mapping",
    "run_import",
    "save_mapping",
    "undo_batch",
]

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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Public names and the modules that define them. They are imported on first use, so a
#: process that needs only part of the importer (the worker) does not load the rest.
_EXPORTS: dict[str, str] = {
    "ColumnMapping": "onboard_desk.importing.mapping",
    "Duplicate": "onboard_desk.importing.results",
    "DuplicateAction": "onboard_desk.importing.duplicates",
    "Field": "onboard_desk.importing.fields",
    "ImportCancelledError": "onboard_desk.importing.results",
    "ImportFileError": "onboard_desk.importing.sources",
    "ImportOptions": "onboard_desk.importing.options",
    "ImportResult": "onboard_desk.importing.results",
    "MappingError": "onboard_desk.importing.mapping",
    "MatchKind": "onboard_desk.importing.duplicates",
    "PreviewRow": "onboard_desk.importing.results",
    "Reject": "onboard_desk.importing.results",
    "UndoResult": "onboard_desk.importing.batches",
    "check_mapping": "onboard_desk.importing.mapping",
    "delete_mapping": "onboard_desk.importing.mapping",
    "fit_mapping": "onboard_desk.importing.mapping",
    "get_mapping": "onboard_desk.importing.mapping",
    "list_batches": "onboard_desk.importing.batches",
    "list_sheets": "onboard_desk.importing.sources",
    "load_mapping_file": "onboard_desk.importing.mapping",
    "mapping_names": "onboard_desk.importing.mapping",
    "open_table": "onboard_desk.importing.sources",
    "propose_mapping": "onboard_desk.importing.mapping",
    "resolve_mapping": "onboard_desk.importing.mapping",
    "run_import": "onboard_desk.importing.engine",
    "save_mapping": "onboard_desk.importing.mapping",
    "undo_batch": "onboard_desk.importing.batches",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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

"""Which column of a file feeds which prospect field: proposed, edited, saved, loaded.

A mapping is a plain ``{column header: field}`` dictionary. The importer proposes one
from the header names; the user edits it in the wizard and may save it under a name
(the ``importmapping`` table), and the command line takes a saved name or a JSON file
holding the same object, e.g. ``{"Email Address": "email", "Company": "company"}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.importing.fields import MULTI_COLUMN_FIELDS, Field, field_for_header
from onboard_desk.storage.models import ImportMapping

ColumnMapping = dict[str, Field]


class MappingError(UserError):
    """A mapping that cannot be used; the message says why."""


def propose_mapping(headers: Sequence[str]) -> ColumnMapping:
    """A field for every header: recognised names get their field, the rest IGNORE.

    A single-column field goes to the first column that names it (a second "Phone"
    column is left out rather than overwriting the first).
    """
    mapping: ColumnMapping = {}
    taken: set[Field] = set()
    for header in headers:
        field = field_for_header(header)
        if field is None or (field in taken and field not in MULTI_COLUMN_FIELDS):
            mapping[header] = Field.IGNORE
            continue
        mapping[header] = field
        taken.add(field)
    # "Name" alongside first and last name columns is usually the same person twice.
    if Field.NAME in taken and {Field.FIRST_NAME, Field.LAST_NAME} <= taken:
        for header, field in mapping.items():
            if field is Field.NAME:
                mapping[header] = Field.IGNORE
    return mapping


def parse_mapping(data: object, *, source: str = "the mapping") -> ColumnMapping:
    """A mapping from decoded JSON; unknown fields are a MappingError naming them."""
    if not isinstance(data, dict) or not data:
        raise MappingError(
            f"{source} must be a JSON object of column header -> field, "
            'e.g. {"Email Address": "email"}.'
        )
    mapping: ColumnMapping = {}
    known = ", ".join(f.value for f in Field)
    for header, value in data.items():
        try:
            mapping[str(header)] = Field(str(value))
        except ValueError:
            raise MappingError(
                f"{source}: {value!r} (for column {header!r}) is not a field; use one of {known}."
            ) from None
    return mapping


def check_mapping(mapping: Mapping[str, Field]) -> None:
    """Raise MappingError unless the mapping can produce importable rows."""
    used = [f for f in mapping.values() if f is not Field.IGNORE]
    if not {Field.NAME, Field.FIRST_NAME, Field.LAST_NAME, Field.EMAIL} & set(used):
        raise MappingError(
            "Map at least one column to a name (full, first or last) or to email; "
            "without them no prospect can be made."
        )
    for field in set(used) - MULTI_COLUMN_FIELDS:
        columns = [h for h, f in mapping.items() if f is field]
        if len(columns) > 1:
            raise MappingError(
                f"{field.label} is mapped from several columns ({', '.join(columns)}); keep one."
            )


def fit_mapping(mapping: Mapping[str, Field], headers: Sequence[str]) -> ColumnMapping:
    """A saved mapping applied to a file's headers.

    Columns the mapping names are taken as it says (matching headers ignoring case and
    spacing); columns it does not name get the automatic proposal, unless that field
    is already fed by another column.
    """
    by_key = {" ".join(h.split()).lower(): f for h, f in mapping.items()}
    fitted: ColumnMapping = {}
    for header in headers:
        key = " ".join(header.split()).lower()
        if key in by_key:
            fitted[header] = by_key[key]
    taken = {f for f in fitted.values() if f not in MULTI_COLUMN_FIELDS}
    proposal = propose_mapping(headers)
    for header in headers:
        if header in fitted:
            continue
        field = proposal[header]
        fitted[header] = Field.IGNORE if field in taken else field
        if field not in MULTI_COLUMN_FIELDS:
            taken.add(field)
    return fitted


def load_mapping_file(path: Path) -> ColumnMapping:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingError(f"Cannot read the mapping file {path}: {exc.strerror}.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path} is not valid JSON: {exc}.") from exc
    return parse_mapping(data, source=str(path))


def save_mapping(session: Session, *, name: str, mapping: Mapping[str, Field]) -> None:
    """Save (or replace) a named mapping."""
    clean = name.strip()
    if not clean:
        raise MappingError("A saved mapping needs a name.")
    if len(clean) > 120:
        raise MappingError("A mapping name can be at most 120 characters.")
    check_mapping(mapping)
    text = json.dumps({h: f.value for h, f in mapping.items()}, ensure_ascii=False)
    row = session.get(ImportMapping, clean)
    if row is None:
        row = ImportMapping(name=clean, mapping=text, updated_at=utcnow())
    else:
        row.mapping, row.updated_at = text, utcnow()
    session.add(row)
    session.flush()


def get_mapping(session: Session, name: str) -> ColumnMapping:
    row = session.get(ImportMapping, name.strip())
    if row is None:
        names = ", ".join(mapping_names(session)) or "none yet"
        raise MappingError(f"There is no saved mapping named {name!r} (saved: {names}).")
    try:
        data = json.loads(row.mapping)
    except json.JSONDecodeError:
        raise MappingError(f"The saved mapping {name!r} is damaged; save it again.") from None
    return parse_mapping(data, source=f"The saved mapping {name!r}")


def mapping_names(session: Session) -> list[str]:
    return list(session.exec(select(ImportMapping.name).order_by(col(ImportMapping.name))))


def delete_mapping(session: Session, name: str) -> None:
    row = session.get(ImportMapping, name.strip())
    if row is None:
        raise MappingError(f"There is no saved mapping named {name!r}.")
    session.delete(row)
    session.flush()


def resolve_mapping(session: Session, spec: str) -> ColumnMapping:
    """``--mapping``: a saved mapping's name, or a path to a ``.json`` file."""
    path = Path(spec).expanduser()
    if spec.lower().endswith(".json") or path.is_file():
        return load_mapping_file(path)
    return get_mapping(session, spec)

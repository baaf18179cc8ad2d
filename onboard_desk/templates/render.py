"""Checking and rendering templates with Jinja2's sandbox.

Templates are user-written code, so they run in :class:`SandboxedEnvironment` (no access
to Python internals) with :class:`StrictUndefined` (a misspelt field is an error, never a
silent blank). :func:`check_template` finds unknown fields and syntax errors with their
line numbers while the user types, so nothing is discovered only when sending.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import TracebackType

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from onboard_desk.errors import UserError
from onboard_desk.templates.fields import KNOWN_FIELDS, SAMPLE_VALUES

_PART_LABELS = {"subject": "Subject", "body": "Body"}


@dataclass(frozen=True)
class TemplateProblem:
    """One error in a template: which part, which line (1-based, None if unknown), what."""

    part: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = _PART_LABELS.get(self.part, self.part)
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


class TemplateCheckError(UserError, ValueError):
    """A template that cannot be saved or sent; ``problems`` lists every error found."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Rendered:
    """A rendered message, with the fields it used that were empty for this prospect."""

    subject: str
    body: str
    empty_fields: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The one sandboxed environment (plain text: no HTML escaping)."""
    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _template_line(traceback: TracebackType | None) -> int | None:
    """The template line of a runtime error: Jinja maps its frames to "<template>" lines."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _check_part(part: str, source: str, known: frozenset[str]) -> list[TemplateProblem]:
    env = environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(part, exc.lineno, exc.message or "syntax error")]
    problems: list[TemplateProblem] = []
    try:
        unknown = meta.find_undeclared_variables(tree) - known
    except TemplateSyntaxError as exc:  # e.g. a filter that does not exist
        return [TemplateProblem(part, exc.lineno, exc.message or "syntax error")]
    seen: set[tuple[str, int]] = set()
    for name_node in tree.find_all(nodes.Name):
        if name_node.ctx == "load" and name_node.name in unknown:
            key = (name_node.name, name_node.lineno)
            if key not in seen:
                seen.add(key)
                problems.append(
                    TemplateProblem(
                        part, name_node.lineno, f"unknown field {{{{ {name_node.name} }}}}"
                    )
                )
    if problems:
        return problems
    try:
        env.from_string(source).render(SAMPLE_VALUES)
    except TemplateError as exc:
        problems.append(TemplateProblem(part, _template_line(sys.exc_info()[2]), str(exc)))
    except Exception as exc:  # a filter applied to the wrong kind of value, a division ...
        problems.append(TemplateProblem(part, _template_line(sys.exc_info()[2]), str(exc)))
    return problems


def check_template(subject: str, body: str) -> list[TemplateProblem]:
    """Every problem in a template (empty list: it can be saved and sent).

    Syntax errors and unknown fields come with their line; a trial render with sample
    values catches what only shows at run time (a filter that does not exist, a sandbox
    violation). Results are cached by source: a bulk send checks its template once.
    """
    return list(_check_cached(subject, body))


@lru_cache(maxsize=256)
def _check_cached(subject: str, body: str) -> tuple[TemplateProblem, ...]:
    problems = _check_part("subject", subject, KNOWN_FIELDS)
    if not subject.strip():
        problems.append(TemplateProblem("subject", 1, "a message needs a subject"))
    elif "\n" in subject.strip():
        problems.append(TemplateProblem("subject", 2, "the subject must be a single line"))
    problems.extend(_check_part("body", body, KNOWN_FIELDS))
    return tuple(problems)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A parsed and compiled template, kept so many renders of one source compile once."""
    return environment().from_string(source)


def used_fields(source: str) -> set[str]:
    """The merge fields a template refers to (none when it does not parse)."""
    return set(_used_fields_cached(source))


@lru_cache(maxsize=256)
def _used_fields_cached(source: str) -> frozenset[str]:
    try:
        return frozenset(meta.find_undeclared_variables(environment().parse(source)) & KNOWN_FIELDS)
    except TemplateSyntaxError:
        return frozenset()


def render(subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    """Render both parts with ``values``; raises TemplateCheckError on any problem."""
    problems = check_template(subject, body)
    if problems:
        raise TemplateCheckError(problems)
    rendered: dict[str, str] = {}
    for part, source in (("subject", subject), ("body", body)):
        try:
            rendered[part] = _compiled(source).render(dict(values))
        except Exception as exc:
            line = _template_line(sys.exc_info()[2])
            raise TemplateCheckError([TemplateProblem(part, line, str(exc))]) from None
    empty = sorted(
        name for name in used_fields(subject) | used_fields(body) if not values.get(name)
    )
    # A subject is one line: a field holding a newline must not start a new header.
    one_line = " ".join(rendered["subject"].split())
    return Rendered(subject=one_line, body=rendered["body"], empty_fields=empty)

"""Email templates: merge fields, sandboxed rendering with checks, and the stored library.

Nothing here imports Qt; the template editor and the compose dialog build on it, and so
does the ``templates`` command.
"""

from __future__ import annotations

from sqlmodel import Session

from onboard_desk.pipeline import PipelineConfig
from onboard_desk.storage.models import EmailTemplate
from onboard_desk.storage.store import get_prospect
from onboard_desk.templates.fields import (
    KNOWN_FIELDS,
    MERGE_FIELDS,
    MergeField,
    field_values,
    parse_referral_code,
    referral_code,
)
from onboard_desk.templates.library import (
    TemplateNotFoundError,
    copy_template,
    delete_template,
    ensure_starter_templates,
    find_template,
    get_template,
    list_templates,
    restore_starter_templates,
    save_template,
    starter_templates,
    templates_for_prospect,
)
from onboard_desk.templates.render import (
    Rendered,
    TemplateCheckError,
    TemplateProblem,
    check_template,
    render,
)

__all__ = [
    "KNOWN_FIELDS",
    "MERGE_FIELDS",
    "MergeField",
    "Rendered",
    "TemplateCheckError",
    "TemplateNotFoundError",
    "TemplateProblem",
    "check_template",
    "copy_template",
    "delete_template",
    "ensure_starter_templates",
    "field_values",
    "find_template",
    "get_template",
    "list_templates",
    "parse_referral_code",
    "referral_code",
    "render",
    "render_for_prospect",
    "render_template",
    "restore_starter_templates",
    "save_template",
    "starter_templates",
    "templates_for_prospect",
]


def render_for_prospect(
    session: Session,
    *,
    prospect_id: int,
    subject: str,
    body: str,
    config: PipelineConfig,
    user: str,
    custom_text: str = "",
) -> Rendered:
    """Render a template (saved or being edited) against one real prospect."""
    prospect = get_prospect(session, prospect_id)
    values = field_values(session, prospect, config=config, user=user, custom_text=custom_text)
    return render(subject, body, values)


def render_template(
    session: Session,
    *,
    template: EmailTemplate,
    prospect_id: int,
    config: PipelineConfig,
    user: str,
    custom_text: str = "",
) -> Rendered:
    return render_for_prospect(
        session,
        prospect_id=prospect_id,
        subject=template.subject,
        body=template.body,
        config=config,
        user=user,
        custom_text=custom_text,
    )

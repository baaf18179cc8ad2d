"""Templates: merge fields, checks with line numbers, the starter set, the library."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from onboard_desk import templates
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import PipelineConfig, Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.models import EmailTemplate
from onboard_desk.templates.fields import parse_referral_code, referral_code
from onboard_desk.templates.library import parse_template_file


def _trial_prospect(session: Session, name: str = "Zoë Müller") -> int:
    prospect = prospect_ops.create_prospect(
        session,
        fields={"name": name, "company": "Acme Dental", "email": "zoe@acme.example"},
        by="Jamie Lee",
    )
    assert prospect.id is not None
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL):
        prospect_ops.move_prospect(session, prospect_id=prospect.id, target=stage, by="Jamie Lee")
    return prospect.id


def test_unknown_field_reported_with_line() -> None:
    problems = templates.check_template("Hi {{ frist_name }}", "Hello\n\nDear {{ compnay }}\n")
    assert [(p.part, p.line) for p in problems] == [("subject", 1), ("body", 3)]
    assert "frist_name" in problems[0].message
    assert "compnay" in str(problems[1])


def test_syntax_error_reported_with_line() -> None:
    problems = templates.check_template("Subject", "one\ntwo\n{% if company %}\nthree\n")
    assert len(problems) == 1
    assert problems[0].part == "body"
    assert problems[0].line is not None and problems[0].line >= 3
    problems = templates.check_template("Subject", "one\n{{ company }\n")
    assert problems[0].line == 2


def test_missing_filter_and_sandbox_violation_rejected() -> None:
    [problem] = templates.check_template("S", "a\n{{ company|shout }}")
    assert problem.line == 2 and "shout" in problem.message
    [problem] = templates.check_template("S", "{{ company.__class__.__mro__ }}")
    assert "unsafe" in problem.message


def test_empty_or_multiline_subject_rejected() -> None:
    assert templates.check_template("  ", "body")[0].message.startswith("a message needs")
    assert templates.check_template("one\ntwo", "body")[0].part == "subject"


def test_valid_template_with_loops_and_conditions_passes() -> None:
    body = "{% if company %}{{ company }}{% endif %}{% for c in first_name %}{{ c }}{% endfor %}"
    assert templates.check_template("Hello {{ first_name|upper }}", body) == []


def test_render_with_real_prospect(session: Session) -> None:
    prospect_id = _trial_prospect(session)
    rendered = templates.render_for_prospect(
        session,
        prospect_id=prospect_id,
        subject="Welcome, {{ first_name }} – until {{ trial_end }}",
        body="{{ full_name }} / {{ last_name }} / {{ company }} / {{ owner_name }} / "
        "{{ referral_code }} / {{ stage }} / {{ custom_text }}",
        config=PipelineConfig(trial_length_days=10),
        user="Jamie Lee",
        custom_text="Nice to meet you",
    )
    ends = store.get_prospect(session, prospect_id).trial_ends_at
    assert ends is not None
    assert rendered.subject.startswith("Welcome, Zoë – until ")
    assert str(ends.astimezone().day) in rendered.subject
    assert rendered.body == (
        f"Zoë Müller / Müller / Acme Dental / Jamie Lee / {referral_code(prospect_id)} / "
        "Trial / Nice to meet you"
    )
    assert rendered.empty_fields == []


def test_trial_end_is_trial_start_plus_configured_length(session: Session) -> None:
    prospect_id = _trial_prospect(session)
    prospect = store.get_prospect(session, prospect_id)
    prospect.trial_ends_at = None  # e.g. data from before trial dates were recorded
    session.add(prospect)
    config = PipelineConfig(trial_length_days=21)
    values = templates.field_values(session, prospect, config=config, user="me")
    expected = templates.fields.format_day(prospect.stage_entered_at + timedelta(days=21))
    assert values["trial_end"] == expected
    assert values["trial_start"] == templates.fields.format_day(prospect.stage_entered_at)


def test_empty_fields_are_reported(session: Session) -> None:
    prospect = prospect_ops.create_prospect(session, fields={"name": "Cher"}, by="me")
    assert prospect.id is not None
    rendered = templates.render_for_prospect(
        session,
        prospect_id=prospect.id,
        subject="Hi {{ first_name }}",
        body="{{ company }} {{ trial_end }}",
        config=PipelineConfig(),
        user="me",
    )
    assert rendered.empty_fields == ["company", "trial_end"]


def test_render_refuses_bad_template(session: Session) -> None:
    prospect = prospect_ops.create_prospect(session, fields={"name": "Ana"}, by="me")
    assert prospect.id is not None
    with pytest.raises(templates.TemplateCheckError) as info:
        templates.render_for_prospect(
            session,
            prospect_id=prospect.id,
            subject="Hi",
            body="{{ nickname }}",
            config=PipelineConfig(),
            user="me",
        )
    assert "nickname" in str(info.value)


def test_referral_code_round_trip_and_typo_detection() -> None:
    for prospect_id in (1, 42, 99_999, 10**9):
        assert parse_referral_code(referral_code(prospect_id)) == prospect_id
    code = referral_code(4242)
    typo = code[:-3] + ("1" if code[-3] != "1" else "2") + code[-2:]
    assert parse_referral_code(typo) is None
    assert parse_referral_code("nonsense") is None


def test_starter_set_covers_the_playbook_and_is_valid() -> None:
    starters = templates.starter_templates()
    names = [s.name for s in starters]
    assert len(names) == 9
    for needle in (
        "Cold outreach",
        "demo",
        "Trial welcome",
        "Final check-in",
        "Payment",
        "Thank you",
        "Satisfaction survey",
        "Referral",
        "Repeat-purchase",
    ):
        assert any(needle.lower() in n.lower() for n in names), needle
    for starter in starters:
        assert starter.stage is not None
        assert templates.check_template(starter.subject, starter.body) == [], starter.name
    survey = next(s for s in starters if "survey" in s.name.lower())
    assert "0 to 10" in survey.body


def test_starters_installed_once_and_deleted_stay_deleted(session: Session) -> None:
    rows = templates.list_templates(session)
    assert len(rows) == 9 and all(r.builtin for r in rows)
    assert rows[0].stage == "outreach"
    assert rows[0].id is not None
    templates.delete_template(session, template_id=rows[0].id)
    assert len(templates.list_templates(session)) == 8
    assert templates.restore_starter_templates(session) == 1
    assert len(templates.list_templates(session)) == 9


def test_save_copy_and_name_clash(session: Session) -> None:
    saved = templates.save_template(
        session, name="My intro", subject="Hi {{ first_name }}", body="x", stage=Stage.OUTREACH
    )
    assert saved.id is not None and not saved.builtin
    copy = templates.copy_template(session, template_id=saved.id)
    assert copy.name == "My intro (copy)"
    again = templates.copy_template(session, template_id=saved.id)
    assert again.name == "My intro (copy 2)"
    with pytest.raises(templates.TemplateCheckError):
        templates.save_template(session, name="Bad", subject="Hi", body="{{ nope }}")
    with pytest.raises(Exception, match="already exists"):
        templates.save_template(session, name="My intro", subject="S", body="B")
    updated = templates.save_template(
        session, template_id=saved.id, name="My intro", subject="Hello", body="B", stage=None
    )
    stored = session.get(EmailTemplate, saved.id)
    assert updated.stage is None and stored is not None and stored.subject == "Hello"


def test_stage_template_offered_first_then_next_step(session: Session) -> None:
    prospect_id = _trial_prospect(session)
    offered = templates.templates_for_prospect(session, stage=Stage.TRIAL, prospect_id=prospect_id)
    assert offered[0].name == "Trial welcome and guide"
    store.log_activity(
        session,
        prospect_id=prospect_id,
        kind="email",
        by="me",
        subject="Welcome",
        template="Trial welcome and guide",
        occurred_at=utcnow(),
    )
    offered = templates.templates_for_prospect(session, stage=Stage.TRIAL, prospect_id=prospect_id)
    assert offered[0].name == "Final check-in"
    won = templates.templates_for_prospect(session, stage=Stage.WON)
    assert won[0].name.startswith("Thank you")


def test_template_file_format_errors() -> None:
    with pytest.raises(ValueError, match="blank line"):
        parse_template_file("Name: x\nSubject: y")
    with pytest.raises(ValueError, match="missing subject"):
        parse_template_file("Name: x\n\nbody")
    parsed = parse_template_file("Name: x\nStage: Final check-in\nSubject: y\n\nbody\n")
    assert parsed.stage is Stage.FINAL_CHECK_IN and parsed.body == "body\n"

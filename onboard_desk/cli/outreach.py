"""Outreach commands: ``calendar`` (.ics export), ``templates`` (list/show/check), ``send``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.cli.common import open_engine, open_session, require_positive
from onboard_desk.errors import UserError
from onboard_desk.pipeline import Stage

if TYPE_CHECKING:
    from onboard_desk.mail import BulkItem


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cal = subparsers.add_parser(
        "calendar",
        help="export next actions and scheduled calls as an .ics file",
        description=(
            "Write next actions and scheduled calls as an iCalendar file. Each event keeps "
            "its UID between exports, so importing or subscribing again updates events "
            "instead of duplicating them."
        ),
    )
    cal.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.ics")
    cal.add_argument("--owner", help="only this salesperson's prospects")
    cal.add_argument("--days", type=require_positive, help="only what is due within N days")
    cal.set_defaults(handler=cmd_calendar)

    tpl = subparsers.add_parser("templates", help="list, show or check email templates")
    actions = tpl.add_subparsers(dest="templates_action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help="every template with its stage")
    lst.set_defaults(handler=cmd_templates_list)
    show = actions.add_parser("show", help="a template's source, or rendered for a prospect")
    show.add_argument("name", help="template name or id")
    show.add_argument("--prospect", type=int, metavar="ID", help="render it for this prospect")
    show.add_argument("--custom-text", default="")
    show.set_defaults(handler=cmd_templates_show)
    check = actions.add_parser(
        "check", help="check stored templates (or template files) for unknown fields and errors"
    )
    check.add_argument("files", nargs="*", type=Path, help="template files to check instead")
    check.set_defaults(handler=cmd_templates_check)

    send = subparsers.add_parser(
        "send",
        help="send a template to one prospect or a whole stage over SMTP",
        description=(
            "Render a template for each prospect and send it over SMTP (settings and the "
            "keyring password from the window's Mail settings). Do-not-contact prospects and "
            "those without an address are skipped. Each sent message is logged as an email "
            "activity and the stage's next action is set. Use --dry-run to review first."
        ),
    )
    who = send.add_mutually_exclusive_group(required=True)
    who.add_argument("--prospect", type=int, action="append", metavar="ID", help="repeatable")
    who.add_argument("--stage", choices=[s.value for s in Stage])
    send.add_argument("--template", required=True, help="template name or id")
    send.add_argument("--owner", help="with --stage: only this salesperson's prospects")
    send.add_argument(
        "--due",
        action="store_true",
        help="with --stage: only prospects whose next action is due today or overdue",
    )
    send.add_argument("--custom-text", default="", help="fills {{ custom_text }}")
    send.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; send nothing"
    )
    send.add_argument("--pause", type=float, help="seconds between messages (default: settings)")
    send.add_argument(
        "--keep-next-action", action="store_true", help="do not set the stage's next action"
    )
    send.set_defaults(handler=cmd_send, changes_data=True)


def cmd_calendar(args: argparse.Namespace) -> int:
    from onboard_desk.outreach.calendar_export import export_calendar

    with open_engine(args) as engine:
        count = export_calendar(engine, args.output, owner=args.owner, days=args.days)
    print(f"Wrote {count} event{'s' if count != 1 else ''} to {args.output}")
    return 0


def cmd_templates_list(args: argparse.Namespace) -> int:
    from onboard_desk.templates import list_templates

    with open_session(args) as session:
        rows = list_templates(session)
        width = max((len(t.name) for t in rows), default=4)
        print(f"{'id':>4}  {'name':<{width}}  stage")
        for template in rows:
            stage = Stage(template.stage).label if template.stage else "-"
            print(f"{template.id:>4}  {template.name:<{width}}  {stage}")
    return 0


def cmd_templates_show(args: argparse.Namespace) -> int:
    from onboard_desk.storage import settings_store
    from onboard_desk.templates import find_template, render_template

    with open_session(args) as session:
        template = find_template(session, args.name)
        if args.prospect is None:
            stage = Stage(template.stage).label if template.stage else "(any)"
            print(f"Name: {template.name}\nStage: {stage}\nSubject: {template.subject}\n")
            print(template.body)
            return 0
        rendered = render_template(
            session,
            template=template,
            prospect_id=args.prospect,
            config=settings_store.load_config(session),
            user=settings_store.user_name(session),
            custom_text=args.custom_text,
        )
        print(f"Subject: {rendered.subject}\n")
        print(rendered.body)
        if rendered.empty_fields:
            print(f"Empty for this prospect: {', '.join(rendered.empty_fields)}", file=sys.stderr)
    return 0


def cmd_templates_check(args: argparse.Namespace) -> int:
    from onboard_desk.templates import check_template, list_templates
    from onboard_desk.templates.library import parse_template_file

    sources: list[tuple[str, str, str]] = []
    if args.files:
        for path in args.files:
            try:
                parsed = parse_template_file(path.read_text(encoding="utf-8"), source=str(path))
            except (OSError, UnicodeDecodeError, ValueError, UserError) as exc:
                print(f"{path}: {exc}")
                sources.append((str(path), "", ""))  # counted as failing below
                continue
            sources.append((str(path), parsed.subject, parsed.body))
    else:
        with open_session(args) as session:
            sources = [(t.name, t.subject, t.body) for t in list_templates(session)]
    failing = 0
    for name, subject, body in sources:
        if not subject and not body:
            failing += 1
            continue
        problems = check_template(subject, body)
        if problems:
            failing += 1
            for problem in problems:
                print(f"{name}: {problem}")
        else:
            print(f"{name}: ok")
    return 1 if failing else 0


def _recipients(args: argparse.Namespace) -> list[int]:
    from sqlmodel import col, select

    from onboard_desk.storage.models import Prospect

    if args.prospect:
        return list(dict.fromkeys(args.prospect))
    with open_session(args) as session:
        statement = select(Prospect.id).where(col(Prospect.stage) == args.stage)
        if args.owner:
            statement = statement.where(col(Prospect.owner) == args.owner)
        if args.due:
            from datetime import datetime, time, timedelta

            from onboard_desk.domain.timeutil import as_utc

            tomorrow = datetime.combine(datetime.now().date() + timedelta(days=1), time())
            statement = statement.where(col(Prospect.next_action_due) < as_utc(tomorrow))
        rows = session.exec(statement.order_by(col(Prospect.name)))
        return [pid for pid in rows if pid is not None]


def _print_item(item: BulkItem, status: str, message: str = "") -> None:
    subject = item.draft.subject if item.draft else ""
    detail = message or subject
    print(f"#{item.prospect_id:<6} {status:<10} {item.name} <{item.address}>  {detail}".rstrip())


def cmd_send(args: argparse.Namespace) -> int:
    from onboard_desk import mail
    from onboard_desk.storage import settings_store
    from onboard_desk.templates import find_template

    ids = _recipients(args)
    if not ids:
        raise UserError("No prospects match; nothing to send.")
    with open_engine(args) as engine:
        from onboard_desk.storage.db import session_scope

        with session_scope(engine) as session:
            template = mail.TemplateText.of(find_template(session, args.template))
            config = settings_store.load_config(session)
            user = settings_store.user_name(session)
            settings = mail.load_mail_settings(session)
            items = mail.plan_bulk(
                session,
                prospect_ids=ids,
                template=template,
                config=config,
                user=user,
                custom_text=args.custom_text,
            )
        sendable = [i for i in items if i.draft is not None]
        if args.dry_run:
            for item in items:
                if item.draft is None:
                    _print_item(item, "skip", item.skip_reason)
                else:
                    _print_item(item, "would send")
            print(f"{len(sendable)} would be sent, {len(items) - len(sendable)} skipped (dry run).")
            return 0
        if settings.route is not mail.MailRoute.SMTP:
            raise UserError(
                "Sending from the command line needs the SMTP route; choose 'Send directly "
                "(SMTP)' in the window's Mail settings (or use --dry-run to review)."
            )

        def report(result: mail.SendResult) -> None:
            status = {"sent": "sent", "skipped": "skip", "failed": "FAILED"}.get(
                result.status, result.status
            )
            print(
                f"#{result.prospect_id:<6} {status:<10} {result.name} <{result.address}>"
                f"  {result.message}".rstrip(),
                flush=True,
            )

        results = mail.run_bulk(
            engine,
            items=items,
            settings=settings,
            by=user,
            config=config,
            pause_seconds=args.pause,
            propose_next=not args.keep_next_action,
            on_result=report,
        )
    sent = sum(r.status == "sent" for r in results)
    failed = sum(r.status in ("failed", "not sent") for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{sent} sent, {failed} not sent, {skipped} skipped.")
    return 1 if failed and not sent else 0

"""Outreach commands: ``calendar`` (.ics export), ``templates`` (list/show/check), ``send``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.cli.common import open_desk, require_positive
from onboard_desk.errors import UserError
from onboard_desk.pipeline import Stage

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk
    from onboard_desk.services.outreach import BulkItem


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
            "activity and the stage's next action is set, except over a next action chosen in "
            "the last few minutes (kept, and said so). Use --dry-run to review first."
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
    next_action = send.add_mutually_exclusive_group()
    next_action.add_argument(
        "--keep-next-action", action="store_true", help="do not set the stage's next action"
    )
    next_action.add_argument(
        "--replace-next-action",
        action="store_true",
        help="set the stage's next action even over one chosen in the last few minutes",
    )
    send.set_defaults(handler=cmd_send, changes_data=True)


def cmd_calendar(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        count = desk.outreach.export_calendar(args.output, owner=args.owner, days=args.days)
    print(f"Wrote {count} event{'s' if count != 1 else ''} to {args.output}")
    return 0


def cmd_templates_list(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        rows = desk.outreach.templates()
    width = max((len(t.name) for t in rows), default=4)
    print(f"{'id':>4}  {'name':<{width}}  stage")
    for template in rows:
        stage = template.stage.label if template.stage else "-"
        print(f"{template.id:>4}  {template.name:<{width}}  {stage}")
    return 0


def cmd_templates_show(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        template = desk.outreach.find_template(args.name)
        if args.prospect is None:
            stage = template.stage.label if template.stage else "(any)"
            print(f"Name: {template.name}\nStage: {stage}\nSubject: {template.subject}\n")
            print(template.body)
            return 0
        rendered = desk.outreach.render(template.text, args.prospect, custom_text=args.custom_text)
    print(f"Subject: {rendered.subject}\n")
    print(rendered.body)
    if rendered.empty_fields:
        print(f"Empty for this prospect: {', '.join(rendered.empty_fields)}", file=sys.stderr)
    return 0


def cmd_templates_check(args: argparse.Namespace) -> int:
    from onboard_desk.templates.library import parse_template_file
    from onboard_desk.templates.render import check_template

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
        with open_desk(args) as desk:
            sources = [(t.name, t.subject, t.body) for t in desk.outreach.templates()]
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


def _recipients(args: argparse.Namespace, desk: Desk) -> list[int]:
    if args.prospect:
        return list(dict.fromkeys(args.prospect))
    return desk.outreach.recipients(Stage(args.stage), owner=args.owner, due_only=args.due)


def _print_item(item: BulkItem, status: str, message: str = "") -> None:
    subject = item.draft.subject if item.draft else ""
    detail = message or subject
    print(f"#{item.prospect_id:<6} {status:<10} {item.name} <{item.address}>  {detail}".rstrip())


def cmd_send(args: argparse.Namespace) -> int:
    from onboard_desk.services.outreach import MailRoute, SendResult

    with open_desk(args) as desk:
        ids = _recipients(args, desk)
        if not ids:
            raise UserError("No prospects match; nothing to send.")
        outreach = desk.outreach
        template = outreach.find_template(args.template).text
        settings = outreach.mail_settings()
        items = outreach.plan_bulk(ids, template, custom_text=args.custom_text)
        sendable = [i for i in items if i.draft is not None]
        if args.dry_run:
            for item in items:
                if item.draft is None:
                    _print_item(item, "skip", item.skip_reason)
                else:
                    _print_item(item, "would send")
            print(f"{len(sendable)} would be sent, {len(items) - len(sendable)} skipped (dry run).")
            return 0
        if settings.route is not MailRoute.SMTP:
            raise UserError(
                "Sending from the command line needs the SMTP route; choose 'Send directly "
                "(SMTP)' in the window's Mail settings (or use --dry-run to review)."
            )

        def report(result: SendResult) -> None:
            status = {"sent": "sent", "skipped": "skip", "failed": "FAILED"}.get(
                result.status, result.status
            )
            print(
                f"#{result.prospect_id:<6} {status:<10} {result.name} <{result.address}>"
                f"  {result.message}".rstrip(),
                flush=True,
            )

        results = outreach.run_bulk(
            items,
            settings,
            pause_seconds=args.pause,
            propose_next=not args.keep_next_action,
            replace_chosen=args.replace_next_action,
            on_result=report,
        )
    sent = sum(r.status == "sent" for r in results)
    failed = sum(r.status in ("failed", "not sent") for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{sent} sent, {failed} not sent, {skipped} skipped.")
    return 1 if failed and not sent else 0

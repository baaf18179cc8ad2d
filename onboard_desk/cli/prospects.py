"""Prospect commands: add, list, show, move, log, next, delete."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from onboard_desk.cli.common import (
    NO_NAME_NOTE,
    add_filter_arguments,
    filter_from_arguments,
    open_desk,
    require_positive,
)
from onboard_desk.cli.output import RowWriter
from onboard_desk.errors import UserError
from onboard_desk.pipeline import Channel, Flag, Stage

if TYPE_CHECKING:
    from onboard_desk.services.customers import CustomerDetails
    from onboard_desk.services.prospects import Prospect, ProspectDetails

LIST_COLUMNS = (
    "id",
    "name",
    "company",
    "email",
    "phone",
    "channel",
    "owner",
    "stage",
    "value",
    "next_action",
    "next_action_due",
    "created_at",
    "updated_at",
)
#: Extra fields in CSV and JSON output (the table stays readable in a terminal).
EXTRA_COLUMNS = ("title", "currency", "tags", "flags", "lost_reason", "do_not_contact")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stages = [s.value for s in Stage]
    channels = [c.value for c in Channel]

    add = subparsers.add_parser("add", help="add a prospect and print its id")
    add.add_argument("--name", required=True)
    add.add_argument("--company", default="")
    add.add_argument("--title", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument("--channel", default="other", help=f"one of: {', '.join(channels)}")
    add.add_argument(
        "--owner", help="salesperson (default: your name, from 'onboard-desk settings')"
    )
    add.add_argument("--value", help="deal value, e.g. 1200 or 1,200.50")
    add.add_argument("--currency", help="three-letter code (default: the database's currency)")
    add.add_argument("--tags", default="", help="comma-separated")
    add.add_argument("--notes", default="")
    add.add_argument(
        "--referral-code",
        metavar="CODE",
        help="a customer's referral code: links the referral and sets the channel to referral",
    )
    add.set_defaults(handler=cmd_add, changes_data=True)

    lst = subparsers.add_parser("list", help="list prospects (all that match unless --limit)")
    add_filter_arguments(lst)
    lst.add_argument("--limit", type=require_positive)
    lst.add_argument("--format", choices=("table", "csv", "json"), default="table")
    lst.set_defaults(handler=cmd_list)

    show = subparsers.add_parser(
        "show", help="a prospect's fields, checklist, history and activities"
    )
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=cmd_show)

    move = subparsers.add_parser(
        "move",
        help="move a prospect to another stage",
        description=(
            "Forward one stage; back any number; skipping forward needs --reason; "
            "'lost' needs --reason (the lost reason); a lost prospect reopens into the "
            "stage it was lost from; 'won' only from payment."
        ),
    )
    move.add_argument("id", type=int)
    move.add_argument("stage", help=f"one of: {', '.join(stages)}")
    move.add_argument("--reason")
    move.set_defaults(handler=cmd_move, changes_data=True)

    log = subparsers.add_parser("log", help="log a call, email, meeting or note")
    log.add_argument("id", type=int)
    log.add_argument("kind", choices=("call", "email", "meeting", "note"))
    log.add_argument("--text", default="")
    log.add_argument("--outcome", default="", help="for calls: reached, voicemail, ...")
    log.add_argument("--subject", default="")
    log.add_argument("--minutes", type=require_positive, help="duration in minutes")
    log.set_defaults(handler=cmd_log, changes_data=True)

    nxt = subparsers.add_parser("next", help="set or clear a prospect's next action")
    nxt.add_argument("id", type=int)
    group = nxt.add_mutually_exclusive_group(required=True)
    group.add_argument("--action", help="what to do next (with --due)")
    group.add_argument("--clear", action="store_true", help="remove the next action")
    nxt.add_argument("--due", help="YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today, tomorrow, +3d")
    nxt.set_defaults(handler=cmd_next, changes_data=True)

    delete = subparsers.add_parser("delete", help="delete a prospect with its history")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete, changes_data=True)


def cmd_add(args: argparse.Namespace) -> int:
    from onboard_desk.domain import contacts

    with open_desk(args) as desk:
        fields: dict[str, Any] = {
            "name": args.name,
            "company": args.company,
            "title": args.title,
            "email": args.email,
            "phone": args.phone,
            "channel": args.channel,
            "owner": args.owner or desk.user,
            "tags": args.tags,
            "notes": args.notes,
            "currency": args.currency or desk.currency,
        }
        if args.value:
            fields["value_cents"] = contacts.parse_money(args.value)
        prospect = desk.prospects.add(fields, referral_code=args.referral_code)
        print(prospect.id)
        if not fields["owner"]:
            print(NO_NAME_NOTE, file=sys.stderr)
    return 0


def prospect_row(prospect: Prospect, flags: frozenset[Flag]) -> dict[str, Any]:
    """The public, stable representation of a prospect for CSV and JSON output."""
    from onboard_desk.domain.timeutil import as_utc

    def iso(moment: Any) -> str | None:
        return None if moment is None else as_utc(moment).isoformat().replace("+00:00", "Z")

    return {
        "id": prospect.id,
        "name": prospect.name,
        "company": prospect.company,
        "email": prospect.email,
        "phone": prospect.phone,
        "channel": prospect.channel,
        "owner": prospect.owner,
        "stage": prospect.stage,
        "value": None if prospect.value_cents is None else prospect.value_cents / 100,
        "next_action": prospect.next_action,
        "next_action_due": iso(prospect.next_action_due),
        "created_at": iso(prospect.created_at),
        "updated_at": iso(prospect.updated_at),
        "title": prospect.title,
        "currency": prospect.currency,
        "tags": prospect.tags,
        "flags": ",".join(sorted(f.value for f in flags)),
        "lost_reason": prospect.lost_reason,
        "do_not_contact": prospect.do_not_contact,
    }


def _table_row(prospect: Prospect) -> dict[str, Any]:
    from onboard_desk.domain.contacts import format_money
    from onboard_desk.domain.timeutil import format_local

    return {
        "id": prospect.id,
        "name": prospect.name,
        "company": prospect.company,
        "email": prospect.email,
        "phone": prospect.phone,
        "channel": prospect.channel,
        "owner": prospect.owner,
        "stage": prospect.stage,
        "value": format_money(prospect.value_cents),
        "next_action": prospect.next_action or "",
        "next_action_due": format_local(prospect.next_action_due),
        "created_at": format_local(prospect.created_at, with_time=False),
        "updated_at": format_local(prospect.updated_at, with_time=False),
    }


def cmd_list(args: argparse.Namespace) -> int:
    from onboard_desk.domain.timeutil import utcnow
    from onboard_desk.services.prospects import prospect_flags

    flt = filter_from_arguments(args)
    now = utcnow()
    with open_desk(args) as desk:
        config = desk.config
        columns = LIST_COLUMNS if args.format == "table" else LIST_COLUMNS + EXTRA_COLUMNS
        writer = RowWriter(sys.stdout, args.format, columns)
        for prospect in desk.lists.stream(flt, limit=args.limit, now=now):
            if args.format == "table":
                writer.write(_table_row(prospect))
                continue
            writer.write(prospect_row(prospect, prospect_flags(prospect, now=now, config=config)))
        writer.close()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import json

    with open_desk(args) as desk:
        details = desk.prospects.details(args.id)
        customer = desk.customers.details(args.id, with_engagement=True)
    if args.format == "json":
        print(json.dumps(_show_json(details, customer), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_show_lines(details, customer)))
    return 0


def _show_json(details: ProspectDetails, customer: CustomerDetails) -> dict[str, Any]:
    from onboard_desk.cli.retention import customer_json

    prospect, items = details.prospect, details.checklist
    data = prospect_row(prospect, details.flags)
    data["notes"] = prospect.notes
    data["history"] = [
        {
            "from": h.from_stage,
            "to": h.to_stage,
            "kind": h.kind,
            "at": h.at.isoformat(),
            "by": h.by,
            "reason": h.reason,
        }
        for h in details.history
    ]
    data["activities"] = [
        {
            "kind": a.kind,
            "status": a.status,
            "at": a.occurred_at.isoformat(),
            "due": a.due_at.isoformat() if a.due_at else None,
            "outcome": a.outcome,
            "duration_seconds": a.duration_seconds,
            "subject": a.subject,
            "text": a.text,
            "by": a.by,
        }
        for a in details.activities
    ]
    data["customer"] = customer_json(customer)
    data["checklist"] = {
        "stage": items.stage.value,
        "done": items.done,
        "total": items.total,
        "items": [
            {
                "item": item.text,
                "ticked": item.ticked,
                "ticked_at": item.tick.ticked_at.isoformat() if item.tick else None,
                "by": item.tick.by if item.tick else None,
            }
            for item in items.items
        ],
    }
    return data


def _show_lines(details: ProspectDetails, customer: CustomerDetails) -> list[str]:
    from onboard_desk.cli.retention import customer_lines
    from onboard_desk.domain.contacts import format_money
    from onboard_desk.domain.timeutil import format_local

    prospect, items, flags = details.prospect, details.checklist, details.flags
    stage = Stage(prospect.stage)
    lines = [
        f"#{prospect.id}  {prospect.name}",
        f"  Company:      {prospect.company}",
        f"  Title:        {prospect.title}",
        f"  Email:        {prospect.email}",
        f"  Phone:        {prospect.phone}",
        f"  Channel:      {Channel(prospect.channel).label}",
        f"  Owner:        {prospect.owner}",
        f"  Value:        {format_money(prospect.value_cents, prospect.currency)}",
        f"  Stage:        {stage.label} since {format_local(prospect.stage_entered_at)}",
    ]
    if stage is Stage.LOST:
        lost_from = Stage(prospect.lost_from).label if prospect.lost_from else "?"
        lines.append(f"  Lost from:    {lost_from} ({prospect.lost_reason})")
    due = format_local(prospect.next_action_due)
    lines.append(
        f"  Next action:  {prospect.next_action or '(none)'}{'  due ' + due if due else ''}"
    )
    if flags:
        lines.append(f"  Attention:    {', '.join(sorted(f.label for f in flags))}")
    if prospect.tags:
        lines.append(f"  Tags:         {prospect.tags}")
    if prospect.do_not_contact:
        lines.append("  Do not contact")
    if prospect.notes:
        lines.append(f"  Notes:        {prospect.notes}")
    lines.extend(customer_lines(customer))
    if items.total:
        lines.append(f"Checklist ({items.stage.label}, {items.done}/{items.total} done):")
        for item in items.items:
            done = (
                f"  (ticked by {item.tick.by or '?'} {format_local(item.tick.ticked_at)})"
                if item.tick
                else ""
            )
            lines.append(f"  [{'x' if item.ticked else ' '}] {item.text}{done}")
    lines.append("History:")
    for h in details.history:
        origin = Stage(h.from_stage).label if h.from_stage else "created"
        reason = f"  ({h.reason})" if h.reason else ""
        lines.append(
            f"  {format_local(h.at)}  {origin} -> {Stage(h.to_stage).label}"
            f"  by {h.by or '(no name)'}{reason}"
        )
    lines.append(f"Activities ({len(details.activities)}):")
    for a in details.activities:
        detail = " · ".join(x for x in (a.outcome, a.subject, a.text) if x)
        when = format_local(a.due_at if a.status == "planned" else a.occurred_at)
        lines.append(f"  {when}  {a.kind}{' (planned)' if a.status == 'planned' else ''}  {detail}")
    return lines


def cmd_move(args: argparse.Namespace) -> int:
    from onboard_desk.pipeline import parse_stage

    target = parse_stage(args.stage)
    with open_desk(args) as desk:
        result = desk.prospects.move(args.id, target, args.reason)
        prospect = desk.prospects.get(args.id)
        move = result.transition
        print(f"#{args.id} {prospect.name}: {move.from_stage.label} -> {move.to_stage.label}")
        if prospect.next_action:
            from onboard_desk.domain.timeutil import format_local

            due = format_local(prospect.next_action_due)
            print(f"Next action: {prospect.next_action} (due {due})")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        activity = desk.prospects.log_activity(
            args.id,
            args.kind,
            text=args.text,
            outcome=args.outcome,
            subject=args.subject,
            duration_seconds=None if args.minutes is None else args.minutes * 60,
        )
        print(activity.id)
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    from onboard_desk.domain.timeutil import parse_user_datetime

    if args.clear:
        action, due = None, None
    else:
        if not args.due:
            raise UserError("A next action needs --due.")
        try:
            due = parse_user_datetime(args.due)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        action = args.action
    with open_desk(args) as desk:
        desk.prospects.set_next_action(args.id, action, due)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        prospect = desk.prospects.get(args.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError("Refusing to delete without confirmation; add --yes.")
            answer = input(f"Delete #{prospect.id} {prospect.name} and its history? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 1
        desk.prospects.delete(args.id)
        print(f"Deleted #{args.id} {prospect.name}.")
    return 0

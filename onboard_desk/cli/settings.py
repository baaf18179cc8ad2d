"""``settings``: show and change who uses the database and how they work.

The same values the window's first-run questions and Settings › You edit (name, e-mail,
signature, home currency, phone region, working hours), through the same service
(:mod:`onboard_desk.services.identity`), so a value refused here is refused there too.
"""

from __future__ import annotations

import argparse
import json

from onboard_desk.cli.common import add_db_option, open_desk


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from onboard_desk.services.identity import SETTING_KEYS

    keys = "\n".join(f"  {item.key:<18}{item.help}" for item in SETTING_KEYS)
    settings = subparsers.add_parser(
        "settings",
        help="show or change your name, e-mail, signature, currency, phone region and hours",
        description=(
            "Who uses this database and how they work: the values the window asks on first "
            "run and edits in Settings › You. 'settings show' lists them; "
            "'settings set KEY VALUE' changes one."
        ),
        epilog=f"Keys:\n{keys}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = settings.add_subparsers(dest="settings_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="list every value")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_db_option(show)
    show.set_defaults(handler=cmd_settings_show)
    change = actions.add_parser(
        "set",
        help="change one value",
        description="Change one value; a value that cannot be stored changes nothing.",
        epilog=f"Keys:\n{keys}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    change.add_argument("key", help="one of the keys below")
    change.add_argument("value", help="the new value ('' clears the name, e-mail or signature)")
    add_db_option(change)
    change.set_defaults(handler=cmd_settings_set)


def cmd_settings_show(args: argparse.Namespace) -> int:
    from onboard_desk.services.identity import SETTING_KEYS

    with open_desk(args) as desk:
        identity = desk.settings.identity()
    if args.format == "json":
        data = {
            "name": identity.name,
            "email": identity.email,
            "signature": identity.signature,
            "currency": identity.currency,
            "phone_region": identity.region,
            "working_hours": identity.hours.to_setting(),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    width = max(len(item.key) for item in SETTING_KEYS) + 2
    for item in SETTING_KEYS:
        print(f"{item.key + ':':<{width}}{item.show(identity)}")
    return 0


def cmd_settings_set(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        item = desk.settings.set_value(args.key, args.value)
        print(f"{item.key}: {item.show(desk.settings.identity())}")
    return 0

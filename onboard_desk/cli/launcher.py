"""``install-launcher``: add Onboard Desk to the desktop's application launcher."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    launcher = subparsers.add_parser(
        "install-launcher",
        help="add Onboard Desk to the desktop's application launcher",
        description=(
            "Write onboard-desk.desktop to $XDG_DATA_HOME/applications and the app icon to "
            "$XDG_DATA_HOME/icons/hicolor/scalable/apps ($XDG_DATA_HOME is ~/.local/share "
            "unless set). The entry starts this installation's onboard-desk by its full "
            "path, so it works from a virtual environment too. Run it again after moving "
            "the installation."
        ),
    )
    launcher.set_defaults(handler=cmd_install_launcher)


def cmd_install_launcher(args: argparse.Namespace) -> int:
    from onboard_desk.desktop.launcher import install_launcher
    from onboard_desk.errors import UserError

    try:
        installed = install_launcher()
    except OSError as exc:
        raise UserError(f"could not write the launcher entry: {exc}") from exc
    print(f"Added Onboard Desk to the application launcher: {installed.desktop_file}")
    print(f"Icon: {installed.icon_file}")
    return 0

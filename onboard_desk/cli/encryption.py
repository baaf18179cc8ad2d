"""``onboard-desk encryption``: encryption at rest, its key and its recovery key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onboard_desk.cli.common import db_path
from onboard_desk.errors import UserError

DESCRIPTION = (
    "Encrypts the database file with SQLCipher (AES-256). The key is random and kept only "
    "in your system keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential "
    "Manager); new databases are encrypted when such a keyring is available. Protected: "
    "the database file, its write-ahead log, and backups made while it is encrypted "
    "(they keep the same key). Not protected: data while you are logged in, exports and "
    "reports you write, mail you sent, and copies or backups made before encryption was "
    "turned on. Keep the recovery key somewhere safe: it is the only way back in if the "
    "keyring is lost. Turning encryption on or off rewrites the file; close the window "
    "and other commands using the database first."
)


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        dest="command_db",
        metavar="PATH",
        action="append",
        help="database file (may also be given before the command)",
    )


def _path(args: argparse.Namespace) -> Path:
    paths = [*(args.db or []), *(getattr(args, "command_db", None) or [])]
    return db_path(argparse.Namespace(db=paths[-1:] if paths else None))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "encryption",
        help="encrypt the database with a key kept in the system keyring (on, off, status)",
        description=DESCRIPTION,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    status = actions.add_parser(
        "status", help="is the database encrypted, and is its key in the keyring?"
    )
    _add_db_option(status)
    status.set_defaults(handler=cmd_status)

    on = actions.add_parser(
        "on",
        help="encrypt the database (rewritten, checked, then swapped) and show its recovery key",
        description=(
            "Rewrites the database encrypted with a new random key, kept in the system "
            "keyring, checks the copy and swaps it in. Prints the recovery key once (or "
            "writes it to --recovery-file): print it or save it somewhere safe."
        ),
    )
    _add_db_option(on)
    on.add_argument(
        "--recovery-file", type=Path, help="write the recovery key to this new file instead"
    )
    on.set_defaults(handler=cmd_on)

    off = actions.add_parser(
        "off",
        help="decrypt the database (rewritten, checked, then swapped) and forget its key",
    )
    _add_db_option(off)
    off.set_defaults(handler=cmd_off)

    recovery = actions.add_parser(
        "recovery-key",
        help="show the recovery key of the encrypted database (its key must be in the keyring)",
    )
    _add_db_option(recovery)
    recovery.add_argument(
        "-o", "--output", type=Path, help="write it to this new file instead of printing it"
    )
    recovery.set_defaults(handler=cmd_recovery_key)

    recover = actions.add_parser(
        "recover",
        help="open an encrypted database with its recovery key and keep its key in the keyring",
        description=(
            "When the keyring lost the key (a new computer, a reset keyring) or never had "
            "it (a colleague's encrypted snapshot for a team report): give the recovery "
            "key, typed at the prompt, from --key-file, or on standard input. The key is "
            "checked against the file and then kept in this keyring for it."
        ),
    )
    _add_db_option(recover)
    recover.add_argument("--key-file", type=Path, help="read the recovery key from this file")
    recover.set_defaults(handler=cmd_recover)


def cmd_status(args: argparse.Namespace) -> int:
    from onboard_desk.services import encryption

    state = encryption.status(_path(args))
    print(state.summary)
    print(state.keyring.message)
    print(encryption.PROTECTS)
    return 0


def _write_new_file(path: Path, text: str) -> None:
    """Write a secret to a new file only its owner can read."""
    import os

    target = path.expanduser()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserError(f"{target} already exists; choose a new file.") from None
    except OSError as exc:
        raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def _recovery_text(path: Path, key: str) -> str:
    return (
        f"Onboard Desk recovery key for {path}\n\n    {key}\n\n"
        "It opens this database and its backups if the system keyring loses the key:\n"
        f"    onboard-desk encryption recover --db {path}\n"
    )


def cmd_on(args: argparse.Namespace) -> int:
    from onboard_desk.services import encryption

    path = _path(args)
    if args.recovery_file is not None and args.recovery_file.expanduser().exists():
        raise UserError(f"{args.recovery_file} already exists; choose a new file.")
    key = encryption.turn_on(path)
    print(f"{path} is now encrypted; its key is kept in your system keyring.", file=sys.stderr)
    if args.recovery_file is not None:
        _write_new_file(args.recovery_file, _recovery_text(path, key))
        print(f"Recovery key written to {args.recovery_file}.", file=sys.stderr)
    else:
        print("Recovery key (print it or save it somewhere safe):", file=sys.stderr)
        print(key)
    return 0


def cmd_off(args: argparse.Namespace) -> int:
    from onboard_desk.services import encryption

    path = _path(args)
    encryption.turn_off(path)
    print(
        f"{path} is no longer encrypted, and its key was removed from the keyring. Backups "
        "made while it was encrypted still need its recovery key.",
        file=sys.stderr,
    )
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    from onboard_desk.services import encryption

    path = _path(args)
    key = encryption.recovery_key(path)
    if args.output is not None:
        _write_new_file(args.output, _recovery_text(path, key))
        print(f"Recovery key written to {args.output}.", file=sys.stderr)
    else:
        print(key)
    return 0


def _read_recovery_key(args: argparse.Namespace) -> str:
    if args.key_file is not None:
        try:
            text = args.key_file.expanduser().read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise UserError(f"Cannot read {args.key_file}: {exc.strerror or exc}.") from exc
        # A saved recovery file holds the key on a line of its own among other text.
        from onboard_desk.domain.recovery_key import find_recovery_key

        return find_recovery_key(text)
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Recovery key: ")
    return sys.stdin.readline()


def cmd_recover(args: argparse.Namespace) -> int:
    from onboard_desk.services import encryption

    path = _path(args)
    encryption.recover(path, _read_recovery_key(args))
    print(f"{path} opens again: its key is kept in your system keyring.", file=sys.stderr)
    return 0

#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: lint, types, then pytest.
# Tests that store a password use a real keyring: gnome-keyring on a private D-Bus session.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    # A keyring of its own in a temporary folder: the tests never see (or need the
    # password of) the user's real login keyring.
    keyring_home=$(mktemp -d)
    trap 'rm -rf "$keyring_home"' EXIT
    status=0
    KEYRING_HOME="$keyring_home" dbus-run-session -- sh -c '
        printf "onboard-desk-tests" | XDG_DATA_HOME="$KEYRING_HOME" \
            gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
        exec .venv/bin/python -m pytest "$@"' sh "$@" 2> >(grep -v -e "^dbus-daemon\[" -e "Gtk-WARNING" -e "^$" >&2) \
        || status=$?
    exit "$status"
fi
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Prepare a Debian/Ubuntu machine for Onboard Desk: system libraries Qt needs, a virtual
# environment in .venv, and the project with its dependencies. Safe to run again.
#   scripts/setup.sh            # what the app needs
#   scripts/setup.sh --dev      # plus what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo=""; fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Onboard Desk needs Python 3.11 or newer (found: $("$python" --version 2>&1))." >&2
    exit 1
fi

# Qt's window system plugin (xcb) and OpenGL/fonts; the test extras add a real keyring
# (gnome-keyring on a private D-Bus), the sqlite3, poppler and binutils (strings: what an
# encrypted file must not show) tools, and Xvfb.
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0)
"$python" -m venv --help >/dev/null 2>&1 && "$python" -c 'import ensurepip' 2>/dev/null \
    || packages+=(python3-venv)
if [ "$dev" -eq 1 ]; then
    packages+=(gnome-keyring dbus-x11 dbus sqlite3 poppler-utils xvfb xauth binutils)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null && { [ -z "$sudo" ] && [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
        echo "Installing system packages: ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "Please install these system packages first: ${missing[*]}" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" -eq 1 ]; then
    .venv/bin/python -m pip install -q -e '.[dev]'
else
    .venv/bin/python -m pip install -q -e .
fi

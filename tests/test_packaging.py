"""What a normal (non-editable) install carries: every file the program reads at run time
lives inside the package, is listed in pyproject's package data, and is found through
importlib.resources, never through a path outside the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import onboard_desk
from onboard_desk.resource_files import resource

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "onboard_desk"
SVG = "{http://www.w3.org/2000/svg}svg"


def packaged_files() -> set[Path]:
    """The files a wheel gets from ``onboard_desk/``, worked out from pyproject.toml the
    way setuptools does: every module of the packages found, plus the package-data globs
    (each relative to its package's folder)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert config["packages"]["find"]["include"] == ["onboard_desk*"]
    files = {path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts}
    for package, patterns in config["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            files.update(path for path in folder.glob(pattern) if path.is_file())
    return files


def resource_files() -> set[Path]:
    return {
        path
        for path in (PACKAGE / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_package_resolves_resources_inside_itself():
    assert onboard_desk.__file__ is not None
    package = Path(onboard_desk.__file__).resolve().parent
    folder = Path(str(resource()))
    assert folder.resolve() == package / "resources"
    assert resource("icons").is_dir() and resource("templates").is_dir()


def test_every_icon_name_ships_in_the_package_as_an_svg():
    from onboard_desk.ui.common.icons import ICON_NAMES, icon_names

    assert len(ICON_NAMES) == len(set(ICON_NAMES))
    # The names the code may use (mypy holds call sites to IconName) are exactly the files.
    assert sorted(ICON_NAMES) == icon_names()
    entries = [resource("icons", f"{name}.svg") for name in ICON_NAMES]
    for entry in [*entries, resource("onboard-desk.svg")]:
        assert entry.is_file(), entry.name
        root = ET.fromstring(entry.read_bytes())
        assert root.tag == SVG and root.get("viewBox"), entry.name


def test_package_data_lists_every_resource_file():
    missing = resource_files() - packaged_files()
    assert not missing, sorted(str(path.relative_to(ROOT)) for path in missing)
    names = {path.relative_to(PACKAGE).as_posix() for path in packaged_files()}
    assert {"resources/onboard-desk.svg", "resources/onboard-desk.desktop"} <= names
    assert "resources/icons/today.svg" in names
    assert "resources/templates/01-cold-outreach.txt" in names


def test_top_level_resources_are_links_into_the_package():
    """``resources/`` stays the repository's familiar layout, with one copy of each file:
    the package's."""
    top = ROOT / "resources"
    entries = sorted(top.iterdir())
    assert {entry.name for entry in entries} == {
        entry.name for entry in (PACKAGE / "resources").iterdir() if entry.name != "__pycache__"
    }
    for entry in entries:
        assert entry.is_symlink(), entry.name
        assert entry.resolve() == (PACKAGE / "resources" / entry.name).resolve(), entry.name


def test_a_copy_of_what_a_wheel_holds_has_its_icons_templates_and_launcher(tmp_path):
    """Only the packaged files, copied somewhere with no repository around them, must give
    real icons (drawn, not blank), the application icon, the starter templates and the
    launcher entry."""
    site = tmp_path / "site"
    for path in packaged_files():
        target = site / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path

        from PySide6.QtGui import QGuiApplication, QImage

        import onboard_desk
        from onboard_desk.desktop.launcher import desktop_entry
        from onboard_desk.templates.library import starter_templates
        from onboard_desk.ui.common.icons import ICON_NAMES
        from onboard_desk.ui.common.icons import app_icon
        from onboard_desk.ui.common.icons import icon

        site = Path(sys.argv[1])
        assert Path(onboard_desk.__file__).is_relative_to(site), onboard_desk.__file__
        app = QGuiApplication([])

        def drawn(qicon):
            if qicon.isNull():
                return False
            image = qicon.pixmap(32, 32).toImage().convertToFormat(QImage.Format.Format_ARGB32)
            return any(
                image.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32)
            )

        blank = [name for name in ICON_NAMES if not drawn(icon(name))]
        assert not blank, blank
        assert drawn(app_icon())
        assert len(starter_templates()) >= 9
        assert "Exec=/opt/onboard-desk" in desktop_entry(["/opt/onboard-desk"])
        print("ok", len(ICON_NAMES))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(site)],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok", str(len(list(site.glob("**/icons/*.svg"))))]

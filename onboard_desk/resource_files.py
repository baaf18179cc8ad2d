"""Files that ship inside the package, under ``onboard_desk/resources/``.

Everything the program reads at run time (the icons, the application icon, the launcher
entry, the starter templates) lives inside the package, so a wheel or any other normal
install carries it; the repository's top-level ``resources/`` only holds links to these
files. Reading through :mod:`importlib.resources` instead of a path worked out from
``__file__`` keeps that true for every kind of install, and a test checks that nothing
reaches outside the package.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """``onboard_desk/resources/<parts...>`` of the installed package (it may not exist)."""
    node = resources.files("onboard_desk").joinpath("resources")
    for part in parts:
        node = node.joinpath(part)
    return node

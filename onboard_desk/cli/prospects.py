"""Prospect commands: add, list, show, move, log, next."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Filled in below (placeholder removed before merge)."""

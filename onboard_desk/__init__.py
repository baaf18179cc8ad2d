"""Onboard Desk: a desktop app for walking prospects through an onboarding pipeline."""

from __future__ import annotations

__version__ = "0.1.0"

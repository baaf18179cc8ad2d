"""The merge fields a template may use, and their values for one prospect.

Fields are flat names (``{{ first_name }}``) so a salesperson can write them without
knowing the data model. Every value is a plain string: dates are already formatted and a
value the prospect does not have is the empty string, which :mod:`.render` reports as
"missing" so the preview can warn before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.timeutil import to_local, utcnow
from onboard_desk.pipeline import PipelineConfig, Stage
from onboard_desk.storage.models import Prospect, StageChange

#: Setting key: signatures per owner name (JSON object owner -> text).
SIGNATURES_SETTING = "email_signatures"
#: Setting key: the prefix of referral codes ("REF" unless changed).
REFERRAL_PREFIX_SETTING = "referral_code_prefix"
DEFAULT_REFERRAL_PREFIX = "REF"


@dataclass(frozen=True)
class MergeField:
    """One field a template can use: its name, what it means, and a sample value."""

    name: str
    description: str
    sample: str


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("first_name", "Prospect's first name", "Zoë"),
    MergeField("last_name", "Prospect's last name", "Müller"),
    MergeField("full_name", "Prospect's full name", "Zoë Müller"),
    MergeField("company", "Prospect's company", "Acme Dental"),
    MergeField("title", "Prospect's job title", "Practice manager"),
    MergeField("email", "Prospect's email address", "zoe@acme.example"),
    MergeField("phone", "Prospect's phone number", "+49 30 1234567"),
    MergeField("stage", "Prospect's stage (display name)", "Trial"),
    MergeField("deal_value", "Deal value with currency", "1,200.00 EUR"),
    MergeField("owner_name", "The prospect's salesperson", "Jamie Lee"),
    MergeField("owner_first_name", "The salesperson's first name", "Jamie"),
    MergeField("signature", "The salesperson's email signature", "Jamie Lee\nOnboard Co."),
    MergeField("trial_start", "Date the trial started", "2 March 2026"),
    MergeField("trial_end", "Date the trial ends (start + trial length)", "16 March 2026"),
    MergeField("trial_days_left", "Whole days until the trial ends", "5"),
    MergeField("referral_code", "The prospect's personal referral code", "REF-001A-7"),
    MergeField("custom_text", "Text typed when sending (a personal line)", "Great to meet you."),
    MergeField("today", "Today's date", "9 March 2026"),
)
KNOWN_FIELDS: frozenset[str] = frozenset(f.name for f in MERGE_FIELDS)

SAMPLE_VALUES: Mapping[str, str] = {f.name: f.sample for f in MERGE_FIELDS}

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHECK = _CROCKFORD + "*~$=U"


def referral_code(prospect_id: int, prefix: str = DEFAULT_REFERRAL_PREFIX) -> str:
    """A short, stable code for a prospect: ``PREFIX-<base32 id>-<check>``.

    Derived from the id (Crockford base32 with its mod-37 check symbol) so it needs no
    storage and a mistyped code is detected by :func:`parse_referral_code`.
    """
    if prospect_id <= 0:
        raise ValueError("A referral code needs a saved prospect.")
    digits = ""
    value = prospect_id
    while value:
        value, rest = divmod(value, 32)
        digits = _CROCKFORD[rest] + digits
    return f"{prefix}-{digits.rjust(4, '0')}-{_CHECK[prospect_id % 37]}"


def parse_referral_code(code: str) -> int | None:
    """The prospect id in a referral code, or None when it is not a valid code."""
    parts = code.strip().upper().split("-")
    if len(parts) < 3:
        return None
    digits, check = parts[-2], parts[-1]
    value = 0
    for char in digits.replace("O", "0").replace("I", "1").replace("L", "1"):
        if char not in _CROCKFORD:
            return None
        value = value * 32 + _CROCKFORD.index(char)
    if value <= 0 or len(check) != 1 or _CHECK[value % 37] != check:
        return None
    return value


def format_day(moment: datetime | date | None) -> str:
    """A date as people write it in a letter ("14 March 2026"), in local time."""
    if moment is None:
        return ""
    day = to_local(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {day.strftime('%B')} {day.year}"


def split_name(full: str) -> tuple[str, str]:
    """First and last name from a full name ("Ana María García" -> "Ana", "María García")."""
    parts = full.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def trial_start(session: Session, prospect: Prospect) -> datetime | None:
    """When the prospect's latest trial started (its last move into Trial)."""
    if prospect.stage == Stage.TRIAL.value:
        return prospect.stage_entered_at
    return session.exec(
        select(StageChange.at)
        .where(StageChange.prospect_id == prospect.id, StageChange.to_stage == Stage.TRIAL.value)
        .order_by(col(StageChange.at).desc())
        .limit(1)
    ).first()


def signature_for(signatures: Mapping[str, str], owner: str, fallback_name: str) -> str:
    """The owner's saved signature, else just their name."""
    text = signatures.get(owner) or signatures.get("") or ""
    return text.strip() or (owner or fallback_name)


def field_values(
    session: Session,
    prospect: Prospect,
    *,
    config: PipelineConfig,
    user: str,
    custom_text: str = "",
    now: datetime | None = None,
) -> dict[str, str]:
    """Every merge field's value for ``prospect`` (empty string where it has none)."""
    from onboard_desk.storage.settings_store import get_setting

    now = now or utcnow()
    first, last = split_name(prospect.name)
    owner = prospect.owner or user
    signatures = get_setting(session, SIGNATURES_SETTING, {}) or {}
    prefix = get_setting(session, REFERRAL_PREFIX_SETTING, DEFAULT_REFERRAL_PREFIX)
    started = trial_start(session, prospect)
    ends = prospect.trial_ends_at
    if ends is None and started is not None:
        ends = started + timedelta(days=config.trial_length_days)
    days_left = ""
    if ends is not None:
        days_left = str(max(0, (to_local(ends).date() - to_local(now).date()).days))
    return {
        "first_name": first,
        "last_name": last,
        "full_name": prospect.name,
        "company": prospect.company,
        "title": prospect.title,
        "email": prospect.email,
        "phone": prospect.phone,
        "stage": Stage(prospect.stage).label,
        "deal_value": format_money(prospect.value_cents, prospect.currency)
        if prospect.value_cents is not None
        else "",
        "owner_name": owner,
        "owner_first_name": split_name(owner)[0],
        "signature": signature_for(signatures if isinstance(signatures, dict) else {}, owner, user),
        "trial_start": format_day(started),
        "trial_end": format_day(ends),
        "trial_days_left": days_left,
        "referral_code": referral_code(prospect.id or 0, str(prefix or DEFAULT_REFERRAL_PREFIX))
        if prospect.id
        else "",
        "custom_text": custom_text.strip(),
        "today": format_day(now),
    }

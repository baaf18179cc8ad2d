"""The prospect fields a file's columns can be mapped to, and the header names that mean them.

Header names are compared after :func:`header_key` (lower case, letters and digits only),
so "E-mail Address", "email_address" and "Email address" are the same. CRM exports put
the record type in front ("Person - Email - Work" in Pipedrive): :func:`field_for_header`
drops such prefixes and suffixes before looking a header up.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from onboard_desk.importing.sources.base import header_key


class Field(enum.StrEnum):
    """A target of the column mapping. ``IGNORE`` leaves a column out."""

    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    COMPANY = "company"
    TITLE = "title"
    EMAIL = "email"
    PHONE = "phone"
    NOTES = "notes"
    TAGS = "tags"
    VALUE = "value"
    CURRENCY = "currency"
    CHANNEL = "channel"
    OWNER = "owner"
    CREATED = "created_at"
    NEXT_ACTION = "next_action"
    NEXT_ACTION_DUE = "next_action_due"
    REFERRAL_CODE = "referral_code"
    IGNORE = "ignore"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS: Mapping[Field, str] = {
    Field.NAME: "Full name",
    Field.FIRST_NAME: "First name",
    Field.LAST_NAME: "Last name",
    Field.COMPANY: "Company",
    Field.TITLE: "Job title",
    Field.EMAIL: "Email",
    Field.PHONE: "Phone",
    Field.NOTES: "Notes (added)",
    Field.TAGS: "Tags",
    Field.VALUE: "Deal value",
    Field.CURRENCY: "Currency",
    Field.CHANNEL: "Channel",
    Field.OWNER: "Owner",
    Field.CREATED: "Date added",
    Field.NEXT_ACTION: "Next action",
    Field.NEXT_ACTION_DUE: "Next action due",
    Field.REFERRAL_CODE: "Referral code",
    Field.IGNORE: "(do not import)",
}

#: Fields several columns may feed (their texts are combined); the rest take one column.
MULTI_COLUMN_FIELDS = frozenset({Field.NOTES, Field.TAGS, Field.IGNORE})

#: Fields holding dates: a value that cannot be read as a date rejects the row.
DATE_FIELDS = frozenset({Field.CREATED, Field.NEXT_ACTION_DUE})

_ALIASES: Mapping[Field, tuple[str, ...]] = {
    Field.NAME: (
        "name",
        "fullname",
        "contactname",
        "displayname",
        "formattedname",
        "contact",
        "personname",
        "leadname",
        "customername",
        "clientname",
    ),
    Field.FIRST_NAME: ("firstname", "givenname", "first", "forename", "vorname", "prenom"),
    Field.LAST_NAME: ("lastname", "surname", "familyname", "last", "nachname", "nom"),
    Field.COMPANY: (
        "company",
        "companyname",
        "organization",
        "organisation",
        "organizationname",
        "organisationname",
        "org",
        "account",
        "accountname",
        "employer",
        "business",
        "firma",
        "associatedcompany",
        "personorganization",
        "organizationname1",
    ),
    Field.TITLE: ("title", "jobtitle", "position", "role", "designation", "jobposition"),
    Field.EMAIL: (
        "email",
        "emailaddress",
        "mail",
        "workemail",
        "businessemail",
        "personalemail",
        "primaryemail",
        "email1",
        "emailaddress1",
        "emailaddr",
        "emails",
    ),
    Field.PHONE: (
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "telephone",
        "tel",
        "workphone",
        "businessphone",
        "homephone",
        "phone1",
        "primaryphone",
        "phones",
        "telefon",
    ),
    Field.NOTES: (
        "notes",
        "note",
        "description",
        "comments",
        "comment",
        "url",
        "profileurl",
        "linkedinurl",
        "linkedin",
        "website",
        "about",
        "remarks",
    ),
    Field.TAGS: ("tags", "tag", "labels", "label", "categories", "category", "lists", "segment"),
    Field.VALUE: ("value", "dealvalue", "amount", "dealamount", "dealsize", "opportunityamount"),
    Field.CURRENCY: ("currency", "currencycode", "dealcurrency"),
    Field.CHANNEL: ("channel", "source", "leadsource", "originalsource", "contactsource"),
    Field.OWNER: (
        "owner",
        "contactowner",
        "leadowner",
        "accountowner",
        "salesperson",
        "assignedto",
        "personowner",
    ),
    Field.CREATED: (
        "connectedon",
        "createdate",
        "createddate",
        "created",
        "dateadded",
        "datecreated",
        "personcreated",
        "addtime",
        "createdat",
        "addedon",
    ),
    Field.NEXT_ACTION: ("nextstep", "nextaction", "nextactivity", "nextactivitysubject"),
    Field.NEXT_ACTION_DUE: (
        "nextactivitydate",
        "nextstepdate",
        "followupdate",
        "nextactiondate",
        "nextactiondue",
        "duedate",
        "followup",
    ),
    Field.REFERRAL_CODE: (
        "referralcode",
        "refcode",
        "referrercode",
        "referredbycode",
        "friendcode",
        "invitecode",
    ),
}

_BY_KEY: dict[str, Field] = {
    alias: field for field, aliases in _ALIASES.items() for alias in aliases
}

#: Record-type prefixes and qualifier suffixes CRM exports add around a field's name.
_PREFIXES = ("person", "contact", "lead", "primary", "customer", "client")
_SUFFIXES = ("work", "home", "mobile", "other", "value", "primary", "main", "1", "2", "3")


def field_for_header(header: str) -> Field | None:
    """The field a column header most likely means, or None when it is not recognised."""
    key = header_key(header)
    if not key:
        return None
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    stripped = key
    for prefix in _PREFIXES:
        if stripped.startswith(prefix) and stripped != prefix:
            stripped = stripped[len(prefix) :]
            break
    found = _BY_KEY.get(stripped)
    if found is not None:
        return found
    for suffix in _SUFFIXES:
        if stripped.endswith(suffix) and stripped != suffix:
            found = _BY_KEY.get(stripped[: -len(suffix)])
            if found is not None:
                return found
    return None


def is_known_header(header: str) -> bool:
    """True for a header the importer recognises (used to find the header row)."""
    return field_for_header(header) is not None

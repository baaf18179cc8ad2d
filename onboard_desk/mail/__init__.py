"""Sending mail to prospects: settings, the keyring-held password, SMTP, and the outbox.

Two routes: the user's own mail program (a ``mailto:`` URL the window opens) or SMTP sent
by the app itself. Nothing here imports Qt.
"""

from __future__ import annotations

from onboard_desk.mail.message import (
    AddressError,
    Draft,
    build_message,
    mailto_url,
)
from onboard_desk.mail.outbox import (
    BulkItem,
    DoNotContactError,
    NoAddressError,
    NotRecordedError,
    SendResult,
    SentRecord,
    TemplateText,
    open_connection,
    plan_bulk,
    prepare_draft,
    proposed_next_action,
    record_sent,
    record_sent_message,
    run_bulk,
    send_draft,
    stage_recipients,
)
from onboard_desk.mail.secrets import (
    SERVICE,
    KeyringStatus,
    KeyringUnavailableError,
    delete_password,
    keyring_status,
    read_password,
    store_password,
)
from onboard_desk.mail.settings import (
    MailRoute,
    MailSettings,
    Security,
    load_mail_settings,
    load_signature,
    save_mail_settings,
    save_signature,
)
from onboard_desk.mail.smtp import (
    AuthenticationError,
    MailError,
    MessageRejectedError,
    RecipientRejectedError,
    ServerUnreachableError,
    SmtpConnection,
    TlsError,
)

__all__ = [
    "SERVICE",
    "AddressError",
    "AuthenticationError",
    "BulkItem",
    "DoNotContactError",
    "Draft",
    "KeyringStatus",
    "KeyringUnavailableError",
    "MailError",
    "MailRoute",
    "MailSettings",
    "MessageRejectedError",
    "NoAddressError",
    "NotRecordedError",
    "RecipientRejectedError",
    "Security",
    "SendResult",
    "SentRecord",
    "ServerUnreachableError",
    "SmtpConnection",
    "TemplateText",
    "TlsError",
    "build_message",
    "delete_password",
    "keyring_status",
    "load_mail_settings",
    "load_signature",
    "mailto_url",
    "open_connection",
    "plan_bulk",
    "prepare_draft",
    "proposed_next_action",
    "read_password",
    "record_sent",
    "record_sent_message",
    "run_bulk",
    "save_mail_settings",
    "save_signature",
    "send_draft",
    "stage_recipients",
    "store_password",
]

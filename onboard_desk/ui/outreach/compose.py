"""Write one email to one prospect from a template, see it as they will, and send it.

The left side holds the template's source for this message (edits change this message
only; the stored template is changed in the template editor); the right side is the live
preview for this prospect, with problems shown as they are typed. Sending runs on the
thread pool; the message is logged on the timeline only once the server accepted it, or,
on the mail-program route, once the user says it went.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.domain.timeutil import format_local
from onboard_desk.mail.message import mailto_url
from onboard_desk.services.outreach import (
    Draft,
    MailRoute,
    MailSettings,
    NotRecordedError,
    SentRecord,
)
from onboard_desk.templates.render import Rendered, TemplateCheckError, render
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.outreach.common import ProblemLabel, fill_template_combo, open_url


class ComposeDialog(QDialog):
    """Compose, preview and send one templated email to one prospect."""

    #: Emitted with the new email activity's id once the message is recorded as sent.
    sig_sent = Signal(int)

    def __init__(self, context: AppContext, prospect_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.prospect_id = prospect_id
        self.setWindowTitle(self.tr("Write email"))
        self.resize(1100, 680)
        self._rendered: Rendered | None = None
        self._busy = False
        self._went_out = False  # sent but not recorded: never offer to send it again
        self._handed_to_program: Draft | None = None

        start = context.desk.outreach.compose(prospect_id)
        self._name = start.name
        self._address = start.address
        self._do_not_contact = start.do_not_contact
        self._stage = start.stage
        self._templates = list(start.templates)
        self.settings: MailSettings = start.settings
        self._proposal = start.proposal
        #: The next action the user chose minutes ago: sending keeps it unless they tick
        #: the box to replace it (then the service is told so).
        self._kept = start.kept
        #: The merge fields' values for this prospect; the personal line is added per render.
        self._values: dict[str, str] = start.values

        self._build()
        fill_template_combo(self.template_combo, self._templates)
        self._template_chosen()
        self._refresh_route()

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        to_text = f"<b>{self._name}</b> &lt;{self._address or self.tr('no address')}&gt;"
        self.to_label = QLabel(self.tr("To: ") + to_text + f" · {self._stage.label}")
        layout.addWidget(self.to_label)
        self.warning_label = ProblemLabel()
        layout.addWidget(self.warning_label)
        if self._do_not_contact:
            self.warning_label.show_problems([self.tr("This prospect is marked do-not-contact.")])
        elif not self._address:
            self.warning_label.show_problems([self.tr("This prospect has no email address.")])

        top = QFormLayout()
        self.template_combo = QComboBox()
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        top.addRow(self.tr("Template:"), self.template_combo)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText(
            self.tr("A personal line, used where the template says {{ custom_text }}")
        )
        self.custom_edit.textChanged.connect(self._schedule_preview)
        top.addRow(self.tr("Personal line:"), self.custom_edit)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        source = QWidget()
        source_layout = QVBoxLayout(source)
        source_layout.setContentsMargins(0, 0, 0, 0)
        source_layout.addWidget(QLabel(self.tr("<b>Template</b> (changes apply to this message)")))
        self.subject_edit = QLineEdit()
        self.subject_edit.textChanged.connect(self._schedule_preview)
        source_layout.addWidget(self.subject_edit)
        self.body_edit = QPlainTextEdit()
        self.body_edit.textChanged.connect(self._schedule_preview)
        source_layout.addWidget(self.body_edit, 1)
        self.problems = ProblemLabel()
        source_layout.addWidget(self.problems)
        splitter.addWidget(source)

        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel(self.tr("<b>Preview</b> for ") + self._name))
        self.preview_subject = QLineEdit()
        self.preview_subject.setReadOnly(True)
        preview_layout.addWidget(self.preview_subject)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setReadOnly(True)
        preview_layout.addWidget(self.preview_body, 1)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(text_style("warning"))
        preview_layout.addWidget(self.empty_label)
        splitter.addWidget(preview)
        splitter.setSizes([520, 520])
        layout.addWidget(splitter, 1)

        self.next_action_check = QCheckBox()
        proposal, kept = self._proposal, self._kept
        if proposal is not None and kept is not None:
            # Never applied by default over what the user just scheduled: offered instead.
            self.next_action_check.setText(
                self.tr("Replace the next action you set minutes ago, “{0}” ({1}), with: ").format(
                    kept.action, format_local(kept.due)
                )
                + f"{proposal.text} ({format_local(proposal.due)})"
            )
            self.next_action_check.setChecked(False)
        elif proposal is not None:
            self.next_action_check.setText(
                self.tr("After sending, set the next action: ")
                + f"{proposal.text} ({format_local(proposal.due)})"
            )
            self.next_action_check.setChecked(True)
        else:
            self.next_action_check.setVisible(False)
        layout.addWidget(self.next_action_check)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        bottom = QHBoxLayout()
        self.route_label = QLabel()
        bottom.addWidget(self.route_label, 1)
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.program_button = QPushButton(self.tr("Use my mail program instead"))
        self.program_button.clicked.connect(self.send_with_mail_program)
        self.buttons.addButton(self.program_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.logged_button = QPushButton(self.tr("I sent it: log it"))
        self.logged_button.setVisible(False)
        self.logged_button.clicked.connect(self.log_handed_message)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.logged_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.logged_button.setVisible(False)  # only after handing over to a mail program
        self.program_button.setVisible(False)  # offered when sending directly failed
        self.buttons.rejected.connect(self.reject)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self.update_preview)

    def _refresh_route(self) -> None:
        if self.settings.route is MailRoute.SMTP:
            host = self.settings.host or self.tr("(no server set)")
            self.route_label.setText(self.tr("Sends directly through ") + host)
            self.send_button.setText(self.tr("Send"))
        else:
            self.route_label.setText(self.tr("Opens a new message in your mail program"))
            self.send_button.setText(self.tr("Open in mail program"))
        self._update_send_enabled()

    # --- template and preview -----------------------------------------------------------------

    def select_template(self, name: str) -> None:
        """Choose a template by name (the main window or a test may preselect one)."""
        for index in range(self.template_combo.count()):
            if self._templates[index].name == name:
                self.template_combo.setCurrentIndex(index)
                return
        raise LookupError(name)

    @property
    def current_template_name(self) -> str:
        index = self.template_combo.currentIndex()
        return self._templates[index].name if 0 <= index < len(self._templates) else ""

    @Slot()
    def _template_chosen(self) -> None:
        index = self.template_combo.currentIndex()
        if not 0 <= index < len(self._templates):
            return
        template = self._templates[index]
        self.subject_edit.blockSignals(True)
        self.body_edit.blockSignals(True)
        self.subject_edit.setText(template.subject)
        self.body_edit.setPlainText(template.body)
        self.subject_edit.blockSignals(False)
        self.body_edit.blockSignals(False)
        self.update_preview()

    @Slot()
    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    @Slot()
    def update_preview(self) -> None:
        """Render the source for this prospect now (typing calls this after a pause)."""
        self._preview_timer.stop()
        values = dict(self._values, custom_text=self.custom_edit.text().strip())
        try:
            rendered = render(self.subject_edit.text(), self.body_edit.toPlainText(), values)
        except TemplateCheckError as exc:
            self._rendered = None
            self.problems.show_problems(exc.problems)
            self.empty_label.setText("")
        else:
            self._rendered = rendered
            self.problems.show_problems([])
            self.preview_subject.setText(rendered.subject)
            self.preview_body.setPlainText(rendered.body)
            empty = [f for f in rendered.empty_fields if f != "custom_text"]
            self.empty_label.setText(
                self.tr("Empty for this prospect: ") + ", ".join(empty) if empty else ""
            )
        self._update_send_enabled()

    def _update_send_enabled(self) -> None:
        sendable = (
            self._rendered is not None
            and not self._busy
            and not self._went_out
            and bool(self._address)
            and not self._do_not_contact
        )
        self.send_button.setEnabled(sendable)

    def current_draft(self) -> Draft | None:
        if self._rendered is None:
            return None
        return Draft(
            prospect_id=self.prospect_id,
            to_name=self._name,
            to_address=self._address,
            subject=self._rendered.subject,
            body=self._rendered.body,
            template_name=self.current_template_name,
        )

    # --- sending -------------------------------------------------------------------------

    @Slot()
    def send(self) -> None:
        self.update_preview()
        draft = self.current_draft()
        if draft is None:
            return
        if self.settings.route is MailRoute.MAIL_PROGRAM:
            self._hand_to_mail_program(draft)
            return
        problems = self.settings.problems()
        if problems:
            self._show_status(" ".join(problems), error=True)
            return
        self._busy = True
        self._update_send_enabled()
        self._show_status(self.tr("Sending…"))
        settings = self.settings
        outreach = self.context.desk.outreach
        propose = self.next_action_check.isChecked() and self._proposal is not None
        replace = propose and self._kept is not None

        def work() -> SentRecord | NotRecordedError:
            try:
                return outreach.send(draft, settings, propose_next=propose, replace_chosen=replace)
            except NotRecordedError as exc:  # it went: not a failure to retry
                return exc

        self.context.run(work, self._sent, self._failed)

    def _sent(self, record: SentRecord | NotRecordedError) -> None:
        self._busy = False
        if isinstance(record, NotRecordedError):
            self._went_out = True  # sending again would send it twice
            self._update_send_enabled()
            self._show_status(str(record), error=True)
            return
        self.context.prospects_changed([self.prospect_id])
        self._show_status(self.tr("Sent and logged on the timeline."))
        self.sig_sent.emit(record.activity_id)
        self.accept()

    def _failed(self, message: str) -> None:
        self._busy = False
        self._update_send_enabled()
        self._show_status(self.tr("Not sent: ") + message, error=True)
        self.program_button.setVisible(True)

    @Slot()
    def send_with_mail_program(self) -> None:
        """Hand this message to the mail program whatever the chosen route."""
        self.update_preview()
        draft = self.current_draft()
        if draft is not None and self._address and not self._do_not_contact:
            self._hand_to_mail_program(draft)

    def _hand_to_mail_program(self, draft: Draft) -> None:
        if not open_url(mailto_url(draft)):
            self._show_status(
                self.tr(
                    "No mail program answered. Set a default mail program, or choose "
                    "'Send directly (SMTP)' in Mail settings."
                ),
                error=True,
            )
            return
        self._handed_to_program = draft
        self.logged_button.setVisible(True)
        self._show_status(
            self.tr(
                "The message is open in your mail program. Once you have sent it, "
                "click 'I sent it: log it' to put it on the timeline."
            )
        )

    @Slot()
    def log_handed_message(self) -> None:
        """Record a message sent from the user's mail program (they confirm it went)."""
        draft = self._handed_to_program
        if draft is None:
            return
        propose = self.next_action_check.isChecked() and self._proposal is not None
        record = self.context.desk.outreach.record_sent(
            draft, propose_next=propose, replace_chosen=propose and self._kept is not None
        )
        self.context.prospects_changed([self.prospect_id])
        self.sig_sent.emit(record.activity_id)
        self.accept()

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(text_style("error") if error else "")

    def reject(self) -> None:
        if self._busy:
            QMessageBox.information(
                self, self.windowTitle(), self.tr("The message is being sent; please wait.")
            )
            return
        super().reject()


__all__ = ["ComposeDialog"]

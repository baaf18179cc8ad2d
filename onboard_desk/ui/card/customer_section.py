"""The card's Customer section: what keeping a won prospect takes, at a glance.

Referral code (with a copy button), engagement score, the purchases with the cadence they
give (when the next purchase is expected and when the reminder comes), the latest survey
answer, and the referrals the customer made with their rewards. The section only shows
and reports: the card turns its buttons into undoable commands and redraws it from the
database afterwards. :func:`load_customer_details` reads the lists and the cadence in one
session (indexed lookups for one customer, cheap enough for the GUI thread like the card's
other reads); the engagement score sums a customer's recent activity in SQL, which can
take longer than a frame in a large database, so the card fetches it on the thread pool
(:func:`load_engagement`) and the bar fills in when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.referral_codes import display_code
from onboard_desk.domain.timeutil import as_utc, format_local
from onboard_desk.pipeline import Stage
from onboard_desk.retention import (
    engagement,
    purchases,
    referrals,
    surveys,
)
from onboard_desk.retention.cadence import Cadence, NudgePlan
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.purchases import PurchaseInfo
from onboard_desk.retention.referrals import ReferralInfo, ReferredProspect
from onboard_desk.retention.surveys import SurveyInfo
from onboard_desk.retention.terms import SOURCE_WIN
from onboard_desk.storage.store import get_prospect
from onboard_desk.ui.card.customer_dialogs import CATEGORY_KIND
from onboard_desk.ui.common.status_colors import (
    Kind,
    link_color,
    muted_color,
    status_color,
    text_style,
)

#: Rows a purchase or referral list shows before it scrolls.
VISIBLE_ROWS = 5

PurchaseIdRole = Qt.ItemDataRole.UserRole + 1
ProspectIdRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class CustomerDetails:
    """Everything the section shows about one customer, as plain values."""

    prospect_id: int
    now: datetime
    code: str | None
    purchases: list[PurchaseInfo]
    cadence: Cadence
    nudge: NudgePlan | None
    do_not_contact: bool
    surveys: list[SurveyInfo]
    referred_by: ReferralInfo | None
    referrer_name: str
    referrals: list[ReferredProspect]
    due_soon_days: int

    @property
    def latest_survey(self) -> SurveyInfo | None:
        return self.surveys[0] if self.surveys else None


def load_customer_details(
    session: Session, prospect_id: int, *, now: datetime, config: RetentionConfig
) -> CustomerDetails:
    """One customer's retention figures (NotFoundError if the prospect is gone)."""
    prospect = get_prospect(session, prospect_id)
    came = referrals.referral_of(session, prospect_id)
    referrer = get_prospect(session, came.referrer_id).name if came is not None else ""
    return CustomerDetails(
        prospect_id=prospect_id,
        now=now,
        code=referrals.code_of(session, prospect_id),
        purchases=purchases.purchases_of(session, prospect_id),
        cadence=purchases.cadence_of(session, prospect_id, config=config),
        nudge=purchases.proposed_nudge(session, prospect_id, config=config),
        do_not_contact=prospect.do_not_contact,
        surveys=surveys.surveys_of(session, prospect_id),
        referred_by=came,
        referrer_name=referrer,
        referrals=referrals.referrals_by(session, prospect_id),
        due_soon_days=config.due_soon_days,
    )


def load_engagement(session: Session, prospect_id: int, *, now: datetime) -> int | None:
    """The customer's engagement score as of ``now`` (runs on the thread pool)."""
    return engagement.engagement_of(session, prospect_id, now=now)


def _day(moment: datetime | None) -> str:
    return format_local(moment, with_time=False)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class CustomerSection(QWidget):
    """The Customer group of the card (shown for prospects in stage Won)."""

    #: "Record purchase…" was clicked.
    sig_record_purchase = Signal()
    #: "Record survey…" was clicked.
    sig_record_survey = Signal()
    #: The user asked to delete the purchase with this id.
    sig_delete_purchase = Signal(int)
    #: The user asked to open another prospect (a referral, the referrer).
    sig_open_prospect = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details: CustomerDetails | None = None
        #: Whose engagement the bar shows (None: nobody's yet).
        self.engagement_of: int | None = None

        self.code_label = QLabel(self)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.code_label.font()
        font.setFamily("monospace")
        font.setBold(True)
        self.code_label.setFont(font)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setToolTip(self.tr("Copy the referral code to the clipboard"))
        self.copy_button.clicked.connect(self.copy_code)
        # "Copied" for a moment; a child timer goes with the section, never firing late.
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(1500)
        self._copied_timer.timeout.connect(lambda: self.copy_button.setText(self.tr("Copy")))
        code_row = QHBoxLayout()
        code_row.setContentsMargins(0, 0, 0, 0)
        code_row.addWidget(self.code_label)
        code_row.addWidget(self.copy_button)
        code_row.addStretch(1)

        self.engagement_bar = QProgressBar(self)
        self.engagement_bar.setRange(0, 100)
        self.engagement_bar.setFormat(self.tr("%v / 100"))
        self.engagement_bar.setMaximumWidth(180)
        self.engagement_bar.setToolTip(
            self.tr(
                "From the last 90 days as a customer: purchases, survey answers, calls, "
                "emails and meetings, recent ones counting most"
            )
        )
        self.cadence_label = QLabel(self)
        self.cadence_label.setWordWrap(True)
        self.cadence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.purchases_title = QLabel(self)
        self.purchase_button = QPushButton(self.tr("Record purchase…"), self)
        self.purchase_button.clicked.connect(self.sig_record_purchase)
        purchases_row = QHBoxLayout()
        purchases_row.setContentsMargins(0, 0, 0, 0)
        purchases_row.addWidget(self.purchases_title, 1)
        purchases_row.addWidget(self.purchase_button)
        self.purchase_list = QTreeWidget(self)
        self.purchase_list.setColumnCount(3)
        self.purchase_list.setHeaderLabels([self.tr("Date"), self.tr("Amount"), self.tr("Note")])
        self.purchase_list.setRootIsDecorated(False)
        self.purchase_list.setUniformRowHeights(True)
        self.purchase_list.setAlternatingRowColors(True)
        self.purchase_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.purchase_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.purchase_list.customContextMenuRequested.connect(self._purchase_menu)
        header = self.purchase_list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.purchase_list,
            self.delete_selected_purchase,
            Qt.ShortcutContext.WidgetShortcut,
        )

        self.survey_label = QLabel(self)
        self.survey_label.setWordWrap(True)
        self.survey_button = QPushButton(self.tr("Record survey…"), self)
        self.survey_button.clicked.connect(self.sig_record_survey)
        survey_row = QHBoxLayout()
        survey_row.setContentsMargins(0, 0, 0, 0)
        survey_row.addWidget(self.survey_label, 1)
        survey_row.addWidget(self.survey_button, 0, Qt.AlignmentFlag.AlignTop)

        self.referred_by_label = QLabel(self)
        self.referred_by_label.setWordWrap(True)
        self.referred_by_label.linkActivated.connect(self._link_clicked)
        self.referrals_label = QLabel(self)
        self.referrals_label.setWordWrap(True)
        self.referral_list = QTreeWidget(self)
        self.referral_list.setColumnCount(3)
        self.referral_list.setHeaderLabels(
            [self.tr("Referred"), self.tr("Stage"), self.tr("Credit")]
        )
        self.referral_list.setRootIsDecorated(False)
        self.referral_list.setUniformRowHeights(True)
        self.referral_list.setToolTip(self.tr("Double-click to open"))
        self.referral_list.itemActivated.connect(self._referral_activated)
        ref_header = self.referral_list.header()
        ref_header.setStretchLastSection(True)
        ref_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ref_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        ref_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        ref_header.setStretchLastSection(False)

        # One grid, so the labels of the rows above and below the purchase list line up.
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.referred_by_row = QLabel(self.tr("Referred by"), self)
        rows: list[tuple[QLabel | str | None, QWidget | QHBoxLayout]] = [
            (self.tr("Referral code"), code_row),
            (self.tr("Engagement"), self.engagement_bar),
            (self.tr("Cadence"), self.cadence_label),
            (None, purchases_row),
            (None, self.purchase_list),
            (self.tr("Survey"), survey_row),
            (self.referred_by_row, self.referred_by_label),
            (self.tr("Referrals"), self.referrals_label),
            (None, self.referral_list),
        ]
        for number, (label, field) in enumerate(rows):
            if label is None:
                span = (number, 0, 1, 2)
            else:
                title = label if isinstance(label, QLabel) else QLabel(label, self)
                # A label beside text that may wrap sits on its first line.
                wraps = isinstance(field, QLabel) and field.wordWrap()
                vertical = Qt.AlignmentFlag.AlignTop if wraps else Qt.AlignmentFlag.AlignVCenter
                title.setAlignment(Qt.AlignmentFlag.AlignLeft | vertical)
                grid.addWidget(title, number, 0)
                span = (number, 1, 1, 1)
            if isinstance(field, QHBoxLayout):
                grid.addLayout(field, *span)
            else:
                grid.addWidget(field, *span)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)

    # -- showing -------------------------------------------------------------------------

    def set_details(self, details: CustomerDetails) -> None:
        self.details = details
        self._show_code(details.code)
        if self.engagement_of != details.prospect_id:
            self.set_engagement(details.prospect_id, None)  # another customer: not known yet
        self.cadence_label.setText(self.cadence_text(details))
        kind = self.cadence_kind(details)
        self.cadence_label.setStyleSheet(text_style(kind) if kind else "")
        self._show_purchases(details.purchases)
        self._show_survey(details)
        self._show_referrals(details)

    def set_engagement(self, prospect_id: int, score: int | None) -> None:
        """Show ``prospect_id``'s engagement score (None: being computed)."""
        self.engagement_of = prospect_id if score is not None else None
        self.engagement_bar.setValue(score or 0)
        self.engagement_bar.setFormat(self.tr("%v / 100") if score is not None else "…")

    def _show_code(self, code: str | None) -> None:
        self.code_label.setText(display_code(code) if code else self.tr("none yet"))
        self.copy_button.setEnabled(bool(code))
        self.copy_button.setText(self.tr("Copy"))

    def cadence_text(self, details: CustomerDetails) -> str:
        """The cadence in one sentence: how often they buy, when next, when the reminder."""
        cadence = details.cadence
        if not cadence.purchases:
            return self.tr("No purchases recorded yet.")
        if cadence.interval_days is None or cadence.expected_next is None:
            return self.tr(
                "One purchase day so far: a second one gives the usual interval and a "
                "reminder before the next purchase."
            )
        days = f"{cadence.interval_days:g}"
        text = self.tr("Buys about every %s days; next purchase expected around %s") % (
            days,
            _day(cadence.expected_next),
        )
        if as_utc(cadence.expected_next) < details.now:
            text += " " + self.tr("(overdue)")
        plan = details.nudge
        if details.do_not_contact:
            text += "; " + self.tr("no reminder: marked do not contact")
        elif plan is not None:
            text += "; " + self.tr("nudge on %s") % _day(plan.due)
            if plan.capped:
                text += " " + self.tr("(moved by the contact cap)")
        return text + "."

    @staticmethod
    def cadence_kind(details: CustomerDetails) -> Kind | None:
        """Overdue (error) or due within the "due soon" setting (warning)."""
        expected = details.cadence.expected_next
        if expected is None:
            return None
        if as_utc(expected) < details.now:
            return "error"
        if as_utc(expected) < details.now + timedelta(days=details.due_soon_days):
            return "warning"
        return None

    def _show_purchases(self, bought: list[PurchaseInfo]) -> None:
        total: dict[str, int] = {}
        for purchase in bought:
            if purchase.amount_cents is not None:
                total[purchase.currency] = total.get(purchase.currency, 0) + purchase.amount_cents
        title = _plural(len(bought), self.tr("purchase"), self.tr("purchases"))
        if total:
            title += " · " + ", ".join(format_money(c, cur) for cur, c in sorted(total.items()))
        self.purchases_title.setText(f"<b>{self.tr('Purchases')}</b>: {title}")
        self.purchase_list.clear()
        for purchase in bought:
            note = purchase.note
            if purchase.source == SOURCE_WIN and not note:
                note = self.tr("First purchase (the win)")
            amount = format_money(purchase.amount_cents, purchase.currency) or self.tr("unknown")
            item = QTreeWidgetItem([_day(purchase.purchased_at), amount, note])
            item.setData(0, PurchaseIdRole, purchase.id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if purchase.source == SOURCE_WIN:
                item.setForeground(2, muted_color())
            item.setToolTip(2, purchase.note or note)
            self.purchase_list.addTopLevelItem(item)
        _fit_rows(self.purchase_list, len(bought))

    def _show_survey(self, details: CustomerDetails) -> None:
        latest = details.latest_survey
        if latest is None:
            self.survey_label.setText(self.tr("No answer yet."))
            self.survey_label.setStyleSheet("")
            self.survey_label.setToolTip("")
            return
        category = latest.category
        colour = status_color(CATEGORY_KIND[category]).name()
        answers = _plural(len(details.surveys), self.tr("answer"), self.tr("answers"))
        self.survey_label.setText(
            f"<span style='color:{colour}; font-weight:bold'>{latest.score} · "
            f"{self.tr(category.value)}</span> "
            + self.tr("on %s (%s)")
            % (_day(latest.answered_at), answers)
        )
        self.survey_label.setToolTip(latest.comment)

    def _show_referrals(self, details: CustomerDetails) -> None:
        came = details.referred_by
        self.referred_by_row.setVisible(came is not None)
        self.referred_by_label.setVisible(came is not None)
        if came is not None:
            colour = link_color().name()
            discount = self.tr("friend's discount %s %% (%s)") % (
                f"{came.discount_percent:g}",
                self.tr(came.discount_status),
            )
            self.referred_by_label.setText(
                f"<a style='color:{colour}' href='prospect:{came.referrer_id}'>"
                f"{_escape(details.referrer_name)}</a> · {discount}"
            )
        made = details.referrals
        won = [r for r in made if r.referral.converted]
        if not made:
            self.referrals_label.setText(self.tr("None yet."))
        else:
            text = self.tr("%s, %d won") % (
                _plural(len(made), self.tr("prospect"), self.tr("prospects")),
                len(won),
            )
            earned: dict[str, int] = {}
            for r in won:
                currency = r.referral.credit_currency
                earned[currency] = earned.get(currency, 0) + r.referral.credit_cents
            if earned:
                credits = ", ".join(format_money(c, cur) for cur, c in sorted(earned.items()))
                text += " · " + self.tr("credits earned %s") % credits
            self.referrals_label.setText(text)
        self.referral_list.clear()
        for referred in made:
            info = referred.referral
            credit = format_money(info.credit_cents, info.credit_currency)
            item = QTreeWidgetItem(
                [
                    referred.name,
                    referred.stage.label,
                    f"{credit} {self.tr(info.credit_status)}",
                ]
            )
            item.setData(0, ProspectIdRole, info.referred_id)
            item.setToolTip(
                0,
                self.tr("Referred on %s; friend's discount %s %% (%s)")
                % (
                    _day(info.created_at),
                    f"{info.discount_percent:g}",
                    self.tr(info.discount_status),
                ),
            )
            if referred.stage is Stage.WON:
                item.setForeground(1, status_color("success"))
            self.referral_list.addTopLevelItem(item)
        _fit_rows(self.referral_list, len(made))

    # -- actions -------------------------------------------------------------------------

    @Slot()
    def copy_code(self) -> str:
        """Put the code (as printed, ABCD-EFGH) on the clipboard; returns what was copied."""
        if self.details is None or not self.details.code:
            return ""
        shown = display_code(self.details.code)
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(shown)
        self.copy_button.setText(self.tr("Copied"))
        self._copied_timer.start()
        return shown

    def selected_purchase_id(self) -> int | None:
        item = self.purchase_list.currentItem()
        if item is None:
            return None
        value = item.data(0, PurchaseIdRole)
        return int(value) if value is not None else None

    @Slot()
    def delete_selected_purchase(self) -> None:
        purchase_id = self.selected_purchase_id()
        if purchase_id is not None:
            self.sig_delete_purchase.emit(purchase_id)

    @Slot(QPoint)
    def _purchase_menu(self, position: QPoint) -> None:
        item = self.purchase_list.itemAt(position)
        if item is None:
            return
        self.purchase_list.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(self.tr("Delete purchase"), self.delete_selected_purchase)
        menu.exec(self.purchase_list.viewport().mapToGlobal(position))

    def _referral_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, ProspectIdRole)
        if value is not None:
            self.sig_open_prospect.emit(int(value))

    def _link_clicked(self, link: str) -> None:
        if link.startswith("prospect:"):
            self.sig_open_prospect.emit(int(link.removeprefix("prospect:")))


def _fit_rows(tree: QTreeWidget, count: int) -> None:
    """Make a short list exactly as tall as its rows (up to :data:`VISIBLE_ROWS`, then it
    scrolls), hidden when empty: the card has no room for blank list space."""
    tree.setVisible(count > 0)
    if not count:
        return
    rows = min(count, VISIBLE_ROWS)
    line = tree.sizeHintForRow(0)
    header = tree.header().sizeHint().height()
    tree.setFixedHeight(header + rows * line + 2 * tree.frameWidth())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

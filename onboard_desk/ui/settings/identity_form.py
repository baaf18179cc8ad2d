"""The form for who you are and how you work: name, e-mail, signature, home currency, phone
region and working hours. The first-run questions and the Settings dialog both show it, so
they ask the same things the same way (the command line's ``settings set`` changes the
same values: :mod:`onboard_desk.services.identity`).
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QLocale, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from onboard_desk.domain.contacts import phone_regions
from onboard_desk.domain.workhours import (
    DAY_LABELS,
    MAX_SPACING,
    MIN_SPACING,
    WorkingHours,
    WorkingHoursError,
)
from onboard_desk.services.settings import Identity

#: Offered first in the currency list; any other three-letter code can be typed.
COMMON_CURRENCIES: tuple[str, ...] = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CAD",
    "AUD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "INR",
    "BRL",
    "MXN",
    "CNY",
    "SGD",
    "HKD",
    "NZD",
    "ZAR",
)


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def region_choices() -> list[tuple[str, str]]:
    """``(label, code)`` of every region phone numbers can be read in, by country name,
    with the country code ("Germany (DE, +49)")."""
    choices = []
    for code, calling_code in phone_regions():
        territory = QLocale.codeToTerritory(code)
        name = QLocale.territoryToString(territory) if territory else code
        dialling = "+" + str(calling_code)
        choices.append((f"{name} ({code}, {dialling})", code))
    return sorted(choices, key=lambda item: item[0].casefold())


def suggested_region() -> str | None:
    """The region the computer's locale names, as a suggestion to confirm (never stored
    without the user saving it)."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code.upper() if len(code) == 2 else None


class IdentityForm(QWidget):
    """Edit an :class:`~onboard_desk.services.settings.Identity`; :meth:`identity` reads it
    back (WorkingHoursError when the hours are not a working day)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(self.tr("e.g. Jamie Lee"))
        self.name_edit.setToolTip(
            self.tr("Owner of the prospects you add and author of your moves")
        )
        form.addRow(self.tr("Your &name"), self.name_edit)
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(self.tr("e.g. jamie@yourcompany.com"))
        self.email_edit.setToolTip(self.tr("The address your messages come from"))
        form.addRow(self.tr("Your &e-mail"), self.email_edit)
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setPlaceholderText(self.tr("Jamie Lee\nAccount manager, Acme Dental"))
        self.signature_edit.setTabChangesFocus(True)
        self.signature_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.signature_edit.setToolTip(self.tr("The end of your emails ({{ signature }})"))
        form.addRow(self.tr("&Signature"), self.signature_edit)

        self.currency_combo = QComboBox()
        self.currency_combo.setEditable(True)
        self.currency_combo.addItems(COMMON_CURRENCIES)
        self.currency_combo.setToolTip(
            self.tr("The currency new deals are in unless you say otherwise (three letters)")
        )
        form.addRow(self.tr("Home &currency"), self.currency_combo)
        self.region_combo = QComboBox()
        self.region_combo.addItem(self.tr("None: keep numbers as written"), "")
        for label, code in region_choices():
            self.region_combo.addItem(label, code)
        self.region_combo.setToolTip(
            self.tr(
                "The country of phone numbers written without +country code. Without one, "
                "such numbers are kept exactly as typed."
            )
        )
        form.addRow(self.tr("&Phone region"), self.region_combo)

        hours = QHBoxLayout()
        self.start_edit = QTimeEdit()
        self.start_edit.setDisplayFormat("HH:mm")
        self.end_edit = QTimeEdit()
        self.end_edit.setDisplayFormat("HH:mm")
        hours.addWidget(self.start_edit)
        hours.addWidget(QLabel(self.tr("to")))
        hours.addWidget(self.end_edit)
        hours.addStretch(1)
        hours_label = QLabel(self.tr("Working &hours"))
        hours_label.setBuddy(self.start_edit)  # a row of widgets has no buddy of its own
        form.addRow(hours_label, hours)
        days = QHBoxLayout()
        self.day_boxes: list[QCheckBox] = []
        for label in DAY_LABELS:
            box = QCheckBox(self.tr(label[:3]))
            box.setToolTip(self.tr(label))
            self.day_boxes.append(box)
            days.addWidget(box)
        days.addStretch(1)
        form.addRow(self.tr("Working days"), days)
        self.spacing_spin = QSpinBox()
        self.spacing_spin.setRange(MIN_SPACING, MAX_SPACING)
        self.spacing_spin.setSingleStep(5)
        self.spacing_spin.setSuffix(self.tr(" minutes apart"))
        self.spacing_spin.setToolTip(
            self.tr(
                "Proposed next actions (after a move, a contact or an import) fall in your "
                "working hours, this far apart on a busy day"
            )
        )
        form.addRow(self.tr("Spread proposals"), self.spacing_spin)
        self.set_identity(Identity())

    def set_identity(self, identity: Identity) -> None:
        self.name_edit.setText(identity.name)
        self.email_edit.setText(identity.email)
        self.signature_edit.setPlainText(identity.signature)
        self.currency_combo.setCurrentText(identity.currency)
        self.set_region(identity.region)
        hours = identity.hours
        self.start_edit.setTime(_qtime(hours.start))
        self.end_edit.setTime(_qtime(hours.end))
        for day, box in enumerate(self.day_boxes):
            box.setChecked(day in hours.days)
        self.spacing_spin.setValue(hours.spacing_minutes)

    def set_region(self, region: str | None) -> None:
        index = self.region_combo.findData(region or "")
        self.region_combo.setCurrentIndex(max(0, index))

    def hours(self) -> WorkingHours:
        """The working hours as shown (WorkingHoursError when they are not a day)."""
        days = frozenset(day for day, box in enumerate(self.day_boxes) if box.isChecked())
        return WorkingHours(
            _time(self.start_edit.time()),
            _time(self.end_edit.time()),
            days,
            self.spacing_spin.value(),
        )

    def identity(self) -> Identity:
        """What the form says, not yet checked (the service checks it as it stores it)."""
        region = self.region_combo.currentData()
        return Identity(
            name=self.name_edit.text().strip(),
            email=self.email_edit.text().strip(),
            signature=self.signature_edit.toPlainText().strip(),
            currency=self.currency_combo.currentText().strip().upper(),
            region=str(region) if region else None,
            hours=self.hours(),
        )


__all__ = ["IdentityForm", "WorkingHoursError", "region_choices", "suggested_region"]

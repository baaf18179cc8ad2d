"""The wizard's mapping page: which column feeds which field, and the per-import options.

The table has one row per column of the file, with sample values so the user can see
what a column holds, and an editable Field column (a combo box). A mapping can be saved
under a name and picked again for the next file of the same kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from onboard_desk.errors import UserError
from onboard_desk.importing.mapping import check_mapping, fit_mapping, propose_mapping
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.services.importing import Field, MappingError
from onboard_desk.ui.common.choice_delegate import ChoiceDelegate
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.importing.models import MappingModel
from onboard_desk.ui.settings.identity_form import region_choices

if TYPE_CHECKING:
    from onboard_desk.ui.importing.wizard import ImportWizard

FIELD_CHOICES: tuple[Field, ...] = tuple(Field)

PROPOSED = "(proposed from the column names)"


class MappingPage(QWizardPage):
    """Choose what each column becomes, and what every imported row gets."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Match the columns"))
        self.setSubTitle(
            self.tr(
                "Each column of the file goes into the field on the right. Change any that "
                "are wrong; columns set to “do not import” are left out."
            )
        )
        self.model = MappingModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(
            2, ChoiceDelegate([(f.label, f.value) for f in FIELD_CHOICES], self.view)
        )
        self.view.setEditTriggers(
            QTableView.EditTrigger.AllEditTriggers & ~QTableView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 190)
        self.saved = QComboBox()
        self.saved.setObjectName("saved_mappings")
        self.saved.activated.connect(self._load_saved)
        self.save_button = QPushButton(self.tr("Save mapping as…"))
        self.save_button.clicked.connect(self._save)
        self.problem = QLabel()
        self.problem.setStyleSheet(text_style("error"))
        self.problem.setWordWrap(True)

        self.channel = QComboBox()
        self.channel.addItem(self.tr("From the file, else Other"), None)
        for channel in Channel:
            self.channel.addItem(channel.label, channel.value)
        self.owner = QLineEdit()
        self.owner.setPlaceholderText(self.tr("From the file, else you"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("e.g. trade fair 2024, berlin"))
        self.stage = QComboBox()
        for stage in Stage:
            if stage is not Stage.LOST:
                self.stage.addItem(stage.label, stage.value)
        # This file's numbers without a country code: the database's region (item 0, None),
        # kept as written (""), or a region chosen for this file.
        self.region = QComboBox()
        self.region.addItem("", None)
        self.region.addItem(self.tr("Keep them as written"), "")
        for label, code in region_choices():
            self.region.addItem(label, code)
        self.region.setToolTip(
            self.tr("The country of this file's phone numbers written without +country code")
        )

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Saved mapping:")))
        top.addWidget(self.saved, 1)
        top.addWidget(self.save_button)
        options = QGroupBox(self.tr("For every imported prospect"))
        form = QFormLayout(options)
        form.addRow(self.tr("Outreach channel:"), self.channel)
        form.addRow(self.tr("Owner:"), self.owner)
        form.addRow(self.tr("Add tags:"), self.tags)
        form.addRow(self.tr("Starting stage:"), self.stage)
        form.addRow(self.tr("Phone numbers without +country:"), self.region)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(options)
        self.model.sig_mapping_changed.connect(self._check)

    def initializePage(self) -> None:
        state = self.import_wizard.state
        self._fill_saved()
        region = self.import_wizard.context.desk.region
        self.region.setItemText(
            0,
            self.tr("As in Settings: read in {0}").format(region)
            if region
            else self.tr("As in Settings: keep them as written"),
        )
        if state.mapping is None or state.mapping_for != state.headers:
            state.mapping = propose_mapping(state.headers)
            state.mapping_for = list(state.headers)
        self.model.set_columns(state.headers, state.sample_rows, state.mapping)
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, 2))

    def _fill_saved(self) -> None:
        names = self.import_wizard.context.desk.importing.mapping_names()
        current = self.saved.currentText()
        self.saved.clear()
        self.saved.addItem(self.tr(PROPOSED))
        self.saved.addItems(names)
        if current in names:
            self.saved.setCurrentText(current)

    def _load_saved(self, index: int) -> None:
        state = self.import_wizard.state
        if index <= 0:
            mapping = propose_mapping(state.headers)
        else:
            try:
                saved = self.import_wizard.context.desk.importing.mapping(
                    self.saved.itemText(index)
                )
            except UserError as exc:
                QMessageBox.warning(self, self.tr("Saved mapping"), str(exc))
                return
            mapping = fit_mapping(saved, state.headers)
        self.model.set_mapping(mapping)

    def save_mapping_as(self, name: str) -> None:
        """Save the table's mapping under ``name`` (the button asks for the name)."""
        self.import_wizard.context.desk.importing.save_mapping(name, self.model.mapping())
        self._fill_saved()
        self.saved.setCurrentText(name.strip())

    def _save(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("Save mapping"), self.tr("Name for this mapping:")
        )
        if not ok or not name.strip():
            return
        try:
            self.save_mapping_as(name)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Save mapping"), str(exc))

    def _check(self) -> None:
        try:
            check_mapping(self.model.mapping())
        except MappingError as exc:
            self.problem.setText(str(exc))
        else:
            self.problem.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.problem.text() and bool(self.model.columns)

    def validatePage(self) -> bool:
        state = self.import_wizard.state
        state.mapping = self.model.mapping()
        state.channel = Channel(self.channel.currentData()) if self.channel.currentData() else None
        state.owner = self.owner.text().strip() or None
        state.tags = self.tags.text()
        state.stage = Stage(self.stage.currentData())
        region = self.region.currentData()
        state.region = None if region is None else str(region)
        return True

"""The wizard's mapping page: which column feeds which field, and the per-import options.

The table has one row per column of the file, with sample values so the user can see
what a column holds, and an editable Field column (a combo box). A mapping can be saved
under a name and picked again for the next file of the same kind.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
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
    QWidget,
    QWizardPage,
)

from onboard_desk.errors import UserError
from onboard_desk.importing import (
    ColumnMapping,
    Field,
    MappingError,
    check_mapping,
    fit_mapping,
    get_mapping,
    mapping_names,
    propose_mapping,
    save_mapping,
)
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.ui.common.choice_delegate import ChoiceDelegate
from onboard_desk.ui.common.status_colors import muted_color, text_style

ModelIndex = QModelIndex | QPersistentModelIndex
FIELD_CHOICES: tuple[Field, ...] = tuple(Field)


class MappingModel(QAbstractTableModel):
    """Columns of the file (rows here): header, sample values, and the chosen field."""

    sig_mapping_changed = Signal()
    HEADERS = ("Column in the file", "Sample values", "Imports into")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: list[str] = []
        self.samples: list[str] = []
        self.fields: list[Field] = []

    def set_columns(
        self, headers: list[str], sample_rows: list[list[str]], mapping: ColumnMapping
    ) -> None:
        self.beginResetModel()
        self.columns = list(headers)
        self.samples = [
            " · ".join(
                v.replace("\n", " ⏎ ") for v in (row[i] for row in sample_rows if i < len(row)) if v
            )[:120]
            for i in range(len(headers))
        ]
        self.fields = [mapping.get(h, Field.IGNORE) for h in headers]
        self.endResetModel()
        self.sig_mapping_changed.emit()

    def set_mapping(self, mapping: ColumnMapping) -> None:
        self.fields = [mapping.get(h, Field.IGNORE) for h in self.columns]
        if self.columns:
            self.dataChanged.emit(
                self.index(0, 2),
                self.index(len(self.columns) - 1, 2),
                [Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DisplayRole],
            )
        self.sig_mapping_changed.emit()

    def mapping(self) -> ColumnMapping:
        return dict(zip(self.columns, self.fields, strict=True))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return self.columns[row]
            if column == 1:
                return self.samples[row]
            field = self.fields[row]
            return field.value if role == Qt.ItemDataRole.EditRole else field.label
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return muted_color() if self.fields[row] is Field.IGNORE else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else base

    def setData(self, index: ModelIndex, value: Any, role: int = 2) -> bool:
        if not index.isValid() or index.column() != 2 or role != Qt.ItemDataRole.EditRole:
            return False
        self.fields[index.row()] = Field(value)
        self.dataChanged.emit(index, index)
        self.sig_mapping_changed.emit()
        return True


PROPOSED = "(proposed from the column names)"


class MappingPage(QWizardPage):
    """Choose what each column becomes, and what every imported row gets."""

    def __init__(self, wizard: Any) -> None:
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
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(options)
        self.model.sig_mapping_changed.connect(self._check)

    def initializePage(self) -> None:
        state = self.import_wizard.state
        self._fill_saved()
        if state.mapping is None or state.mapping_for != state.headers:
            state.mapping = propose_mapping(state.headers)
            state.mapping_for = list(state.headers)
        self.model.set_columns(state.headers, state.sample_rows, state.mapping)
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, 2))

    def _fill_saved(self) -> None:
        with self.import_wizard.context.session() as session:
            names = mapping_names(session)
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
                with self.import_wizard.context.session() as session:
                    saved = get_mapping(session, self.saved.itemText(index))
            except UserError as exc:
                QMessageBox.warning(self, self.tr("Saved mapping"), str(exc))
                return
            mapping = fit_mapping(saved, state.headers)
        self.model.set_mapping(mapping)

    def save_mapping_as(self, name: str) -> None:
        """Save the table's mapping under ``name`` (the button asks for the name)."""
        with self.import_wizard.context.session() as session:
            save_mapping(session, name=name, mapping=self.model.mapping())
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
        return True

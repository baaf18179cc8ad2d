"""The import wizard driven as a user drives it (pytest-qt, offscreen).

Background work runs inline (the ``context`` fixture): a page's reading, dry run or import
has finished when the call that started it returns. Cancelling needs the import to run
beside the window, on the real thread pool (``threaded_context``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.services.importing import DuplicateAction, Field
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.importing.wizard import ImportWizard
from tests.importing.conftest import DATA, count, prospect_rows

TIMEOUT = 10_000


@pytest.fixture
def data_dir() -> Path:
    return DATA


def open_wizard(qtbot, context: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(context, path=None)
    qtbot.addWidget(wizard)
    wizard.show()
    with qtbot.waitSignal(wizard.sig_file_ready, timeout=TIMEOUT):
        wizard.file_page.set_path(path)
    return wizard


def to_duplicates(qtbot, wizard: ImportWizard) -> None:
    wizard.next()  # mapping
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    wizard.next()  # duplicates: a dry run in the background
    assert wizard.currentId() == ImportWizard.PAGE_DUPLICATES
    # At once with the inline pool; on the real pool, when the dry run is done.
    qtbot.waitUntil(wizard.duplicates_page.isComplete, timeout=TIMEOUT)


def test_full_import_with_per_row_choice(
    qtbot, context: AppContext, engine: Engine, session: Session, data_dir: Path
) -> None:
    emma = prospect_ops.create_prospect(
        session,
        fields={"name": "Emma S.", "email": "emma.schmidt@nordwind.example"},
        by="me",
    )
    prospect_ops.create_prospect(
        session, fields={"name": "Farrah Haddad", "company": "Cedar & Co"}, by="me"
    )
    session.commit()
    wizard = open_wizard(qtbot, context, data_dir / "hubspot_contacts.csv")
    assert "UTF-8 with BOM" in wizard.file_page.info.text()
    wizard.next()
    mapping = wizard.mapping_page.model.mapping()
    assert mapping["Email"] is Field.EMAIL and mapping["Record ID"] is Field.IGNORE
    wizard.mapping_page.tags.setText("hubspot")
    wizard.mapping_page.stage.setCurrentIndex(wizard.mapping_page.stage.findData("first_call"))
    wizard.next()
    page = wizard.duplicates_page
    assert page.isComplete()
    model = page.model
    assert [d.line for d in model.rows] == [2, 9]
    assert "Emma S." in model.data(model.index(0, 4))
    # Import-wide: update; row 9 (the similar name): create anyway.
    page.default.setCurrentIndex(page.default.findData("update"))
    page.default.activated.emit(page.default.currentIndex())
    assert model.data(model.index(0, 6)) == "Update existing"
    assert model.setData(model.index(1, 6), "create")
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    preview = wizard.preview_page
    assert "2 new, 1 to update, 0 skipped as duplicates, 3 rejected" in preview.summary.text()
    assert preview.model.data(preview.model.index(0, 0)) == "Updates existing"
    assert count(engine, "prospect") == 2  # nothing written before Import
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT) as finished:
        wizard.next()
    result = finished.args[0]
    assert (result.created, result.updated, result.rejected) == (2, 1, 3)
    assert wizard.currentId() == ImportWizard.PAGE_RESULT
    assert "Created: 2 prospects. Updated: 1." in wizard.result_page.summary.text()
    new_rows = prospect_rows(engine, f"import_batch_id = {result.batch_id}")
    assert {r["stage"] for r in new_rows} == {Stage.FIRST_CALL.value}
    assert {r["tags"] for r in new_rows} == {"hubspot"}
    assert prospect_rows(engine, f"id = {emma.id}")[0]["name"] == "Emma Schmidt"
    with qtbot.waitSignal(wizard.sig_show_batch, timeout=TIMEOUT) as shown:
        wizard.result_page.show_button.click()
    assert shown.args[0] == result.batch_id
    assert sorted(shown.args[1]) == sorted([r["id"] for r in new_rows] + [emma.id])


def test_undo_from_the_summary(qtbot, context: AppContext, engine: Engine, data_dir: Path) -> None:
    wizard = open_wizard(qtbot, context, data_dir / "contacts_v3.vcf")
    to_duplicates(qtbot, wizard)
    wizard.next()
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT):
        wizard.next()
    assert count(engine, "prospect") == 3
    with qtbot.waitSignal(wizard.sig_import_undone, timeout=TIMEOUT):
        wizard.result_page.undo_button.click()
    assert count(engine, "prospect") == 0
    assert "was undone: 3 prospects removed" in wizard.result_page.summary.text()


def test_cancel_leaves_nothing(
    qtbot, threaded_context: AppContext, engine: Engine, tmp_path: Path
) -> None:
    context = threaded_context  # cancelling needs the import to run beside the window
    path = tmp_path / "big.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(60_000)))
    wizard = open_wizard(qtbot, context, path)
    to_duplicates(qtbot, wizard)
    wizard.next()
    run_page = wizard.run_page
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=30_000) as finished:
        wizard.next()
        qtbot.waitUntil(lambda: run_page.progress.value() > 0, timeout=TIMEOUT)
        run_page.cancel_button.click()
    assert finished.args[0] is None
    assert run_page.failure is not None
    assert "cancelled; nothing was imported" in run_page.failure
    assert wizard.result_page.title() == "Nothing was imported"
    assert count(engine, "prospect") == 0 and count(engine, "importbatch") == 0


def test_bad_file_message_and_no_next(qtbot, context: AppContext, data_dir: Path) -> None:
    wizard = open_wizard(qtbot, context, data_dir / "binary.csv")
    assert "not a text file" in wizard.file_page.info.text()
    assert not wizard.file_page.isComplete()


def test_sheet_choice_and_saved_mapping(
    qtbot, context: AppContext, engine: Engine, data_dir: Path
) -> None:
    wizard = open_wizard(qtbot, context, data_dir / "workbook_two_sheets.xlsx")
    combo = wizard.file_page.sheet
    assert [combo.itemText(i) for i in range(combo.count())] == ["Leads", "Customers"]
    with qtbot.waitSignal(wizard.sig_file_ready, timeout=TIMEOUT):
        combo.setCurrentIndex(1)
        combo.activated.emit(1)
    assert wizard.state.headers == ["Name", "Email", "Company"]
    wizard.next()
    page = wizard.mapping_page
    model = page.model
    assert model.setData(model.index(2, 2), Field.IGNORE.value)
    page.save_mapping_as("Customers")
    assert context.desk.importing.mapping_names() == ["Customers"]
    # A mapping without a name or email column cannot go on.
    assert model.setData(model.index(0, 2), Field.IGNORE.value)
    assert model.setData(model.index(1, 2), Field.IGNORE.value)
    assert not page.isComplete() and "Map at least one column" in page.problem.text()
    page.saved.setCurrentIndex(page.saved.findText("Customers"))
    page.saved.activated.emit(page.saved.currentIndex())
    assert page.isComplete()
    wizard.next()
    assert wizard.duplicates_page.isComplete()
    wizard.next()
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT):
        wizard.next()
    julia = prospect_rows(engine)[0]
    assert (julia["name"], julia["company"]) == ("Julia Novak", "")


def test_rejects_saved_from_the_preview(
    qtbot, context: AppContext, data_dir: Path, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, context, data_dir / "hubspot_contacts.csv")
    to_duplicates(qtbot, wizard)
    wizard.next()
    assert wizard.preview_page.rejects_button.isVisibleTo(wizard)
    target = tmp_path / "rejected.csv"
    with qtbot.waitSignal(wizard.sig_rejects_saved, timeout=TIMEOUT):
        wizard.save_rejects(target)
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 4
    assert DuplicateAction.SKIP is wizard.state.on_duplicate


def test_dropping_a_file_on_the_first_page(qtbot, context: AppContext, data_dir: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    wizard = ImportWizard(context)
    qtbot.addWidget(wizard)
    wizard.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(data_dir / "contacts_v4.vcf"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(wizard.sig_file_ready, timeout=TIMEOUT):
        wizard.file_page.dropEvent(event)
    assert wizard.file_page.isComplete()
    assert wizard.state.headers[0] == "Full Name"


def test_the_summary_counts_referral_codes(
    qtbot, context: AppContext, engine: Engine, tmp_path: Path
) -> None:
    from onboard_desk.retention import referrals
    from onboard_desk.storage.db import session_scope
    from tests.retention.conftest import customer

    with session_scope(engine) as session:
        code = referrals.code_of(session, customer(session, "Ann", won=0))
    assert code is not None
    path = tmp_path / "leads.csv"
    path.write_text(
        f"Name,Email,Referral Code\nBen,ben@x.example,{code}\nDan,dan@x.example,ZZZZ-ZZZZ\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, context, path)
    to_duplicates(qtbot, wizard)
    wizard.next()
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT):
        wizard.next()
    assert (
        "Referral codes: 1 linked to their customer, 1 matching no customer"
        in wizard.result_page.summary.text()
    )


def test_the_import_takes_the_databases_rules_and_region(
    qtbot, context: AppContext, engine: Engine, tmp_path: Path
) -> None:
    """As on the command line: the pipeline rules give the next action, the stored phone
    region reads national numbers, and the user owns rows that name no owner."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from tests.workday import working_morning

    desk = context.desk
    desk.settings.save_pipeline(replace(desk.config, check_in_delay_days=5))
    desk.settings.put("phone_region", "de")
    desk.settings.set_user_name("Rosa Marin")
    path = tmp_path / "leads.csv"
    path.write_text("Name,Phone\nAda Byron,030 1234567\n", encoding="utf-8")
    wizard = open_wizard(qtbot, context, path)
    wizard.next()
    page = wizard.mapping_page
    page.stage.setCurrentIndex(page.stage.findData(Stage.TRIAL.value))
    wizard.next()
    assert wizard.duplicates_page.isComplete()
    wizard.next()
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT):
        wizard.next()
    (ada,) = prospect_rows(engine)
    assert (ada["owner"], ada["phone_key"]) == ("Rosa Marin", "+49301234567")
    entered = datetime.fromisoformat(ada["stage_entered_at"]).replace(tzinfo=UTC)
    due = datetime.fromisoformat(ada["next_action_due"]).replace(tzinfo=UTC)
    assert due == working_morning(entered, 5)  # five days on, on a working morning


def test_reading_and_the_dry_run_run_off_the_gui_thread(
    qtbot, threaded_context: AppContext, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from onboard_desk.services.importing import ImportService
    from onboard_desk.ui.importing import file_page
    from onboard_desk.ui.importing.state import inspect_file as inspect

    threads: list[str] = []
    run = ImportService.run

    def inspecting(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return inspect(*args, **kwargs)

    def running(self, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(file_page, "inspect_file", inspecting)
    monkeypatch.setattr(ImportService, "run", running)
    wizard = open_wizard(qtbot, threaded_context, data_dir / "hubspot_contacts.csv")
    wizard.next()
    wizard.next()
    qtbot.waitUntil(wizard.duplicates_page.isComplete, timeout=TIMEOUT)
    assert len(threads) == 2 and threading.main_thread().name not in threads
    assert wizard.duplicates_page.result is not None
    assert wizard.duplicates_page.result.rows_read == 6


def test_closing_during_the_dry_run_cancels_it_quietly(
    qtbot, threaded_context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    path = tmp_path / "big.csv"
    path.write_text("Name,Email\n" + "".join(f"P {i},p{i}@x.example\n" for i in range(60_000)))
    wizard = open_wizard(qtbot, threaded_context, path)
    wizard.next()
    wizard.next()  # the dry run starts on the pool
    job = wizard.duplicates_page.job
    assert job is not None
    with qtbot.waitSignal(job.signals.sig_failed, timeout=30_000) as failed:
        wizard.reject()
    assert job.cancelled and "cancelled" in failed.args[0]
    assert warnings == []

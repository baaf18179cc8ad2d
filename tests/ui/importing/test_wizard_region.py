"""The import wizard takes a phone region per file: a French export into a database
whose region is Germany, and a file kept as written."""

from __future__ import annotations

from pathlib import Path

from onboard_desk.services.settings import Identity
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.importing.wizard import ImportWizard
from tests.importing.conftest import prospect_rows
from tests.ui.importing.test_wizard import TIMEOUT, open_wizard


def _run(qtbot, context: AppContext, path: Path, region: str | None) -> None:
    wizard = open_wizard(qtbot, context, path)
    wizard.next()
    page = wizard.mapping_page
    assert page.region.itemText(0) == "As in Settings: read in DE"
    page.region.setCurrentIndex(page.region.findData(region))
    wizard.next()
    assert wizard.duplicates_page.isComplete()
    wizard.next()
    with qtbot.waitSignal(wizard.sig_import_finished, timeout=TIMEOUT):
        wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_RESULT


def test_a_file_can_be_read_in_its_own_region_or_kept_as_written(
    qtbot,
    context: AppContext,
    engine,
    tmp_path: Path,
) -> None:
    context.desk.settings.save_identity(Identity(name="Zoë Müller", region="DE"))
    paris = tmp_path / "paris.csv"
    paris.write_text(
        "Name,Company,Phone\nÉlodie Martin,Numérique SA,01 23 45 67 89\n"
        "Lucas Dubois,Boulangerie Dubois,06 12 34 56 78\n",
        encoding="utf-8",
    )
    _run(qtbot, context, paris, "FR")
    rows = {row["name"]: row for row in prospect_rows(engine)}
    assert rows["Élodie Martin"]["phone"] == "+33 1 23 45 67 89"
    assert rows["Lucas Dubois"]["phone_key"] == "+33612345678"

    unknown = tmp_path / "trade-fair.csv"
    unknown.write_text("Name,Phone\nAisha Bello,0803 123 4567\n", encoding="utf-8")
    _run(qtbot, context, unknown, "")
    aisha = next(row for row in prospect_rows(engine) if row["name"] == "Aisha Bello")
    assert (aisha["phone"], aisha["phone_key"]) == ("0803 123 4567", "08031234567")

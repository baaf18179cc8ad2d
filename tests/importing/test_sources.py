"""Reading every kind of file salespeople bring, and refusing the ones that are not lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from onboard_desk.importing import ImportFileError, list_sheets, open_table
from onboard_desk.importing.sources.text import detect_encoding


def read_all(path: Path, sheet: str | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(path, sheet=sheet) as table:
        return table.headers, list(table.rows)


def test_linkedin_export_preamble_is_skipped(data_dir: Path) -> None:
    headers, rows = read_all(data_dir / "linkedin_connections.csv")
    assert headers[:4] == ["First Name", "Last Name", "URL", "Email Address"]
    assert len(rows) == 5
    line, cells = rows[0]
    assert line == 5 and cells[0] == "Zoë" and cells[1] == "Müller"
    # Quoted commas and doubled quotes survive.
    sean = rows[2][1]
    assert sean[4] == "Brien & Sons, Ltd" and sean[5] == 'VP "Growth"'


def test_hubspot_bom_and_embedded_newline(data_dir: Path) -> None:
    with open_table(data_dir / "hubspot_contacts.csv") as table:
        assert table.encoding == "utf-8-sig" and table.headers[0] == "Record ID"
        rows = list(table.rows)
    assert rows[0][1][-1] == 'Asked for a demo.\nPrefers "short" calls.'
    # The embedded line break counts as a physical line: the next record is on line 4.
    assert rows[1][0] == 4
    # The all-empty record is skipped, and the numbering stays physical.
    assert [line for line, _ in rows] == [2, 4, 5, 6, 8, 9]


def test_excel_cp1252_semicolons(data_dir: Path) -> None:
    with open_table(data_dir / "excel_cp1252_semicolon.csv") as table:
        assert (table.encoding, table.delimiter) == ("cp1252", ";")
        rows = list(table.rows)
    assert rows[0][1][:2] == ["Jürgen Weiß", "Müller & Söhne GmbH"]
    assert rows[1][1][0] == "Chloé Lefèvre"
    assert rows[0][1][5] == "Preis: 1.200 €"


def test_utf16_unicode_text_with_tabs(data_dir: Path) -> None:
    with open_table(data_dir / "excel_unicode_text.txt") as table:
        assert table.encoding == "utf-16" and table.delimiter == "\t"
        rows = list(table.rows)
    assert [r[1][0] for r in rows] == ["Søren Kierkegaard", "Dmitri Volkov", "Xin Li"]
    assert rows[1][1][1] == "Восток ООО"


def test_ragged_rows_are_padded_and_extras_kept(data_dir: Path) -> None:
    with open_table(data_dir / "salesforce_leads.csv") as table:
        rows = list(table.rows)
        assert table.ragged_rows == 1
    assert rows[1][1][-1] == ""  # short row padded
    assert rows[2][1][-1] == "Met at the fair | extra cell one | extra cell two"


def test_xlsx_first_sheet_below_a_title_and_a_chosen_sheet(data_dir: Path) -> None:
    path = data_dir / "workbook_two_sheets.xlsx"
    assert list_sheets(path) == ["Leads", "Customers"]
    headers, rows = read_all(path)
    assert headers[0] == "Full Name"
    assert rows[0] == (4, ["Tara Singh", "Kite Labs", "tara@kite.example", "4915112345678",
                           "1200.5", "2024-02-01"])  # fmt: skip
    assert rows[1][1][5] == "2024-02-03 14:30"
    headers, rows = read_all(path, sheet="Customers")
    assert headers == ["Name", "Email", "Company"] and rows[0][1][0] == "Julia Novak"
    with pytest.raises(ImportFileError, match=r"no sheet named 'Nope'.*Leads, Customers"):
        read_all(path, sheet="Nope")


@pytest.mark.parametrize("name", ["contacts_v3.vcf", "contacts_v4.vcf"])
def test_vcards_several_per_file(data_dir: Path, name: str) -> None:
    headers, rows = read_all(data_dir / name)
    assert headers[0] == "Full Name"
    assert len(rows) == (3 if "v3" in name else 2)
    assert rows[0][0] == 1


def test_vcard_preferred_values_and_folding(data_dir: Path) -> None:
    _, rows = read_all(data_dir / "contacts_v3.vcf")
    nia, sven, yusuf = (cells for _line, cells in rows)
    assert nia[3] == "nia@sunrise.example" and nia[4] == "+1 (212) 555-0147"
    assert nia[5] == "Sunrise Travel" and nia[7] == "Met at the Lisbon fair, wants a call in May"
    assert sven[3] == "" and sven[8] == "fair,nordics"
    assert yusuf[3] == "yusuf@kaizen.example"  # the one marked pref
    assert "longer than seventy-five" in yusuf[7]
    _, rows = read_all(data_dir / "contacts_v4.vcf")
    assert rows[0][1][4] == "+34-91-123-4567" and rows[0][1][5] == "Verde Energía"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("binary.csv", "not a text file"),
        ("empty.csv", "is empty"),
        ("contacts.pdf", ".pdf is not one of them"),
        ("text_named.xlsx", "named like an Excel workbook but is text"),
        ("workbook_named.csv", "named like a text file but is a ZIP archive"),
    ],
)
def test_bad_files_get_clear_messages(data_dir: Path, name: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_all(data_dir / name)


def test_five_megabyte_cell(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("Name,Notes\n" + 'Ana,"' + "x" * (5 * 1024 * 1024) + '"\n')
    with pytest.raises(ImportFileError, match="longer than 128 KB"):
        read_all(path)
    lone = tmp_path / "lone.csv"
    lone.write_text("y" * (5 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="longer than 128 KB"):
        read_all(lone)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="does not exist"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="is a folder"):
        open_table(tmp_path)


def test_encoding_detection_rules() -> None:
    assert detect_encoding("Zoë".encode(), complete=True) == "utf-8"
    assert detect_encoding("\ufeffZoë".encode(), complete=True) == "utf-8-sig"
    assert detect_encoding("Name,Zoë\n".encode("utf-16"), complete=True) == "utf-16"
    assert detect_encoding("Name,Zoë\n".encode("utf-16-le"), complete=True) == "utf-16-le"
    assert detect_encoding("Name;Café Bär\n".encode("cp1252"), complete=True) == "cp1252"
    # A sample cut inside a multi-byte character is still UTF-8.
    assert detect_encoding("abcé".encode()[:-1], complete=False) == "utf-8"


def test_cyrillic_windows_file_is_not_forced_to_cp1252() -> None:
    text = "Имя;Компания\nДмитрий Волков;Восток ООО\nОльга Петрова;Волга Трейд\n" * 5
    assert detect_encoding(text.encode("cp1251"), complete=True) == "cp1251"


def test_broken_card_is_reported_and_the_others_read(data_dir: Path) -> None:
    with open_table(data_dir / "broken_card.vcf") as table:
        rows = list(table.rows)
        assert rows[0] == (1, ["Good Card", "", "", "good@card.example", "", "", "", "", ""])
        assert rows[1] == (6, [])
        assert table.unreadable[6].startswith("this card cannot be read (Failed to parse line")

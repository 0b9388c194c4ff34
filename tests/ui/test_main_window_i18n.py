"""Translations: the Indonesian catalogue ships compiled and current, and the window speaks it."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from window_helpers import *  # noqa: F403

from desk_app.ui import i18n, sla_display

TS = i18n.I18N_DIR / "desk_id.ts"
QM = i18n.I18N_DIR / "desk_id.qm"
#: Contexts of the window shell: every string in them must be translated.
SHELL_CONTEXTS = {"DeskController", "LoginDialog", "MainWindow", "QueueView", "Queues", "SearchBox", "Sidebar",
                  "SyncStatusWidget", "TicketTableModel", "SlaDisplay", "Ops"}
LRELEASE = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "pyside6-lrelease"


@pytest.fixture
def indonesian(qapp):
    language = i18n.install_translations("id", app=qapp)
    sla_display.retranslate()
    try:
        yield language
    finally:
        i18n.install_translations("en", app=qapp)
        QLocale.setDefault(QLocale.c())
        sla_display.retranslate()


def test_the_shell_is_fully_translated_in_the_catalogue():
    root = ET.parse(TS).getroot()
    untranslated = []
    for context in root.iter("context"):
        name = context.findtext("name")
        if name not in SHELL_CONTEXTS:
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation.get("type") == "unfinished":
                untranslated.append((name, message.findtext("source")))
    assert untranslated == []


def test_the_compiled_catalogue_matches_its_source(tmp_path):
    lrelease = LRELEASE if LRELEASE.exists() else shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    fresh = tmp_path / "desk_id.qm"
    subprocess.run([str(lrelease), str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == QM.read_bytes(), "run pyside6-lrelease (see desk_app/ui/i18n.py)"


def test_indonesian_is_loaded_by_language_code(indonesian):
    assert indonesian == "id"
    assert "id" in i18n.available_languages()
    assert QCoreApplication.translate("Queues", "My open tickets") == "Tiket terbuka saya"
    assert QCoreApplication.translate("SyncStatusWidget", "%n change(s) waiting to be sent", "", 3) == \
        "3 perubahan menunggu dikirim"
    # Numbers follow the same locale.
    assert QLocale().toString(1234567) == "1.234.567"


def test_the_window_speaks_indonesian(indonesian, windows, ui_store):
    ui_store.create_ticket("agent")
    window = windows("agent")
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus[:4] == ["&Berkas", "&Tiket", "&Tampilan", "Ban&tuan"]
    labels = [spec.label for spec in window.sidebar.specs()]
    assert labels[:2] == ["Tiket terbuka saya", "Belum ditugaskan"]
    assert window.sync_status.state_label.text() in ("Daring", "Menyinkronkan…")
    header = window.queue_view.model_.headerData(0, window.queue_view.horizontalHeader().orientation())
    assert header == "Nomor"


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_tier_column_fits_its_longest_value_and_its_title(language, qapp, windows, ui_store):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QStyle

    from desk_app.ui.queue.ticket_table_model import Column

    if language == "id":
        i18n.install_translations("id", app=qapp)
    try:
        ui_store.create_ticket("agent")
        window = windows("agent")
        view, model = window.queue_view, window.queue_view.model_
        window.sidebar.select_queue("all")
        tier = int(Column.TIER)
        width, style, header = view.columnWidth(tier), view.style(), view.horizontalHeader()
        cell_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
        shown = {model.data(model.index(row, tier)) for row in range(model.rowCount())}
        longest = {"en": "Tier 3", "id": "Tingkat 3"}[language]
        assert shown and all(text.startswith(longest[:-1]) for text in shown)
        for text in shown | {longest}:
            assert view.fontMetrics().horizontalAdvance(text) + cell_margin <= width, (text, width)
        title = model.headerData(tier, Qt.Orientation.Horizontal)
        assert title == {"en": "Tier", "id": "Tingkat"}[language]
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        assert header.fontMetrics().horizontalAdvance(title) + 4 * margin + mark <= width  # sorted by it, too
    finally:
        if language == "id":
            i18n.install_translations("en", app=qapp)
            QLocale.setDefault(QLocale.c())
            sla_display.retranslate()


def test_a_machine_without_a_locale_gets_us_english_dates(qapp):
    c_locale = QLocale(QLocale.Language.C)
    assert i18n.chosen_locale(None, c_locale).name() == "en_US"
    assert i18n.chosen_locale(None, QLocale("id_ID")).name() == "id_ID"  # a real system locale is followed
    assert i18n.chosen_locale("id", c_locale).language() == QLocale.Language.Indonesian


QT_TS = i18n.I18N_DIR / "qtbase_id.ts"
QT_QM = i18n.I18N_DIR / "qtbase_id.qm"


def test_qts_standard_buttons_speak_indonesian(indonesian, qtbot):
    """Qt ships no Indonesian catalogue: ours (in Qt's contexts) makes Cancel and Close Indonesian."""
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert sorted(b.text() for b in buttons.buttons()) == ["Batal", "Tutup"]
    box = QMessageBox(QMessageBox.Icon.Information, "Desk", "Teks", QMessageBox.StandardButton.Close)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Close).text() == "Tutup"
    assert QCoreApplication.translate("QLineEdit", "&Copy") == "&Salin"  # the edit menus too


def test_the_qt_catalogue_is_compiled_from_its_source(tmp_path):
    lrelease = LRELEASE if LRELEASE.exists() else shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    fresh = tmp_path / "qtbase_id.qm"
    subprocess.run([str(lrelease), str(QT_TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == QT_QM.read_bytes(), "run pyside6-lrelease on resources/i18n/qtbase_id.ts"


def test_lang_on_the_command_line_is_for_this_run_only(tmp_path):
    from PySide6.QtCore import QSettings

    from desk_app.ui.app import build_parser, run_language
    from desk_app.ui.settings import DeskSettings, Keys

    settings = DeskSettings(QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    assert run_language(build_parser(False).parse_args(["--lang", "id"]), settings) == "id"
    assert settings.get(Keys.LANGUAGE) == ""  # not saved: the next start is in the chosen language
    assert run_language(build_parser(False).parse_args([]), settings) is None  # the system's
    settings.set(Keys.LANGUAGE, "id")  # chosen in View > Language
    assert run_language(build_parser(True).parse_args([]), settings) == "id"
    assert run_language(build_parser(True).parse_args(["--lang", "en"]), settings) == "en"
    assert settings.get(Keys.LANGUAGE) == "id"


def test_the_language_is_chosen_in_the_view_menu_and_kept(windows, ui_store, ui_settings):
    from desk_app.ui.settings import Keys

    window = windows("agent")
    menu = window.language_menu
    assert menu in [a.menu() for a in window.menuBar().actions()[2].menu().actions() if a.menu()]
    names = [a.text() for a in menu.actions()]
    assert names == ["System language", "English", "Bahasa Indonesia"]
    assert menu.action_for("").isChecked()
    menu.action_for("id").trigger()  # what a click on "Bahasa Indonesia" does
    assert ui_settings.get(Keys.LANGUAGE) == "id" and menu.action_for("id").isChecked()
    assert "next start" in window.statusBar().currentMessage()

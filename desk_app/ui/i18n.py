"""Translations: the client's strings in the user's language, dates and numbers in their locale.

Every visible string goes through `QCoreApplication.translate` / `self.tr`
(context = the class name). The catalogues live in `resources/i18n/`:
`desk_<lang>.ts` is the source (`pyside6-lupdate` refreshes it from the code,
a translator fills it in with Qt Linguist), `desk_<lang>.qm` its compiled
form (`pyside6-lrelease`), which is what the client loads::

    .venv/bin/pyside6-lupdate $(find desk_app/ui -name "*.py" | sort) -ts resources/i18n/desk_id.ts
    .venv/bin/pyside6-lrelease resources/i18n/desk_id.ts -qm resources/i18n/desk_id.qm

The language is the one chosen in View > Language (saved in the settings),
else the system locale's; `--lang` overrides both for one run and is not
saved. English is the source language and needs no catalogue. Dates and
numbers follow the same locale (`QLocale.setDefault`), so a user who picks
Indonesian sees "22/11/26 10.30" and "1.234".

Qt's own strings (the standard buttons "Cancel" and "Close", edit menus, the
file dialog) come from Qt's catalogue for the language (`qtbase_<lang>.qm`
in the directory `QLibraryInfo` names). Qt ships none for Indonesian, so
`resources/i18n/qtbase_id.ts` translates the ones Desk shows, in Qt's
contexts; it is loaded when Qt has no catalogue of its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("desk.ui.i18n")

__all__ = ["I18N_DIR", "available_languages", "install_translations", "language_name", "qt_catalogue_dirs", "tr"]

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
CATALOGUE_PREFIX = "desk_"

_installed: list[QTranslator] = []


def tr(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`QCoreApplication.translate`, for code outside a QObject."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def available_languages() -> list[str]:
    """Languages with a compiled catalogue, plus English (the source language)."""
    found = sorted(p.stem[len(CATALOGUE_PREFIX):] for p in I18N_DIR.glob(f"{CATALOGUE_PREFIX}*.qm"))
    return ["en", *found]


def language_name(code: str) -> str:
    """A language as its speakers write it ("Bahasa Indonesia"), for the language menu."""
    names = {"en": "English", "id": "Bahasa Indonesia"}
    return names.get(code) or QLocale(code).nativeLanguageName() or code


def qt_catalogue_dirs() -> list[str]:
    """Where Qt's own catalogues are looked for: Qt's translations, then ours (languages Qt lacks)."""
    return [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), str(I18N_DIR)]


def chosen_locale(language: str | None, system: QLocale) -> QLocale:
    """The locale for `language`, else the system's; US English where the system names none.

    A machine with no locale set (LANG=C, common on servers and in containers)
    reports Qt's "C" locale, which writes dates as "21 11 2026 12:26".
    """
    locale = QLocale(language) if language else system
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def install_translations(language: str | None = None, *, app: QCoreApplication | None = None) -> str:
    """Load the catalogue for `language` (a code like "id"; None: the system locale).

    Replaces any catalogue installed before; returns the language in use
    ("en" when no catalogue matched). Sets the default locale to match, so
    `QLocale()` formats dates and numbers the same way the text reads.
    """
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing translations")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    locale = chosen_locale(language, QLocale.system())
    if language or locale != QLocale.system():
        QLocale.setDefault(locale)
    ours = QTranslator(app)
    if ours.load(locale, "desk", "_", str(I18N_DIR)):
        app.installTranslator(ours)
        _installed.append(ours)
        in_use = Path(ours.filePath()).stem[len(CATALOGUE_PREFIX):]
    else:
        in_use = "en"
    for directory in qt_catalogue_dirs():  # Qt's own strings (standard buttons): Qt's catalogue, else ours
        qt = QTranslator(app)
        if qt.load(locale, "qtbase", "_", directory):
            app.installTranslator(qt)
            _installed.append(qt)
            break
    log.info("language: %s (locale %s)", in_use, locale.name())
    return in_use

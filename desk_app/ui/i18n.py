"""Translations: the client's strings in the user's language, dates and numbers in their locale.

Every visible string goes through `QCoreApplication.translate` / `self.tr`
(context = the class name). The catalogues live in `resources/i18n/`:
`desk_<lang>.ts` is the source (`pyside6-lupdate` refreshes it from the code,
a translator fills it in with Qt Linguist), `desk_<lang>.qm` its compiled
form (`pyside6-lrelease`), which is what the client loads::

    .venv/bin/pyside6-lupdate $(find desk_app/ui -name "*.py" | sort) -ts resources/i18n/desk_id.ts
    .venv/bin/pyside6-lrelease resources/i18n/desk_id.ts -qm resources/i18n/desk_id.qm

The language is the system locale's unless `--lang` (or the saved setting)
names one; English is the source language and needs no catalogue. Dates and
numbers follow the same locale (`QLocale.setDefault`), so a user who picks
Indonesian sees "22/11/26 10.30" and "1.234".
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("desk.ui.i18n")

__all__ = ["I18N_DIR", "available_languages", "install_translations", "tr"]

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
    qt = QTranslator(app)  # Qt's own strings (standard buttons), where Qt ships them
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    log.info("language: %s (locale %s)", in_use, locale.name())
    return in_use

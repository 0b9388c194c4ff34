"""View > Language: the language Desk starts in, kept in the settings.

The choice is saved (`Keys.LANGUAGE`) and applies from the next start:
every label is made in the language the window was built in. `--lang` on
the command line overrides it for one run and is never saved, so the menu
shows the saved choice, not the flag.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from desk_app.ui import i18n
from desk_app.ui.settings import DeskSettings, Keys

__all__ = ["LanguageMenu"]


class LanguageMenu(QMenu):
    #: The saved choice changed: a sentence for the status bar.
    chosen = Signal(str)

    def __init__(self, settings: DeskSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Language"), parent)
        self.setObjectName("LanguageMenu")
        self.settings = settings
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        saved = settings.get(Keys.LANGUAGE) or ""
        choices = [("", self.tr("System language"))]
        choices += [(code, i18n.language_name(code)) for code in i18n.available_languages()]
        for code, name in choices:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.setData(code)
            action.setObjectName(f"language_{code or 'system'}")
            action.triggered.connect(lambda _checked=False, c=code, n=name: self.choose(c, n))
            self.group.addAction(action)
            self.addAction(action)

    def choose(self, code: str, name: str) -> None:
        if code == (self.settings.get(Keys.LANGUAGE) or ""):
            return
        self.settings.set(Keys.LANGUAGE, code)
        self.settings.sync()
        self.chosen.emit(self.tr("Desk starts in {language} from the next start.").format(language=name))

    def action_for(self, code: str) -> QAction | None:
        return next((a for a in self.actions() if a.data() == code), None)

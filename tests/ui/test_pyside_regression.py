"""PySide6 6.12.0 on CPython 3.11 aborts ("Fatal Python error: none_dealloc")
after a few thousand Qt calls. pyproject.toml pins around it; this test keeps
the pin honest by making 10,000 such calls in a child process, so an abort
shows up as a failed test instead of killing the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import PySide6


def test_installed_pyside_is_not_the_crashing_combination():
    version = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
    if sys.version_info[:2] == (3, 11):
        assert version < (6, 12), f"PySide6 {PySide6.__version__} on Python 3.11 is known to abort"


def test_ten_thousand_qt_calls_do_not_abort():
    code = textwrap.dedent(
        """
        import os
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        for i in range(10_000):
            label.setText(f"ticket {i}")
            assert label.text() == f"ticket {i}"
        print("ok", label.text())
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok ticket 9999"

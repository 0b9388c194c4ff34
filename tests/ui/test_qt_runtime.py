"""Finding the system libraries Qt's plugins need, and what desk-app does when the window cannot open.

Issue 13, item 15: on a fresh Debian machine Qt's X11 plugin needed libxcb-icccm4,
libxcb-keysyms1 and more, which ./desk did not install; Qt then aborted the
process naming the wrong package. Now ./desk installs what `ldd` says the
plugins' binaries miss (desk_app/ui/qt_runtime.py names the packages), and
`desk-app demo` falls back to the text report, saying why, instead of aborting.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desk_app.ui import qt_runtime

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None,
                                reason="ldd and Qt's X11 plugin are Linux things")


def test_each_soname_is_named_by_its_debian_package():
    expected = {
        "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-keysyms.so.1": "libxcb-keysyms1",
        "libxcb-render-util.so.0": "libxcb-render-util0",
        "libxcb-cursor.so.0": "libxcb-cursor0",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",  # a name ending in a digit takes a hyphen
        "libdbus-1.so.3": "libdbus-1-3",
        "libpng16.so.16": "libpng16-16",
        "libGL.so.1": "libgl1",  # lower case
        "libX11-xcb.so.1": "libx11-xcb1",
        "libgssapi_krb5.so.2": "libgssapi-krb5-2",
        "libglib-2.0.so.0": "libglib2.0-0",  # the few exceptions
        "libgthread-2.0.so.0": "libglib2.0-0",
        "libz.so.1": "zlib1g",
    }
    assert {soname: qt_runtime.debian_package(soname) for soname in expected} == expected
    assert qt_runtime.packages_for(["libglib-2.0.so.0", "libgobject-2.0.so.0", "libxcb-icccm.so.4"]) == [
        "libglib2.0-0", "libxcb-icccm4"]


def test_ldd_output_is_read_for_what_is_not_found():
    output = (
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
        "\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
    )
    assert qt_runtime.parse_ldd(output) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


@linux_only
def test_a_library_a_plugin_needs_is_found_missing_through_its_own_dependencies(tmp_path):
    """A real plugin whose dependency is not on this machine (its name changed in a copy)."""
    root = qt_runtime.pyside_dir()
    plugin = root / "Qt" / "plugins" / "platforms" / "libqoffscreen.so"
    data = plugin.read_bytes()
    assert b"libQt6Gui.so.6\0" in data
    # Same length, so the ELF's string table stays intact; nobody ships "libdeskzz".
    copy = tmp_path / "Qt" / "plugins" / "platforms" / "libqoffscreen.so"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(data.replace(b"libQt6Gui.so.6\0", b"libdeskzz.so.6\0"))
    missing = qt_runtime.missing_libraries([copy])
    assert "libdeskzz.so.6" in missing and missing["libdeskzz.so.6"] == [copy]
    assert "libdeskzz6" in qt_runtime.packages_for(missing)
    # The files checked are the plugins Qt loads for the window, and the Qt modules the client imports.
    files = {p.relative_to(root).as_posix() for p in qt_runtime.qt_library_files(root)}
    assert {"Qt/plugins/platforms/libqxcb.so", "Qt/plugins/platforms/libqoffscreen.so"} <= files
    assert any(name.startswith("QtWidgets.") for name in files)
    assert any(name.startswith("Qt/plugins/xcbglintegrations/") for name in files)


@linux_only
def test_the_desk_scripts_check_lists_the_packages_the_plugins_miss():
    """`./desk`'s own function, run on its own (the script is sourced, nothing else runs)."""
    done = subprocess.run(["bash", "-c", "source ./desk && qt_missing_packages && echo end"], cwd=ROOT,
                          env={**os.environ, "DESK_VENV": sys.prefix, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    *packages, end = done.stdout.splitlines()
    assert end == "end"  # sourcing ran no command of the script
    assert packages == qt_runtime.packages_for(qt_runtime.missing_libraries(qt_runtime.qt_library_files()))


def _unused_display() -> str:
    number = 1000
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    return f":{number}"


@linux_only
def test_the_demo_shows_the_text_report_when_the_window_cannot_open(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=_unused_display(), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "desk_app.ui.app", "demo", "--data-dir", str(tmp_path / "demo")],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"Qt aborted (exit {done.returncode}): {done.stderr[-2000:]}"
    assert "desk-app: the window cannot open:" in done.stderr
    assert "text report" in done.stderr
    assert "[shopom]" in done.stdout  # the SLA report of the shipped policies
    assert not (tmp_path / "demo").exists(), "no store was started for a window that cannot open"

    shot = subprocess.run([sys.executable, "-m", "desk_app.ui.app", "demo", "--screenshot", str(tmp_path / "w.png")],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert shot.returncode == 1 and "the window cannot open" in shot.stderr  # no picture to fall back to


def test_no_check_where_qt_uses_another_platform():
    assert qt_runtime.window_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert qt_runtime.window_problem({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}) is None

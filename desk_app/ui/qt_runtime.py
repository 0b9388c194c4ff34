"""Can Qt open a window here? The system libraries Qt's plugins load, and what to do without them.

Qt's wheels bring Qt itself, not the system libraries its X11 platform plugin
(`libqxcb.so`) links against. On a fresh Debian machine several are missing
(`libxcb-icccm.so.4`, `libxcb-keysyms.so.1`, ...), and Qt then aborts the
whole process at `QApplication(...)` with a message that names the wrong
package. This module finds the missing ones from the plugins' own
dependencies (`ldd` follows them through every Qt library they pull in),
names the Debian package of each (the soname rule of Debian policy 8.1), and
tells before the application object is made whether the window can open.

Used from two places:

* `./desk` (before `demo`, `test`, ...): ``python -m desk_app.ui.qt_runtime packages``
  prints the Debian packages to install, one a line, and ``missing`` the sonames;
* `desk-app` (`desk_app.ui.app.main`): `window_problem()` before the QApplication, so
  that the demo can fall back to the text report with a clear message.

No Qt import here: the point is to find out before loading it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = [
    "debian_package",
    "missing_libraries",
    "packages_for",
    "parse_ldd",
    "pyside_dir",
    "qt_library_files",
    "window_problem",
    "xcb_platform_files",
]

#: The Python modules of PySide6 the client imports (their Qt libraries come with them).
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtCharts")

#: Plugins Qt loads at run time (not linked, so only their own dependencies tell what they need).
PLUGINS = (
    "platforms/libqxcb.so",  # X11 windows
    "platforms/libqoffscreen.so",  # tests and --screenshot without a display
    "xcbglintegrations/*.so",  # OpenGL on X11
    "platforminputcontexts/*.so",  # compose keys, input methods
    "imageformats/libqsvg.so",  # the icons are SVG
    "iconengines/libqsvgicon.so",
)

#: Sonames whose Debian package does not follow the policy's rule (the libraries of one source
#: package shipped together, or an older naming). The others: `debian_package`.
PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0",
    "libz.so.1": "zlib1g",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_SONAME = re.compile(r"^(?P<name>.+?)\.so(?:\.(?P<version>[0-9][0-9.]*))?$")


def pyside_dir() -> Path | None:
    """Where the PySide6 package lives (found without importing it), or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _plugin_files(root: Path, patterns: Iterable[str]) -> list[Path]:
    plugins = root / "Qt" / "plugins"
    found: list[Path] = []
    for pattern in patterns:
        found.extend(sorted(plugins.glob(pattern)))
    return found


def xcb_platform_files(root: Path | None = None) -> list[Path]:
    """The X11 platform plugin and its OpenGL integrations: what must load for a window on X11."""
    root = root or pyside_dir()
    return [] if root is None else _plugin_files(root, ("platforms/libqxcb.so", "xcbglintegrations/*.so"))


def qt_library_files(root: Path | None = None) -> list[Path]:
    """Every binary of PySide6 the client loads: its Qt modules and the plugins Qt loads for it."""
    root = root or pyside_dir()
    if root is None:
        return []
    modules = [path for name in QT_MODULES for path in sorted(root.glob(f"{name}.*.so"))]
    return modules + _plugin_files(root, PLUGINS)


def parse_ldd(output: str) -> list[str]:
    """The sonames `ldd` printed as "not found", each once, in order."""
    seen: dict[str, None] = {}
    for line in output.splitlines():
        match = _NOT_FOUND.match(line)
        if match:
            seen.setdefault(match.group(1), None)
    return list(seen)


def missing_libraries(files: Iterable[Path]) -> dict[str, list[Path]]:
    """{soname: [files that need it]} for every library the files need (directly or through
    another) that the dynamic loader cannot find. Empty when ldd is not there (not Linux)."""
    ldd = shutil.which("ldd")
    missing: dict[str, list[Path]] = {}
    if ldd is None:
        return missing
    for path in files:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, check=False,
                              env={**os.environ, "LC_ALL": "C"})
        for soname in parse_ldd(done.stdout):
            missing.setdefault(soname, []).append(path)
    return missing


def debian_package(soname: str) -> str:
    """The Debian package that ships `soname`, by the policy's naming rule (8.1).

    `libxcb-icccm.so.4` -> `libxcb-icccm4`; a name ending in a digit takes a hyphen
    (`libxkbcommon-x11.so.0` -> `libxkbcommon-x11-0`, `libdbus-1.so.3` -> `libdbus-1-3`);
    lower case (`libGL.so.1` -> `libgl1`); an underscore becomes a hyphen. The few that
    do not follow it are in `PACKAGE_EXCEPTIONS`.
    """
    if soname in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[soname]
    match = _SONAME.match(soname)
    if match is None:
        return soname.lower()
    name, version = match.group("name"), match.group("version")
    name = name.lower().replace("_", "-")
    if not version:
        return name
    version = version.split(".")[0]
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def packages_for(sonames: Iterable[str]) -> list[str]:
    """The packages for these sonames, each once, in order."""
    return list(dict.fromkeys(debian_package(s) for s in sonames))


# -- can a window open? ---------------------------------------------------------------------


def _qt_would_use_xcb(env: Mapping[str, str]) -> bool:
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    # Unset: Qt picks Wayland in a Wayland session (X11 only through XWayland as a fallback).
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not env.get("WAYLAND_DISPLAY")


def _display_answers(display: str) -> bool:
    """Whether the X server `display` accepts a connection (through libxcb, as Qt would)."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return False
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return connection is not None and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection is not None:
            xcb.xcb_disconnect(connection)


def window_problem(env: Mapping[str, str] | None = None, *, root: Path | None = None) -> str | None:
    """Why Qt could not open a window here (it would abort the process), or None when it can.

    Checked only where Qt would use its X11 plugin: the libraries that plugin loads
    (with the packages to install) and whether the display answers.
    """
    env = os.environ if env is None else env
    if not _qt_would_use_xcb(env):
        return None
    missing = missing_libraries(xcb_platform_files(root))
    if missing:
        names = ", ".join(missing)
        packages = " ".join(packages_for(missing))
        return (f"the window cannot open: Qt's X11 plugin needs system libraries that are not installed "
                f"({names}). Install them with: sudo apt-get install {packages} "
                f"(./desk does this by itself).")
    display = env.get("DISPLAY", "")
    if not display:
        return "the window cannot open: no display (DISPLAY is not set)."
    if not _display_answers(display):
        return f"the window cannot open: the X display {display!r} does not answer."
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m desk_app.ui.qt_runtime missing|packages`: for ./desk."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "packages"
    if command not in ("missing", "packages"):
        print("usage: python -m desk_app.ui.qt_runtime missing|packages", file=sys.stderr)
        return 2
    missing = missing_libraries(qt_library_files())
    for line in (missing if command == "missing" else packages_for(missing)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

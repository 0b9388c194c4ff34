"""The demo: what `./desk demo` shows, for both of its entry points.

    store.py       DemoStore: the real central store embedded in this process (SQLite in a data
                   directory, migrated, seeded, served on loopback), for the window
                   (`desk-app demo`, `desk_app.ui.app`)
    sla_report.py  render_report: the live SLA state of sample tickets as text, the fallback
                   without a display (`python -m desk_app.cli demo`)

Outside the four layers, like the entry points that use it: it imports the store
(`desk_app.server`, lazily, inside `DemoStore`) and the core, never Qt, the client's
services or its widgets (tests/test_layering.py). `desk-app` against a real store never
loads `store.py`'s server imports.
"""

from desk_app.demo.sla_report import render_report
from desk_app.demo.store import DEMO_PASSWORD, DEMO_ROLES, DemoStore, DemoStoreError

__all__ = ["DEMO_PASSWORD", "DEMO_ROLES", "DemoStore", "DemoStoreError", "render_report"]

"""The longer outside-fuzzer run (issue 19 item 16): schemathesis as an admin over every route.

The suite runs 4 examples per operation and mode (tests/server/test_api_fuzz.py);
this runs more, on a store served by `desk-server serve` from this checkout on a
fresh SQLite file (or --db URL) on loopback, and prints every failure.

    python bench/fuzz_api.py [--examples 25] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "server"))

from api_fuzz import fuzz_store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DESK_DATA_DIR": data}
        db = ["--db", args.db] if args.db else []
        run = dict(env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([python, "-m", "desk_app.server.cli", "init", *db], **run)
        subprocess.run([python, "-m", "desk_app.server.cli", "create-user", *db, "--username", "fuzzadmin",
                        "--password", "fuzz-admin-pass", "--role", "admin"], **run)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([python, "-m", "desk_app.server.cli", "serve", *db, "--port", str(port),
                                   "--log-level", "warning"], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            report = fuzz_store(f"http://127.0.0.1:{port}", "fuzzadmin", "fuzz-admin-pass", examples=args.examples)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{report.operations} operations, {report.cases} cases, {report.seconds:.0f} s, "
          f"{len(report.failures)} failing")
    for line in report.skipped:
        print("skipped:", line)
    for failure in report.failures:
        print("\n" + failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())

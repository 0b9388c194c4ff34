"""Abuse benchmark (issue 19): a real store process on loopback, attacked as an outsider would.

* intakes per second from one client address (fresh e-mail addresses each time),
  and from many addresses (each request from its own 127.0.x.y source address);
* ticket writes' latency (p50 / p95 / max, failures) while 4 threads log in
  with wrong passwords (from rotating loopback addresses) on SQLite.

Run it against any checkout, so the same script measures before and after:

    python bench/bench_abuse.py                       # this checkout
    python bench/bench_abuse.py --tree /work/main     # another one (the baseline)

The server runs `desk_app.server.cli serve` from `--tree` (PYTHONPATH) on a
fresh SQLite database in a temporary directory, with the production password
hashing parameters. Only the HTTP API is used, so the script runs against any version.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1"
PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(tree: Path, env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "desk_app.server.cli", *args], cwd=tree, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_server(tree: Path, workdir: Path):
    env = {**os.environ, "PYTHONPATH": str(tree), "DESK_DATA_DIR": str(workdir),
           "DESK_DATABASE_URL": f"sqlite:///{workdir / 'desk.sqlite3'}"}
    _cli(tree, env, "init")
    _cli(tree, env, "create-user", "--username", "agent", "--password", PASSWORD, "--role", "agent")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(port), "--log-level", "warning",
         "--no-rollups"],
        cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def client_from(address: str, base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def intake_form(i: int) -> dict[str, str]:
    return {"topic": "pertanyaan_umum", "email": f"flood{i}@example.com", "requester_role": "buyer",
            "description": f"Flood request {i}: please call me back."}


def bench_intakes(base: str, n: int, *, many: bool, threads: int = 4) -> dict:
    """`n` intakes, each from a fresh e-mail address; from 127.0.0.1, or each from its own address."""
    answers: list[int] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def worker(tid: int):
        single = None if many else client_from("127.0.0.1", base)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            http = client_from(f"127.0.{1 + i // 250}.{1 + i % 250}", base) if many else single
            try:
                status = http.post(API + "/intake", data=intake_form(i + (100_000 if many else 0))).status_code
            except httpx.HTTPError:
                status = -1
            finally:
                if many:
                    http.close()
            with lock:
                answers.append(status)
        if single is not None:
            single.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    took = time.perf_counter() - started
    accepted = answers.count(201)
    return {"sent": n, "accepted": accepted, "refused_429": answers.count(429), "other": n - accepted - answers.count(429),
            "seconds": took, "accepted_per_s": accepted / took}


def bench_writes_during_logins(base: str, seconds: float, login_threads: int = 4) -> dict:
    with client_from("127.0.0.1", base) as http:
        token = http.post(API + "/auth/login", json={"username": "agent", "password": PASSWORD}).json()["token"]
    stop = threading.Event()
    logins = []

    def guesser(tid: int):
        k = 0
        while not stop.is_set():
            k += 1
            address = f"127.{10 + tid}.{k // 250 % 250}.{1 + k % 250}"
            with client_from(address, base) as http:
                try:
                    status = http.post(API + "/auth/login",
                                       json={"username": f"user{k % 7}", "password": f"guess{k}"}).status_code
                except httpx.HTTPError:
                    status = -1
            logins.append(status)

    pool = [threading.Thread(target=guesser, args=(t,)) for t in range(login_threads)]
    for t in pool:
        t.start()
    time.sleep(0.5)
    latencies, failures = [], 0
    body = {"policy": "shopee", "subject": "Bench write", "category": "pertanyaan_umum", "priority": "normal",
            "channel": "phone", "customer": {"name": "Bench customer"}}
    with client_from("127.0.0.1", base) as http:
        http.headers["Authorization"] = f"Bearer {token}"
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                ok = http.post(API + "/tickets", json=body).status_code == 201
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            failures += not ok
    stop.set()
    for t in pool:
        t.join()
    latencies.sort()
    return {"writes": len(latencies), "failed": failures, "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))], "max_ms": 1000 * latencies[-1],
            "logins": len(logins), "logins_401": logins.count(401), "logins_429": logins.count(429),
            "logins_5xx": sum(1 for s in logins if s >= 500 or s < 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose store to run (default: this one)")
    parser.add_argument("--intakes", type=int, default=60, help="intakes per run (default 60)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the write run (default 8 s)")
    args = parser.parse_args()
    print(f"tree: {args.tree}")
    for name, run in (
        ("intakes, one address", lambda base: bench_intakes(base, args.intakes, many=False)),
        ("intakes, many addresses", lambda base: bench_intakes(base, args.intakes, many=True)),
        ("writes while 4 threads guess logins", lambda base: bench_writes_during_logins(base, args.seconds)),
    ):
        with tempfile.TemporaryDirectory(prefix="desk-bench-abuse-") as tmp:
            proc, base = start_server(args.tree.resolve(), Path(tmp))
            try:
                result = run(base)
            finally:
                proc.terminate()
                proc.wait(10)
        print(f"{name}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                      for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()

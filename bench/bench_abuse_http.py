"""Memory of the store under four concurrent 100 MB login bodies (issue 19 item 1).

Runs `desk-server serve` from a source tree (default: this checkout; pass
--tree /work/main for the baseline) on a fresh SQLite store on loopback,
sends four POST /auth/login requests of 100 MB each at once over raw
sockets, and reads the server's peak and resident memory from /proc.

    python bench/bench_abuse_http.py [--tree PATH] [--mb 100] [--clients 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            key, value = line.split(":")
            out[key] = int(value.split()[0]) // 1024  # MiB
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send_login(port: int, size: int, results: list, index: int) -> None:
    started = time.perf_counter()
    head = (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    chunk = b'{"username": "' + b"a" * (1024 * 1024 - 14)
    sent = 0
    answer = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
            sock.sendall(head)
            try:
                while sent < size:
                    piece = chunk[: size - sent]
                    sock.sendall(piece)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed without reading the rest
            try:
                answer = sock.recv(400)
            except (ConnectionResetError, socket.timeout):
                pass
    finally:
        status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "closed"
        results[index] = (status, sent, time.perf_counter() - started, answer)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    python = os.environ.get("DESK_VENV", "/work/main/.venv") + "/bin/python"
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PYTHONPATH": args.tree, "DESK_DATA_DIR": data}
        subprocess.run([python, "-m", "desk_app.server.cli", "init"], env=env, cwd=args.tree, check=True,
                       capture_output=True)
        port = _free_port()
        server = subprocess.Popen(
            [python, "-m", "desk_app.server.cli", "serve", "--port", str(port), "--no-scheduler", "--no-rollups",
             "--log-level", "warning"],
            env=env, cwd=args.tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # cwd: -m imports from it
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start")
                    time.sleep(0.2)
            time.sleep(1.0)
            idle = _status(server.pid)
            results: list = [None] * args.clients
            threads = [threading.Thread(target=_send_login, args=(port, args.mb * 1024 * 1024, results, i))
                       for i in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took = time.perf_counter() - started
            time.sleep(1.0)
            after = _status(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"tree {args.tree}: {args.clients} x {args.mb} MB logins in {took:.2f} s")
    print(f"  first answer: {results[0][3][:400]!r}")
    print(f"  answers: {[r[0] for r in results]}; bytes sent before the server answered: "
          f"{[round(r[1] / 2**20) for r in results]} MiB")
    print(f"  server RSS idle {idle['VmRSS']} MiB, peak {after['VmHWM']} MiB, after {after['VmRSS']} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Opened attachments: a folder per session, removed at logout and exit; a crashed run's removed at the next start."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from desk_app.ui.ticket_panel.attachment_files import AttachmentFiles


def _other_process(root, *, crash: bool) -> subprocess.Popen:
    """Another run of the app writing an attachment; it crashes (no clean-up at all) or keeps running."""
    code = textwrap.dedent(f"""
        import os, sys
        from desk_app.ui.ticket_panel.attachment_files import AttachmentFiles
        files = AttachmentFiles({str(root)!r})
        files.new_path("invoice.pdf").write_bytes(b"%PDF")
        print(files.folder, flush=True)
        if {crash!r}:
            os._exit(9)  # like a crash: neither atexit nor Qt runs
        sys.stdin.read()  # alive until the test closes stdin
        files.remove()
    """)
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_files_go_in_the_sessions_folder_which_is_removed_at_the_end(tmp_path):
    files = AttachmentFiles(tmp_path)
    first, second = files.new_path("label.png"), files.new_path("label.png")
    assert first != second and first.parent.parent == second.parent.parent == files.folder
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    files.remove()
    assert not files.folder.exists()
    files.remove()  # again (atexit after logout): nothing to do


def test_a_crashed_runs_folder_is_removed_at_the_next_start_a_running_ones_is_not(tmp_path):
    crashed = _other_process(tmp_path, crash=True)
    crashed_folder = crashed.stdout.readline().strip()
    assert crashed.wait(timeout=30) == 9
    running = _other_process(tmp_path, crash=False)
    try:
        running_folder = running.stdout.readline().strip()
        mine = AttachmentFiles(tmp_path)
        mine.new_path("photo.jpg").write_bytes(b"jpg")
        other_here = AttachmentFiles(tmp_path)  # another session in this process (a second window)
        other_here.new_path("a.txt").write_bytes(b"a")

        starting = AttachmentFiles(tmp_path)
        assert [str(p) for p in starting.remove_stale()] == [crashed_folder]
        assert {p.name for p in tmp_path.iterdir()} == {
            mine.folder.name, other_here.folder.name, running_folder.rsplit("/", 1)[-1]}
    finally:
        running.stdin.close()
        assert running.wait(timeout=30) == 0
    assert not any(p.name == running_folder.rsplit("/", 1)[-1] for p in tmp_path.iterdir())  # it cleaned up
    for files in (mine, other_here):
        files.remove()
    assert list(tmp_path.iterdir()) == []

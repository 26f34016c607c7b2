"""On a terminal the uploader draws a bar per file and one overall; --quiet draws none."""

import os
import pty
import subprocess

import pytest

from tests.uploader.kit import MiB, bundle_with_big_files, upload_command, uploader_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def run_on_terminal(command, env) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal, as in a person's shell; return what it showed."""
    main, child = pty.openpty()
    process = subprocess.Popen(command, stdout=child, stderr=child, stdin=subprocess.DEVNULL,
                               env={**env, "COLUMNS": "120", "TERM": "xterm-256color"})
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return process.wait(timeout=300), shown.decode(errors="replace")


def test_bars_on_a_terminal_and_none_with_quiet(portal, token, cache, tmp_path):
    bundle = bundle_with_big_files(tmp_path, sizes=(3 * MiB,))
    code, shown = run_on_terminal(upload_command(bundle, portal, token, "--limit-rate", "4M"), uploader_env(cache))
    assert code == 0, shown
    assert "all files" in shown and "ANNOTATIONS/big0.bin" in shown and "MiB" in shown
    assert "━" in shown  # rich's bar
    assert "0 failed" in shown

    code, shown = run_on_terminal(upload_command(bundle, portal, token, "--quiet"), uploader_env(cache))
    assert code == 0, shown
    assert "all files" not in shown and "━" not in shown
    assert "0 failed" in shown

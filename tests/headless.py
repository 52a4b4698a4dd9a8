"""Headless Chromium for the browser suites (tests/browser, tests/superset):
one way to open a page, dump its DOM or take a screenshot."""

from __future__ import annotations

import shutil
import subprocess


def chromium(url: str, *args: str, size: str = "1400,1000", budget_ms: int = 5000,
             offline: bool = True) -> subprocess.CompletedProcess:
    """Open `url` headless; `offline` resolves no host at all (a page that
    reaches for the network then fails visibly)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is not installed (make test-docs installs it)"
    network = ["--host-resolver-rules=MAP * ~NOTFOUND"] if offline else []
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--hide-scrollbars", *network, f"--window-size={size}",
         f"--virtual-time-budget={budget_ms}", *args, url],
        capture_output=True, text=True, timeout=180)

"""axe-core (npm, pinned) injected into a page the browser tests visit, to find accessibility violations.

scripts/test.sh installs the package into a cache folder outside the repository (no third-party code
is committed, nothing comes from a CDN); `axe_source()` finds it there, installs it with npm when npm
is available, and otherwise skips the test with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

AXE_VERSION = "4.10.3"
BLOCKING = ("serious", "critical")


def axe_folder() -> Path:
    return Path(os.environ.get("TEPAT_NPM_CACHE", Path.home() / ".cache" / "tepat" / "npm"))


@cache
def axe_source() -> str:
    script = axe_folder() / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists() and shutil.which("npm"):
        axe_folder().mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--prefix",
                str(axe_folder()),
                f"axe-core@{AXE_VERSION}",
            ],
            check=False,
            capture_output=True,
            timeout=300,
        )
    if not script.exists():
        pytest.skip(
            f"axe-core {AXE_VERSION} is not installed (scripts/test.sh installs it with npm into {axe_folder()})"
        )
    return script.read_text(encoding="utf-8")


def violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """Run axe on the page as it is now; one line per violation of the given impacts (rule, impact,
    the first offending elements)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # through DevTools, not a <script>: the page's CSP does not apply
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in found if v["impact"] in impacts]

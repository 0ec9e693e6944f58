"""What the page benchmarks share: the arguments, a TEPAT_HOME holding the imported FILE, and timing a page."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments(repeat: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()


def registry_home(home: Path, file: Path):
    """Set up Django on HOME, import FILE there (in a child process, as `tepat import`) unless HOME
    already holds families; return the bench's analyst user."""
    os.environ["TEPAT_HOME"] = str(home)
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.accounts.models import User
    from tepat.registry.models import Family

    if not Family.objects.exists():
        env = {**os.environ, "TEPAT_HOME": str(home)}
        subprocess.run(
            [sys.executable, "-m", "tepat", "import", str(file)], check=True, cwd=ROOT, env=env, capture_output=True
        )
    return User.objects.filter(username="bench").first() or User.objects.create(username="bench", role="analyst")


def timed(client, url: str) -> float:
    """Milliseconds for one GET, which must answer 200."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed

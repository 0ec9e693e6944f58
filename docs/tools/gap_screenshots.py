"""Take the screenshots of the convergence page, the rule editor and the meeting list for
docs/panduan-pengguna.md and docs/indikator.md from a running demo (Playwright + /usr/bin/chromium).

    export TEPAT_HOME=$(mktemp -d)
    .venv/bin/tepat demo --no-serve --families 3000
    .venv/bin/tepat serve --port 8765 &            # note its pid, stop it afterwards
    .venv/bin/python docs/tools/gap_screenshots.py --url http://127.0.0.1:8765 --out docs/img

It resets the password of the demo user `analis` (with `tepat password`, in the same TEPAT_HOME) and
only reads: nothing in the demo changes. Writes kesenjangan-*.png, aturan-nol.png and rapat-kepatuhan.png.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

DESKTOP = {"width": 1440, "height": 900}
PIP_BEFORE = 'desil <= 3 and ada_anggota(umur >= 6 and umur <= 21 and partisipasi_sekolah == "Masih sekolah")'


def password(tepat: list[str], name: str) -> str:
    out = subprocess.run([*tepat, "password", name], check=True, capture_output=True, text=True).stdout
    match = re.search(rf"^{name}: (\S+)$", out, re.MULTILINE)
    if match is None:
        sys.exit(f"tepat password {name}: unexpected output {out!r}")
    return match.group(1)


MAX_HEIGHT = 1100  # px: a long drill-down shows its head, not 500 rows


def shoot(page, locator: str, path: Path) -> None:
    """A screenshot of the element (its first MAX_HEIGHT px), reduced to a 256-colour palette: small PNGs."""
    from PIL import Image

    box = page.locator(locator).first.bounding_box()
    clip = {**box, "height": min(box["height"], MAX_HEIGHT)}
    page.screenshot(path=str(path), clip=clip, full_page=True)
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(path, path.stat().st_size // 1024, "KB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--tepat", default=f"{sys.executable} -m tepat", help="how to run the tepat command")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    secret = password(args.tepat.split(), "analis")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=DESKTOP)
        page.goto(f"{args.url}/login/")
        page.fill("input[name=username]", "analis")
        page.fill("input[name=password]", secret)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{args.url}/kesenjangan/?measure=cakupan&by=kecamatan")
        shoot(page, "[data-testid=gap-chart]", args.out / "kesenjangan-cakupan.png")
        page.goto(f"{args.url}/kesenjangan/?measure=konvergensi&by=kecamatan")
        shoot(page, "[data-testid=gap-measure]", args.out / "kesenjangan-konvergensi.png")
        page.locator("[data-testid=gap-table] tbody tr td:nth-child(2) a").first.click()
        page.wait_for_selector("[data-testid=drill]")
        shoot(page, "main", args.out / "kesenjangan-rinci.png")
        page.goto(f"{args.url}/program/pip/")
        page.fill("[data-testid=rule-text]", PIP_BEFORE)
        page.wait_for_selector("[data-code=field_empty]")
        shoot(page, "[data-testid=preview]", args.out / "aturan-nol.png")
        page.goto(f"{args.url}/rapat/")
        shoot(page, "[data-testid=compliance]", args.out / "rapat-kepatuhan.png")
        browser.close()


if __name__ == "__main__":
    main()

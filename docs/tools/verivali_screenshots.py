"""Take the screenshots of docs/verivali.md from a running demo (Playwright + /usr/bin/chromium, headless).

    export TEPAT_HOME=$(mktemp -d)
    .venv/bin/tepat demo --no-serve --families 2000
    .venv/bin/tepat serve --port 8765 &            # note its pid, stop it afterwards
    .venv/bin/python docs/tools/verivali_screenshots.py --url http://127.0.0.1:8765 --out docs/img

It resets the passwords of the demo users `pendata`, `analis` and `lurah` (with `tepat password`, in the
same TEPAT_HOME), and it CHANGES the demo data the way a user would: the enumerator sends a second visit for
the family of the oldest pending request, proposing another address, so the musyawarah page shows a
conflicting pair. Run it on a throwaway demo only. Writes verivali-*.png (PNG, cropped to the relevant part).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}  # the main column is at most 1300 px wide
USERS = ("pendata", "analis", "lurah")


def passwords(tepat: str) -> dict[str, str]:
    """New passwords for the demo users, through the CLI the operator would use."""
    found = {}
    for name in USERS:
        out = subprocess.run([tepat, "password", name], check=True, capture_output=True, text=True).stdout
        match = re.search(rf"^{name}: (\S+)$", out, re.MULTILINE)
        if match is None:
            sys.exit(f"tepat password {name}: unexpected output {out!r}")
        found[name] = match.group(1)
    return found


def pending_with_address() -> tuple[int, int]:
    """(campaign id, family id) of the oldest open request that proposes a new address (read from the demo DB)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepat.settings")
    import django

    django.setup()
    from tepat.verivali.models import ChangeLine

    line = (
        ChangeLine.objects.filter(field="alamat", request__status="pending", request__family__isnull=False)
        .select_related("request")
        .order_by("request__created_at", "request_id")
        .first()
    )
    if line is None:
        sys.exit("No pending request with an address correction in this demo: run `tepat demo` on a fresh TEPAT_HOME.")
    return line.request.campaign_id, line.request.family_id


def login(page, url: str, name: str, password: str, target: str) -> None:
    page.goto(f"{url}/login/?next={target}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def clip_between(page, top_selector: str, bottom_selector: str, margin: int = 12, across: str = "main") -> dict:
    """Page coordinates (for a full-page shot) from the top of one element to the bottom of another,
    across the width of `across`."""
    scroll = page.evaluate("window.scrollY")
    top = page.locator(top_selector).first.bounding_box()
    bottom = page.locator(bottom_selector).first.bounding_box()
    column = page.locator(across).first.bounding_box()
    y = max(top["y"] + scroll - margin, 0)
    x = max(column["x"] - margin, 0)
    width = min(column["width"] + 2 * margin, page.viewport_size["width"] - x)
    return {"x": x, "y": y, "width": width, "height": bottom["y"] + scroll + bottom["height"] + margin - y}


def shoot(page, path: Path, top_selector: str, bottom_selector: str, across: str = "main") -> None:
    page.screenshot(path=path, full_page=True, clip=clip_between(page, top_selector, bottom_selector, across=across))


def tiny_png() -> bytes:
    """A small synthetic photo for the file input (no real house in the docs)."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (205, 190, 160))
    ImageDraw.Draw(image).rectangle((60, 80, 260, 220), fill=(150, 110, 80))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def phone_shots(browser, url: str, password: str, out: Path, campaign: int, family: int) -> None:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 2.9651, "longitude": 99.7987},
        permissions=["geolocation"],
    )
    page = context.new_page()
    login(page, url, "pendata", password, "/verivali/tugas/")
    page.screenshot(path=out / "verivali-tugas.png")

    page.click(".vv-family:not(.vv-done)")  # the first family not yet visited
    page.wait_for_selector("[data-testid=visit-form]")
    page.click("[data-testid=kriteria-ya]")
    shoot(
        page,
        out / "verivali-form-keberadaan.png",
        ".vv-phone h1",
        "fieldset:has([data-testid=kriteria-ya])",
        across="body",
    )

    page.click("summary:has-text('Identitas dan alamat')")
    page.fill("input[name=f_alamat]", "Jl. Sudirman Gg. Melati No. 7")
    page.select_option("select[name$=_keberadaan] >> nth=-1", "pindah")
    page.fill("input[name$=_keterangan] >> nth=-1", "pindah ke Medan, Juni 2026")
    shoot(
        page,
        out / "verivali-form-perbaikan.png",
        "[data-testid^=member-]:has(select) >> nth=-1",
        "details:has-text('Identitas dan alamat')",
        across="body",
    )

    page.click("[data-testid=cl-lantai_tanah]")
    page.click("[data-testid=cl-dinding_buruk]")
    page.set_input_files(
        "[data-testid=photo-depan_rumah]", files=[{"name": "rumah.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.click("[data-gps]")
    page.wait_for_function("document.querySelector('input[name=gps_lat]').value !== ''")
    shoot(
        page,
        out / "verivali-form-foto.png",
        "fieldset:has([data-testid=cl-lantai_tanah])",
        "[data-testid=visit-submit]",
        across="body",
    )

    # A second visit to a family that already has a pending address correction: it becomes a conflict.
    page.goto(f"{url}/verivali/{campaign}/kunjungan/{family}/")
    page.click("[data-testid=kriteria-ya]")
    page.click("summary:has-text('Identitas dan alamat')")
    page.fill("input[name=f_alamat]", "Jl. Bakti No. 138")
    page.click("[data-testid=visit-submit]")
    page.wait_for_selector("[data-testid=visit-done]")
    context.close()


def campaign_shot(browser, url: str, password: str, out: Path, campaign: int) -> None:
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    login(page, url, "analis", password, f"/verivali/{campaign}/?by=enumerator")
    shoot(page, out / "verivali-kampanye.png", "main h1", "[data-testid=assign-form]")
    shoot(
        page,
        out / "verivali-tutup.png",
        "[data-testid=close-campaign]",
        "[data-testid=close-campaign]",
        across="[data-testid=close-campaign]",
    )
    context.close()


def musyawarah_shot(browser, url: str, password: str, out: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    login(page, url, "lurah", password, "/verivali/musyawarah/")
    cards = page.locator("article.vv-request")
    shoot(
        page,
        out / "verivali-musyawarah.png",
        "h2:has-text('Usulan yang menunggu')",
        f"article.vv-request >> nth={min(cards.count(), 3) - 1}",
    )
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--tepat", default=str(Path(sys.executable).with_name("tepat")), help="the tepat command")
    args = parser.parse_args()
    if "TEPAT_HOME" not in os.environ:
        sys.exit("Set TEPAT_HOME to the demo's home (the one `tepat serve` uses).")
    args.out.mkdir(parents=True, exist_ok=True)
    secret = passwords(args.tepat)
    campaign, family = pending_with_address()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        phone_shots(browser, args.url, secret["pendata"], args.out, campaign, family)
        campaign_shot(browser, args.url, secret["analis"], args.out, campaign)
        musyawarah_shot(browser, args.url, secret["lurah"], args.out)
        browser.close()
    for path in sorted(args.out.glob("verivali-*.png")):
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()

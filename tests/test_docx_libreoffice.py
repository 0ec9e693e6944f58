"""Every DOCX Tepat writes, opened by LibreOffice (Debian's libreoffice-writer) and printed to PDF: no word of
the document is split across lines (column widths fitted to the text on portrait A4), and a letter's signature
lines stay whole. Checked on the PDF's text with pdftotext (poppler-utils).

scripts/test.sh installs both when root. Elsewhere the test is skipped when they are missing, but never in CI.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest

from tests.test_meetings_documents import next_rakor  # noqa: F401  (fixture)
from tests.test_meetings import held_rakor, opds  # noqa: F401  (fixtures)
from tests.test_reports import live  # noqa: F401  (fixture)
from tests.test_verivali_handback import decided  # noqa: F401  (fixture)
from tests.verivali_support import vv  # noqa: F401  (fixture)

TOOLS = shutil.which("soffice"), shutil.which("pdftotext")
if not all(TOOLS) and not os.environ.get("CI"):
    pytest.skip(
        "LibreOffice (soffice) or pdftotext missing: apt-get install -y libreoffice-writer poppler-utils",
        allow_module_level=True,
    )

EDGE = re.compile(r"^[^\w*]+|[^\w*]+$")


def words(text: str) -> set[str]:
    """Words of 3 characters or more, without the punctuation around them."""
    found = {EDGE.sub("", token) for token in text.split()}
    return {w for w in found if len(w) >= 3}


def docx_words(data: bytes) -> set[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return words("\n".join(texts))


def printed(documents: dict[str, bytes], tmp_path: Path) -> dict[str, str]:
    """name -> the text pdftotext reads from LibreOffice's PDF of that DOCX (one soffice run for all)."""
    for name, data in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            TOOLS[0],
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *[str(tmp_path / f"{name}.docx") for name in documents],
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    texts = {}
    for name in documents:
        out = subprocess.run(
            [TOOLS[1], "-layout", str(tmp_path / f"{name}.pdf"), "-"], check=True, capture_output=True, timeout=60
        )
        texts[name] = out.stdout.decode("utf-8")
    return texts


def assert_unbroken(documents: dict[str, bytes], tmp_path: Path) -> dict[str, str]:
    texts = printed(documents, tmp_path)
    for name, data in documents.items():
        missing = docx_words(data) - words(texts[name])
        assert not missing, f"{name}: words split or lost in LibreOffice's PDF: {sorted(missing)[:20]}"
    return texts


def test_the_berita_acara_prints_every_word_whole(decided, tmp_path):
    from tepat.verivali.documents import berita_acara_docx

    _, meeting, _ = decided
    texts = assert_unbroken({"berita-acara": berita_acara_docx(meeting)}, tmp_path)
    assert "DISETUJUI" in texts["berita-acara"] and "DITOLAK" in texts["berita-acara"]


def test_the_meeting_documents_print_every_word_whole_and_the_signature_on_its_lines(next_rakor, tmp_path):
    from tepat.meetings.documents import daftar_hadir_docx, letter_settings, notulen_docx, undangan_docx

    meeting, later, _ = next_rakor
    documents = {
        "notulen": notulen_docx(meeting),
        "daftar-hadir": daftar_hadir_docx(meeting),
        "undangan": undangan_docx(later, letter_date=date(2026, 12, 1)),
    }
    texts = assert_unbroken(documents, tmp_path)
    letter = letter_settings()
    lines = [line.strip() for line in texts["undangan"].splitlines()]
    assert any(line.endswith(letter["penandatangan_nama"]) for line in lines), "the signer's name wrapped"
    for part in letter["penandatangan_jabatan"].split("\n"):
        assert any(line.endswith(part.strip()) for line in lines), f"signature line wrapped: {part}"
    assert "____" not in texts["undangan"]  # the letterhead rule is a border, not underscores that wrap


def test_the_reports_print_every_word_whole(live, client, tmp_path):
    client.force_login(live["analyst"])
    year = date.today().year
    documents = {
        "lp2kd": client.get("/laporan/lp2kd.docx", {"periode": str(year)}).content,
        "periodik": client.get("/laporan/periodik.docx", {"periode": f"{year}-Q1"}).content,
    }
    texts = assert_unbroken(documents, tmp_path)
    assert "Persentase" in texts["lp2kd"] or "persentase" in texts["lp2kd"].lower()


def test_fitted_widths_give_every_column_its_longest_word():
    from tepat.reports.render import TEXT_WIDTH_CM, fit_widths, text_width_cm

    header = [
        "No",
        "Kepala keluarga",
        "Alamat",
        "No KK",
        "Temuan kunjungan",
        "Perubahan diusulkan",
        "Keputusan",
        "Alasan",
    ]
    rows = [
        (
            1,
            "SISWANTO",
            "Jl. Sudirman No. 12 RT 003/RW 002",
            "127405******0007",
            "terkonfirmasi",
            "jenis lantai: Tanah → Keramik/Granit/Marmer/Ubin/Tegel/Teraso",
            "DITOLAK",
            "foto tidak jelas",
        )
    ]
    fit = fit_widths(header, rows)
    widths, size = fit.widths, fit.size
    assert fit.fits and abs(sum(widths) - TEXT_WIDTH_CM) < 1e-6 and 7 <= size <= 10.5
    for column, width in enumerate(widths):
        texts = [header[column], str(rows[0][column])]
        longest = max(text_width_cm(w, size, bold=i == 0) for i, t in enumerate(texts) for w in t.split())
        assert width >= longest, (header[column], width, longest)

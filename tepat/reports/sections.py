"""Report sections, each defined once: what it collects, how it prints in the PDF (a template partial
`reports/sections/<key>.html`) and how it writes into a DOCX. Documents are lists of section keys
(`tepat.reports.documents.DOCUMENTS`), so the briefing pack and the LP2KD print identical figures.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from tepat.reports import figures
from tepat.reports.formatting import decimal as number, percent, rupiah, share
from tepat.reports.periods import Period
from tepat.reports.render import DocxBuilder


@dataclass
class ReportContext:
    """What every section may use: the acting user (scope), the period and the written texts."""

    user: object
    period: Period
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    collect: Callable[[ReportContext], dict]
    docx: Callable[[DocxBuilder, dict], None]

    @property
    def template(self) -> str:
        return f"reports/sections/{self.key}.html"


# ---------------------------------------------------------------- headline indicators
def _headline(context: ReportContext) -> dict:
    return {"rows": figures.headline()}


def _headline_docx(doc: DocxBuilder, data: dict) -> None:
    doc.table(["Indikator", "Wilayah", "Terakhir", "Target", "Selisih (poin)", "Selisih (jiwa)", "Penurunan/tahun", "Status"],
              [(r["indikator"], r["wilayah"], f'{number(r.get("terakhir"))} ({r.get("tahun_terakhir", "-")})',
                f'{number(r["target"])} ({r["tahun_target"]}, {r["dasar_hukum"]})', number(r.get("selisih_poin")),
                number(r.get("selisih_jiwa"), 0), number(r.get("penurunan_per_tahun")), r.get("status") or r["masalah"]) for r in data["rows"]])


# ---------------------------------------------------------------- programs
def _programs(context: ReportContext) -> dict:
    rows = figures.program_rows(context.period)
    return {"rows": rows, "groups": figures.by_strategy_and_opd(rows),
            "total_rp": sum((r["realisasi_rp"] for r in rows), Decimal(0))}


def _programs_docx(doc: DocxBuilder, data: dict) -> None:
    doc.table(["Strategi", "OPD", "Program", "Keluarga layak", "Layak & terlayani", "Cakupan", "Keluarga (periode)", "Realisasi"],
              [(r["strategi"], r["opd"], r["program"], r["layak"], r["terlayani_layak"],
                share(r["cakupan"]), r["keluarga_periode"], rupiah(r["realisasi_rp"]))
               for r in data["rows"]])
    doc.paragraph(f'Total realisasi anggaran pada periode ini: {rupiah(data["total_rp"])}.', bold=True)
    doc.table(["Strategi", "OPD", "Jumlah program", "Keluarga (periode)", "Realisasi"],
              [(g["strategi"], g["opd"], g["program"], g["keluarga_periode"], rupiah(g["realisasi_rp"])) for g in data["groups"]])


# ---------------------------------------------------------------- the extreme poor
def _extreme(context: ReportContext) -> dict:
    return figures.extreme_poor_coverage()


def _extreme_docx(doc: DocxBuilder, data: dict) -> None:
    doc.paragraph(f'Keluarga desil 1 (miskin ekstrem) di registri: {data["miskin_ekstrem"]}; menerima program dari ketiga strategi: '
                  f'{data["konvergen"]} ({percent(data["persen_konvergen"])}); belum menerima program apa pun: {data["tanpa_program"]}.')
    doc.table(["Strategi", "Keluarga miskin ekstrem yang terlayani"], [(r["strategi"], r["keluarga"]) for r in data["per_strategi"]])


# ---------------------------------------------------------------- written sections
def _written(key: str) -> Callable[[ReportContext], dict]:
    return lambda context: {"text": context.texts.get(key, "")}


def _written_docx(doc: DocxBuilder, data: dict) -> None:
    for paragraph in (data["text"] or "(belum diisi)").split("\n\n"):
        doc.paragraph(paragraph.strip())


SECTIONS: dict[str, Section] = {s.key: s for s in [
    Section("headline", "Indikator utama dan status target", _headline, _headline_docx),
    Section("programs", "Program, cakupan dan realisasi per strategi dan OPD", _programs, _programs_docx),
    Section("extreme", "Cakupan keluarga miskin ekstrem", _extreme, _extreme_docx),
    Section("permasalahan", "Permasalahan dan kendala", _written("permasalahan"), _written_docx),
    Section("rekomendasi", "Rekomendasi dan rencana tindak lanjut", _written("rekomendasi"), _written_docx),
]}


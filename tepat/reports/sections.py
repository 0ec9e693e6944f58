"""Report sections, each defined once: what it collects, how it prints in the PDF (a template partial
`reports/sections/<key>.html`) and how it writes into a DOCX. Documents are lists of section keys
(`tepat.reports.documents.DOCUMENTS`), so the briefing pack and the LP2KD print identical figures.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from tepat.charts import png, svg
from tepat.charts.indicators import trend_chart
from tepat.indicators import official
from tepat.pockets.maps import rendered
from tepat.pockets.measures import pockets
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
class Column:
    label: str
    key: str
    show: Callable[[object], str] = str  # how the DOCX prints it; the xlsx keeps the raw value


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: list[dict]


@dataclass(frozen=True)
class Section:
    """`collect` gathers the data once; `lines` and `tables` say what the DOCX and the xlsx show of it
    (the PDF template `reports/sections/<key>.html` shows the same data)."""

    key: str
    title: str
    collect: Callable[[ReportContext], dict]
    tables: Callable[[dict], list[Table]] = lambda data: []
    lines: Callable[[dict], list[str]] = lambda data: []
    pictures: Callable[[dict], list[bytes]] = lambda data: []  # PNGs for the DOCX (the PDF embeds the SVGs)

    @property
    def template(self) -> str:
        return f"reports/sections/{self.key}.html"

    def docx(self, doc: DocxBuilder, data: dict) -> None:
        for line in self.lines(data):
            doc.paragraph(line)
        for picture in self.pictures(data):
            doc.picture(picture)
        for table in self.tables(data):
            doc.paragraph(table.name, bold=True)
            doc.table([c.label for c in table.columns], [[c.show(row.get(c.key)) for c in table.columns] for row in table.rows])


def _text(value) -> str:
    return "-" if value in (None, "") else str(value)


# ---------------------------------------------------------------- headline indicators
def _headline(context: ReportContext) -> dict:
    return {"rows": figures.headline()}


HEADLINE = (Column("Indikator", "indikator"), Column("Wilayah", "wilayah"), Column("Tahun data", "tahun_terakhir", _text),
            Column("Nilai terakhir", "terakhir", number), Column("Target", "target", number), Column("Tahun target", "tahun_target"),
            Column("Dasar hukum", "dasar_hukum"), Column("Selisih (poin)", "selisih_poin", number),
            Column("Selisih (jiwa)", "selisih_jiwa", lambda v: number(v, 0)), Column("Penurunan per tahun", "penurunan_per_tahun", number),
            Column("Status", "status", _text))


def _headline_tables(data: dict) -> list[Table]:
    return [Table("Indikator dan target", HEADLINE, data["rows"])]


def _headline_lines(data: dict) -> list[str]:
    return [line for row in data["rows"] for line in row.get("penjelasan", [])]


# ---------------------------------------------------------------- programs
def _programs(context: ReportContext) -> dict:
    rows = figures.program_rows(context.period)
    return {"rows": rows, "groups": figures.by_strategy_and_opd(rows),
            "total_rp": sum((r["realisasi_rp"] for r in rows), Decimal(0))}


PROGRAMS = (Column("Strategi", "strategi"), Column("OPD", "opd"), Column("Program", "program"), Column("Keluarga layak", "layak"),
            Column("Layak & terlayani", "terlayani_layak"), Column("Cakupan", "cakupan", share),
            Column("Keluarga (periode)", "keluarga_periode"), Column("Realisasi (Rp)", "realisasi_rp", rupiah))
GROUPS = (Column("Strategi", "strategi"), Column("OPD", "opd"), Column("Jumlah program", "program"),
          Column("Keluarga (periode)", "keluarga_periode"), Column("Realisasi (Rp)", "realisasi_rp", rupiah))


def _programs_tables(data: dict) -> list[Table]:
    return [Table("Program", PROGRAMS, data["rows"]), Table("Per strategi dan OPD", GROUPS, data["groups"])]


def _programs_lines(data: dict) -> list[str]:
    return [f'Total realisasi anggaran pada periode ini: {rupiah(data["total_rp"])}.']


# ---------------------------------------------------------------- the extreme poor
def _extreme(context: ReportContext) -> dict:
    return figures.extreme_poor_coverage()


def _extreme_tables(data: dict) -> list[Table]:
    return [Table("Miskin ekstrem per strategi", (Column("Strategi", "strategi"), Column("Keluarga terlayani", "keluarga")),
                  data["per_strategi"])]


def _extreme_lines(data: dict) -> list[str]:
    return [f'Keluarga desil 1 (miskin ekstrem) di registri: {data["miskin_ekstrem"]}; menerima program dari ketiga strategi: '
            f'{data["konvergen"]} ({percent(data["persen_konvergen"])}); belum menerima program apa pun: {data["tanpa_program"]}.']


# ---------------------------------------------------------------- charts and maps (the pages' own definitions)
def _trend(context: ReportContext) -> dict:
    charts = [trend_chart(t["points"], t["targets"], title=t["title"]) for t in official.city_trends()]
    return {"charts": charts, "svgs": [svg(chart) for chart in charts]}


def _pockets(context: ReportContext) -> dict:
    result = pockets(context.user, "desil1")
    top = [row for row in result.rows if row.rank is not None][:10]
    return {"svg": rendered(result, "peta"), "hotspot_svg": rendered(result, "hotspot"), "result": result,
            "top": [{"peringkat": r.rank, "kelurahan": r.name, "kecamatan": r.kecamatan, "keluarga": r.families, "nilai": r.value}
                    for r in top]}


def _pockets_pictures(data: dict) -> list[bytes]:
    return [picture for picture in (rendered(data["result"], "peta", "png"), rendered(data["result"], "hotspot", "png")) if picture]


POCKETS = (Column("Peringkat", "peringkat"), Column("Kelurahan", "kelurahan"), Column("Kecamatan", "kecamatan"),
           Column("Keluarga", "keluarga"), Column("Keluarga desil 1 (%)", "nilai", number))


# ---------------------------------------------------------------- written sections
def _written(key: str) -> Callable[[ReportContext], dict]:
    return lambda context: {"text": context.texts.get(key, "")}


def _written_lines(data: dict) -> list[str]:
    return [paragraph.strip() for paragraph in (data["text"] or "(belum diisi)").split("\n\n")]


SECTIONS: dict[str, Section] = {s.key: s for s in [
    Section("headline", "Indikator utama dan status target", _headline, _headline_tables, _headline_lines),
    Section("programs", "Program, cakupan dan realisasi per strategi dan OPD", _programs, _programs_tables, _programs_lines),
    Section("extreme", "Cakupan keluarga miskin ekstrem", _extreme, _extreme_tables, _extreme_lines),
    Section("trend", "Tren kemiskinan dan target", _trend, pictures=lambda data: [png(chart) for chart in data["charts"]]),
    Section("pockets", "Kantong kemiskinan: sebaran keluarga desil 1 per kelurahan", _pockets,
            lambda data: [Table("Sepuluh kelurahan teratas", POCKETS, data["top"])], pictures=_pockets_pictures),
    Section("permasalahan", "Permasalahan dan kendala", _written("permasalahan"), lines=_written_lines),
    Section("rekomendasi", "Rekomendasi dan rencana tindak lanjut", _written("rekomendasi"), lines=_written_lines),
]}

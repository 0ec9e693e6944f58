"""Report sections, each defined once: what it collects, how it prints in the PDF (a template partial
`reports/sections/<key>.html`) and how it writes into a DOCX. Documents are lists of section keys
(`tepat.reports.documents.DOCUMENTS`), so the briefing pack and the LP2KD print identical figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal

from tepat.charts import png, svg
from tepat.charts.indicators import trend_chart
from tepat.engine import convergence as cv
from tepat.indicators import official
from tepat.meetings.queries import compliance, decisions_followed_up, open_action_items, open_items_by_opd
from tepat.meetings.tables import action_items_frame, compliance_frame, follow_up_frame, open_by_opd_frame
from tepat.pockets.maps import rendered
from tepat.pockets.measures import pockets
from tepat.programs.gaps import gap_inputs
from tepat.reports import figures
from tepat.reports.formatting import decimal as number, percent, rupiah, share
from tepat.reports.periods import Period
from tepat.reports.render import DocxBuilder
from tepat.verivali.progress import campaign_progress, progress_frame, totals


@dataclass
class ReportContext:
    """What every section may use: the acting user (scope), the period, the written texts and the
    city-wide gap inputs."""

    user: object
    period: Period
    texts: dict[str, str] = field(default_factory=dict)

    @cached_property
    def gaps(self) -> cv.Inputs:
        """`gap_inputs(None)`, computed on first use and shared by the sections of one document (programs, extreme)."""
        return gap_inputs(None)


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

    @property
    def cells(self) -> list[list[str]]:
        """The rows as printed (the PDF's generic table template and the DOCX use it)."""
        return [[c.show(row.get(c.key)) for c in self.columns] for row in self.rows]


def frame_table(name: str, frame) -> Table:
    """A polars frame with printable column names (e.g. tepat.meetings.tables) as a report table."""
    return Table(name, tuple(Column(column, column, _text) for column in frame.columns), frame.to_dicts())


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
            doc.table([c.label for c in table.columns], table.cells)


def _text(value) -> str:
    return "-" if value in (None, "") else str(value)


# ---------------------------------------------------------------- headline indicators
def _headline(context: ReportContext) -> dict:
    return {"rows": figures.headline()}


HEADLINE = (
    Column("Indikator", "indikator"),
    Column("Wilayah", "wilayah"),
    Column("Tahun data", "tahun_terakhir", _text),
    Column("Nilai terakhir", "terakhir", number),
    Column("Target", "target", number),
    Column("Tahun target", "tahun_target"),
    Column("Dasar hukum", "dasar_hukum"),
    Column("Selisih (poin)", "selisih_poin", number),
    Column("Selisih (jiwa)", "selisih_jiwa", lambda v: number(v, 0)),
    Column("Penurunan per tahun", "penurunan_per_tahun", number),
    Column("Status", "status", _text),
)


def _headline_tables(data: dict) -> list[Table]:
    return [Table("Indikator dan target", HEADLINE, data["rows"])]


def _headline_lines(data: dict) -> list[str]:
    return [line for row in data["rows"] for line in row.get("penjelasan", [])]


# ---------------------------------------------------------------- programs
def _programs(context: ReportContext) -> dict:
    rows = figures.program_rows(context.period, context.gaps)
    return {
        "rows": rows,
        "groups": figures.by_strategy_and_opd(rows),
        "total_rp": sum((r["realisasi_rp"] for r in rows), Decimal(0)),
    }


PROGRAMS = (
    Column("Strategi", "strategi"),
    Column("OPD", "opd"),
    Column("Program", "program"),
    Column("Keluarga layak", "layak"),
    Column("Layak & terlayani", "terlayani_layak"),
    Column("Cakupan", "cakupan", share),
    Column("Keluarga (periode)", "keluarga_periode"),
    Column("Realisasi (Rp)", "realisasi_rp", rupiah),
)
GROUPS = (
    Column("Strategi", "strategi"),
    Column("OPD", "opd"),
    Column("Jumlah program", "program"),
    Column("Keluarga (periode)", "keluarga_periode"),
    Column("Realisasi (Rp)", "realisasi_rp", rupiah),
)


def _programs_tables(data: dict) -> list[Table]:
    return [Table("Program", PROGRAMS, data["rows"]), Table("Per strategi dan OPD", GROUPS, data["groups"])]


def _programs_lines(data: dict) -> list[str]:
    return [f"Total realisasi anggaran pada periode ini: {rupiah(data['total_rp'])}."]


# ---------------------------------------------------------------- the extreme poor
def _extreme(context: ReportContext) -> dict:
    return figures.extreme_poor_coverage(context.gaps)


def _extreme_tables(data: dict) -> list[Table]:
    return [
        Table(
            "Miskin ekstrem per strategi",
            (Column("Strategi", "strategi"), Column("Keluarga terlayani", "keluarga")),
            data["per_strategi"],
        )
    ]


def _extreme_lines(data: dict) -> list[str]:
    return [
        f"Keluarga desil 1 (miskin ekstrem) di registri: {data['miskin_ekstrem']}; menerima program dari ketiga strategi: "
        f"{data['konvergen']} ({percent(data['persen_konvergen'])}); belum menerima program apa pun: {data['tanpa_program']}."
    ]


# ---------------------------------------------------------------- charts and maps (the pages' own definitions)
def _trend(context: ReportContext) -> dict:
    charts = [trend_chart(t["points"], t["targets"], title=t["title"]) for t in official.city_trends()]
    return {"charts": charts, "svgs": [svg(chart) for chart in charts]}


def _pockets(context: ReportContext) -> dict:
    result = pockets(context.user, "desil1")
    top = [row for row in result.rows if row.rank is not None][:10]
    return {
        "svg": rendered(result, "peta"),
        "hotspot_svg": rendered(result, "hotspot"),
        "result": result,
        "top": [
            {
                "peringkat": r.rank,
                "kelurahan": r.name,
                "kecamatan": r.kecamatan,
                "keluarga": r.families,
                "nilai": r.value,
            }
            for r in top
        ],
    }


def _pockets_pictures(data: dict) -> list[bytes]:
    return [
        picture
        for picture in (rendered(data["result"], "peta", "png"), rendered(data["result"], "hotspot", "png"))
        if picture
    ]


POCKETS = (
    Column("Peringkat", "peringkat"),
    Column("Kelurahan", "kelurahan"),
    Column("Kecamatan", "kecamatan"),
    Column("Keluarga", "keluarga"),
    Column("Keluarga desil 1 (%)", "nilai", number),
)


# ---------------------------------------------------------------- verivali and rakor (their apps' own tables)
def _verivali(context: ReportContext) -> dict:
    rows = campaign_progress(by="kelurahan", user=context.user)
    return {"totals": totals(rows), "tables": [frame_table("Kemajuan verivali per kelurahan", progress_frame(rows))]}


def _verivali_lines(data: dict) -> list[str]:
    t = data["totals"]
    return [
        f"Keluarga ditugaskan {t['assigned']}, dikunjungi {t['visited']}; usulan perubahan disetujui {t['approved']}, ditolak "
        f"{t['rejected']}, menunggu musyawarah {t['pending']}. Temuan: {t['meninggal']} meninggal, {t['pindah']} pindah, "
        f"{t['tidak_ditemukan']} tidak ditemukan, {t['sudah_mampu']} sudah mampu, {t['ganda']} ganda, {t['usulan_baru']} usulan baru."
    ]


def _rakor(context: ReportContext) -> dict:
    year = context.period.start.year
    held = compliance(year, today=min(date.today(), context.period.end))
    return {
        "compliance": held,
        "tables": [
            frame_table("Rakor per caturwulan", compliance_frame(held)),
            frame_table("Keputusan rapat dan tindak lanjutnya", follow_up_frame(decisions_followed_up(year))),
            frame_table("Tindak lanjut terbuka per OPD", open_by_opd_frame(open_items_by_opd())),
        ],
    }


def _rakor_lines(data: dict) -> list[str]:
    c = data["compliance"]
    due = f" Rakor berikutnya paling lambat {c.next_due:%d-%m-%Y}." if c.next_due else ""
    return [f"Rakor TKPKD terlaksana {c.held} kali dari minimal {c.minimum} kali setahun ({c.legal_basis}).{due}"]


def _actions(context: ReportContext) -> dict:
    return {
        "tables": [
            frame_table("Tindak lanjut terbuka per OPD", open_by_opd_frame(open_items_by_opd())),
            frame_table(
                "Daftar tindak lanjut terbuka",
                action_items_frame(open_action_items(), date.today()).select(
                    "Tindak lanjut", "OPD", "Rapat asal", "Batas waktu", "Status", "Hari terlambat"
                ),
            ),
        ]
    }


# ---------------------------------------------------------------- written sections
def _written(key: str) -> Callable[[ReportContext], dict]:
    return lambda context: {"text": context.texts.get(key, "")}


def _written_lines(data: dict) -> list[str]:
    return [paragraph.strip() for paragraph in (data["text"] or "(belum diisi)").split("\n\n")]


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        Section("headline", "Indikator utama dan status target", _headline, _headline_tables, _headline_lines),
        Section(
            "programs",
            "Program, cakupan dan realisasi per strategi dan OPD",
            _programs,
            _programs_tables,
            _programs_lines,
        ),
        Section("extreme", "Cakupan keluarga miskin ekstrem", _extreme, _extreme_tables, _extreme_lines),
        Section(
            "trend",
            "Tren kemiskinan dan target",
            _trend,
            pictures=lambda data: [png(chart) for chart in data["charts"]],
        ),
        Section(
            "pockets",
            "Kantong kemiskinan: sebaran keluarga desil 1 per kelurahan",
            _pockets,
            lambda data: [Table("Sepuluh kelurahan teratas", POCKETS, data["top"])],
            pictures=_pockets_pictures,
        ),
        Section(
            "verivali",
            "Hasil verifikasi dan validasi (verivali) per kelurahan",
            _verivali,
            lambda data: data["tables"],
            _verivali_lines,
        ),
        Section(
            "rakor", "Rapat koordinasi dan tindak lanjut keputusan", _rakor, lambda data: data["tables"], _rakor_lines
        ),
        Section("actions", "Tindak lanjut rapat yang masih terbuka, per OPD", _actions, lambda data: data["tables"]),
        Section("permasalahan", "Permasalahan dan kendala", _written("permasalahan"), lines=_written_lines),
        Section("rekomendasi", "Rekomendasi dan rencana tindak lanjut", _written("rekomendasi"), lines=_written_lines),
    ]
}

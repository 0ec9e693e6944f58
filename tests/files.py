"""Small export files for tests, written the way the real exports are (title block, text NIKs)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

P3KE_HEADER = [
    "id_keluarga_p3ke",
    "provinsi",
    "kabupaten_kota",
    "kecamatan",
    "desa_kelurahan",
    "kode_kemdagri",
    "desil_kesejahteraan",
    "alamat",
    "id_individu",
    "nama",
    "nik",
    "padan_dukcapil",
    "jenis_kelamin",
    "hubungan_dengan_kepala_keluarga",
    "tanggal_lahir",
    "status_kawin",
    "pekerjaan",
    "pendidikan",
    "penerima_bpnt",
    "penerima_pkh",
    "jenis_lantai",
    "sumber_air_minum",
]
TITLE = [["DATA PENSASARAN P3KE"], ["KOTA TANJUNGBALAI"], []]


def person_row(
    family="P0001",
    nik="1274050101800001",
    name="Budi",
    sex="Laki-laki",
    relation="Kepala Keluarga",
    born="01-01-1980",
    desil="1",
    kode="1274051010",
    **overrides,
) -> dict[str, str]:
    row = {
        "id_keluarga_p3ke": family,
        "provinsi": "SUMATERA UTARA",
        "kabupaten_kota": "KOTA TANJUNGBALAI",
        "kecamatan": "DATUK BANDAR",
        "desa_kelurahan": "PANTAI JOHOR",
        "kode_kemdagri": kode,
        "desil_kesejahteraan": desil,
        "alamat": "Jl. Contoh No. 1",
        "id_individu": "I" + nik[-6:],
        "nama": name,
        "nik": nik,
        "padan_dukcapil": "Ya",
        "jenis_kelamin": sex,
        "hubungan_dengan_kepala_keluarga": relation,
        "tanggal_lahir": born,
        "status_kawin": "Kawin",
        "pekerjaan": "Nelayan",
        "pendidikan": "Tamat SD",
        "penerima_bpnt": "Ya",
        "penerima_pkh": "Tidak",
        "jenis_lantai": "Tanah",
        "sumber_air_minum": "Sumur Bor",
    }
    row.update(overrides)
    return row


def family_rows(family="P0001", kk_day="01", base=1, size=3, **overrides) -> list[dict[str, str]]:
    """A head, a wife and children with consistent NIKs (unique for distinct `base`)."""
    rows = [person_row(family, nik=f"127405010180{base:04d}", **overrides)]
    rows.append(
        person_row(
            family,
            nik=f"127405420285{base:04d}",
            name="Siti",
            sex="Perempuan",
            relation="Istri/Suami",
            born="02-02-1985",
            **overrides,
        )
    )
    for child in range(size - 2):
        rows.append(
            person_row(
                family,
                nik=f"12740503031{child}{base:04d}",
                name=f"Anak {child}",
                sex="Laki-laki",
                relation="Anak",
                born=f"03-03-201{child}",
                **{"status_kawin": "Belum Kawin", "pendidikan": "Masih SD", **overrides},
            )
        )
    return rows


def write_csv(
    path: Path, rows: list[dict[str, str]], header=P3KE_HEADER, delimiter=";", encoding="utf-8", title=True
) -> Path:
    lines = [delimiter.join(cells) for cells in (TITLE if title else [])]
    lines.append(delimiter.join(header))
    lines += [delimiter.join(str(row.get(h, "")) for h in header) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: list[dict[str, object]],
    header=P3KE_HEADER,
    title=True,
    numeric_nik_rows=(),
    start_row=0,
    start_col=0,
    merged_title=False,
    formulas: dict[tuple[int, str], object] | None = None,
) -> Path:
    """numeric_nik_rows: data-row indexes whose NIK is written as a number (as Excel does)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    row_at = start_row
    if title:
        if merged_title:
            sheet.merge_range(row_at, 0, row_at, len(header) - 1, "DATA PENSASARAN P3KE KOTA TANJUNGBALAI")
        else:
            sheet.write_string(row_at, start_col, "DATA PENSASARAN P3KE")
        row_at += 3
    sheet.write_row(row_at, start_col, header)
    for index, row in enumerate(rows):
        row_at += 1
        for col, name in enumerate(header, start=start_col):
            value = str(row.get(name, ""))
            if name == "nik" and index in numeric_nik_rows:
                sheet.write_number(row_at, col, float(value))
            elif formulas and (index, name) in formulas:
                spec = formulas[(index, name)]
                formula, cached = spec if isinstance(spec, tuple) else (spec, value)
                sheet.write_formula(row_at, col, formula, None, cached)
            elif value:
                sheet.write_string(row_at, col, value)
    book.close()
    return path

"""An export as ODK Central writes it (csv, or zip with the member repeat and media), from submission dicts.

Not used by the application: the ingest tests, the CLI tests and bench/verivali.py build their files with it,
so they all exercise the reader (tepat.verivali.odk.tables) on the same layout. Column paths are read from
the XLSForm rows, as ODK Central derives them.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from tepat.verivali.odk import form
from tepat.verivali.odk.xlsform import survey_rows


def form_paths() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(main fields, member repeat fields) -> group path, read from the XLSForm rows like ODK does."""
    main, members, stack = {}, {}, []
    for row in survey_rows():
        kind = row["type"]
        if kind in ("begin group", "begin repeat"):
            stack.append(row["name"])
        elif kind in ("end group", "end repeat"):
            stack.pop()
        else:
            (members if form.MEMBERS in stack else main)[row["name"]] = [*stack, row["name"]]
    main["instanceID"] = ["meta", "instanceID"]
    return main, members


def odk_header(path: list[str]) -> list[str]:
    """ODK Central: 'kunjungan-keluarga'; a geopoint is split into four columns."""
    if path[-1] == "gps":
        return ["-".join(path) + part for part in ("-Latitude", "-Longitude", "-Altitude", "-Accuracy")]
    return ["-".join(path)]


def odk_cells(path: list[str], value: str) -> list[str]:
    if path[-1] == "gps":
        return (value.split() + ["", "", "", ""])[:4] if value else ["", "", "", ""]
    return [value]


ODK_META_BEFORE = ["SubmissionDate"]
ODK_META_AFTER = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                  "ReviewState", "DeviceID", "Edits", "FormVersion"]


def odk_tables(submissions: list[dict], members: list[tuple[int, dict]]) -> tuple[str, str]:
    """(main csv, repeat csv) as ODK Central writes them (comma separated, PARENT_KEY links repeats)."""
    main_paths, member_paths = form_paths()
    main_out, member_out = io.StringIO(), io.StringIO()
    writer = csv.writer(main_out, lineterminator="\n")
    writer.writerow(ODK_META_BEFORE + [h for p in main_paths.values() for h in odk_header(p)] + ODK_META_AFTER)
    for sub in submissions:
        cells = [c for name, p in main_paths.items() for c in odk_cells(p, str(sub.get(name, "")))]
        writer.writerow([sub.get("SubmissionDate", "2026-11-28T02:15:00.000Z")] + cells +
                        [sub.get("instanceID", ""), "5", "pendata-hp", "0", "0", "", "received", "", "0", "1"])
    writer = csv.writer(member_out, lineterminator="\n")
    writer.writerow([p[-1] for p in member_paths.values()] + ["PARENT_KEY", "KEY"])
    for position, (index, member) in enumerate(members):
        parent = submissions[index]["instanceID"]
        writer.writerow([str(member.get(name, "")) for name in member_paths] + [parent, f"{parent}/anggota[{position + 1}]"])
    return main_out.getvalue(), member_out.getvalue()


def write_odk_csv(path: Path, submissions: list[dict]) -> Path:
    path.write_text(odk_tables(submissions, [])[0], encoding="utf-8")
    return path


def write_odk_zip(path: Path, submissions: list[dict], members: list[tuple[int, dict]] = (), media: dict[str, bytes] | None = None) -> Path:
    main, repeat = odk_tables(submissions, list(members))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tepat_verivali_1.csv", main)
        archive.writestr("tepat_verivali_1-anggota.csv", repeat)
        for name, content in (media or {}).items():
            archive.writestr(f"media/{name}", content)
    return path


def submission(family_id: int, key: str, **values) -> dict:
    base = {"pendata": "enumerator", "jenis_kunjungan": form.REGISTERED, "keluarga": str(family_id), "versi_awal": "1",
            "keberadaan": "terkonfirmasi", "memenuhi_kriteria": "ya", "gps": "2.9655 99.8010 3.0 6.5",
            "kk_tidak_bekerja": "ya", "lantai_tanah": "tidak", "instanceID": key}
    base.update(values)
    return base

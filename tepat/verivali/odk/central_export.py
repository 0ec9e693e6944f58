"""Submission exports laid out as ODK Central writes them, from submission dicts. Test and bench fixtures.

Not used by the application: the ingest tests, the CLI tests and bench/verivali.py build their files with it.
Followed (read, not copied): getodk/central-backend `lib/data/briefcase.js` (`streamBriefcaseCsvs`) and
`test/unit/data/briefcase.js`, `lib/resources/submissions.js` (csv / csv.zip endpoints) and
`lib/data/attachments.js`, at commit 4f5943d1 (August 2026); see docs/verivali.md.

What Central writes:
- the root table `<formId>.csv`: `SubmissionDate`, then every non-repeat field in form order with its group
  path joined by `-` (a geopoint as four columns `-Latitude/-Longitude/-Altitude/-Accuracy`; `meta-instanceID`
  and `meta-instanceName` last, where pyxform puts `meta`), then `KEY, SubmitterID, SubmitterName,
  AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID, Edits, FormVersion`. With "Remove group
  names" (`groupPaths=false`) a column is the bare field name.
- `KEY` is the logical submission: the first version's instanceID. After an edit `meta-instanceID` is the new
  version's id, `Edits` counts the edits and `ReviewState` becomes `edited`; `ReviewState` is empty until someone
  reviews (`hasIssues`, `edited`, `approved`, `rejected`). Central's csv has no deprecatedID column (the XLSForm
  does not declare `meta/deprecatedID`); `deprecated_column=True` adds one as a form that declares it would get.
- each repeat `<formId>-<repeat>.csv`: its fields, `PARENT_KEY` (the submission's KEY) and `KEY`
  (`<KEY>/anggota[<n>]`, n counted per submission).
- rows newest first (`ORDER BY createdAt DESC`); `SubmissionDate` is when the first version arrived.
- the zip "All data and attachments" adds `media/<file>`; the csv.zip without attachments has only the csv
  files; `<formId>.csv` alone (root only) has no repeat at all.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tepat.verivali.odk import form
from tepat.verivali.odk.xlsform import survey_rows

FORM_ID = "tepat_verivali_1"
GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
CENTRAL_META = [
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def form_paths() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(main fields, member repeat fields) -> group path (repeat fields relative to the repeat), form order.

    `meta/instanceID` and `meta/instanceName` come last, as pyxform appends the meta block."""
    main, members, stack = {}, {}, []
    for row in survey_rows():
        kind = row["type"]
        if kind in ("begin group", "begin repeat"):
            stack.append(row["name"])
        elif kind in ("end group", "end repeat"):
            stack.pop()
        elif form.MEMBERS in stack:
            members[row["name"]] = stack[stack.index(form.MEMBERS) + 1 :] + [row["name"]]
        else:
            main[row["name"]] = [*stack, row["name"]]
    main["instanceID"] = ["meta", "instanceID"]
    main["instanceName"] = ["meta", "instanceName"]
    return main, members


def is_geopoint(path: list[str]) -> bool:
    return path[-1] == "gps"


def central_header(path: list[str], group_paths: bool = True) -> list[str]:
    base = "-".join(path) if group_paths else path[-1]
    return [f"{base}-{part}" for part in GEO_PARTS] if is_geopoint(path) else [base]


def central_cells(path: list[str], value: str) -> list[str]:
    if is_geopoint(path):
        return (value.split() + ["", "", "", ""])[:4]
    return [value]


@dataclass(frozen=True)
class CentralOptions:
    group_paths: bool = True  # False = "Remove group names"
    newest_first: bool = True  # Central's order; False = oldest first
    deprecated_column: bool = False  # a form that declares meta/deprecatedID


def logical_key(sub: dict) -> str:
    return sub.get("KEY") or sub["instanceID"]


def _meta(sub: dict, attachments: tuple[int, int]) -> list[str]:
    return [
        logical_key(sub),
        str(sub.get("SubmitterID", "5")),
        sub.get("SubmitterName", "pendata-hp"),
        str(attachments[0]),
        str(attachments[1]),
        sub.get("Status", ""),
        sub.get("ReviewState", ""),
        sub.get("DeviceID", "collect:Xy12AbCd"),
        str(sub.get("Edits", 0)),
        sub.get("FormVersion", "202611010800"),
    ]


def _attachments(sub: dict, media: dict[str, bytes] | None) -> tuple[int, int]:
    names = [sub[f] for f in form.PHOTO_FIELDS.values() if sub.get(f)]
    return sum(1 for n in names if media is None or n in media), len(names)


def _order(submissions: list[dict], options: CentralOptions) -> list[int]:
    order = sorted(range(len(submissions)), key=lambda i: (submissions[i].get("SubmissionDate", ""), i))
    return order[::-1] if options.newest_first else order


def central_tables(
    submissions: list[dict],
    members=(),
    media: dict[str, bytes] | None = None,
    options: CentralOptions = CentralOptions(),
) -> tuple[str, str]:
    """(root csv, anggota csv) text as Central writes them. `members`: (submission index, member dict) pairs."""
    main_paths, member_paths = form_paths()
    if options.deprecated_column:
        main_paths["deprecatedID"] = ["meta", "deprecatedID"]
    main_out, member_out = io.StringIO(), io.StringIO()
    writer = csv.writer(main_out, lineterminator="\n")
    writer.writerow(
        ["SubmissionDate"]
        + [h for p in main_paths.values() for h in central_header(p, options.group_paths)]
        + CENTRAL_META
    )
    by_submission: dict[int, list[dict]] = {}
    for index, member in members:
        by_submission.setdefault(index, []).append(member)
    member_writer = csv.writer(member_out, lineterminator="\n")
    member_writer.writerow(
        [h for p in member_paths.values() for h in central_header(p, options.group_paths)] + ["PARENT_KEY", "KEY"]
    )
    for index in _order(submissions, options):
        sub = submissions[index]
        values = {**sub, "instanceName": sub.get("instanceName", f"{sub.get('pendata', '')} {sub.get('keluarga', '')}")}
        cells = [c for name, p in main_paths.items() for c in central_cells(p, str(values.get(name, "")))]
        writer.writerow(
            [sub.get("SubmissionDate", "2026-11-28T02:15:00.000Z")] + cells + _meta(sub, _attachments(sub, media))
        )
        for position, member in enumerate(by_submission.get(index, []), start=1):
            member_writer.writerow(
                [str(member.get(name, "")) for name in member_paths]
                + [logical_key(sub), f"{logical_key(sub)}/{form.MEMBERS}[{position}]"]
            )
    return main_out.getvalue(), member_out.getvalue()


def write_central_zip(
    path: Path,
    submissions: list[dict],
    members=(),
    media: dict[str, bytes] | None = None,
    options: CentralOptions = CentralOptions(),
) -> Path:
    """ "All data and attachments" (media given, possibly empty) or the csv.zip without attachments (media None)."""
    main, repeat = central_tables(submissions, list(members), media, options)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FORM_ID}.csv", main)
        archive.writestr(f"{FORM_ID}-{form.MEMBERS}.csv", repeat)
        for name, content in (media or {}).items():
            archive.writestr(f"media/{name}", content)
    return path


def write_central_csv(path: Path, submissions: list[dict], options: CentralOptions = CentralOptions()) -> Path:
    """The root-only `<formId>.csv` (no repeat rows)."""
    path.write_text(central_tables(submissions, (), None, options)[0], encoding="utf-8")
    return path


def odk_tables(submissions: list[dict], members) -> tuple[str, str]:
    return central_tables(submissions, members)


def write_odk_zip(path: Path, submissions: list[dict], members=(), media: dict[str, bytes] | None = None) -> Path:
    return write_central_zip(path, submissions, members, {} if media is None else media)


def write_odk_csv(path: Path, submissions: list[dict]) -> Path:
    return write_central_csv(path, submissions)


def submission(family_id: int, key: str, **values) -> dict:
    """A first-version submission of a registered family (instanceID = KEY = key)."""
    base = {
        "pendata": "enumerator",
        "jenis_kunjungan": form.REGISTERED,
        "keluarga": str(family_id),
        "versi_awal": "1",
        "keberadaan": "terkonfirmasi",
        "memenuhi_kriteria": "ya",
        "gps": "2.9655 99.8010 3.0 6.5",
        "kk_tidak_bekerja": "ya",
        "lantai_tanah": "tidak",
        "instanceID": key,
    }
    base.update(values)
    return base


def edited(sub: dict, new_instance: str, **changes) -> dict:
    """The same logical submission after an edit in Central: new meta-instanceID, KEY kept, Edits + 1."""
    return {
        **sub,
        **changes,
        "KEY": logical_key(sub),
        "instanceID": new_instance,
        "deprecatedID": sub["instanceID"],
        "Edits": int(sub.get("Edits", 0)) + 1,
        "ReviewState": changes.get("ReviewState", "edited"),
    }

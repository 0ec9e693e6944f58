"""The offline form and the reading of ODK Central / KoboToolbox exports, without a database.

The export files come from tepat.verivali.odk.central_export (ODK Central's layout) and kobo_export (formpack's).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tepat.verivali.odk import form, kobo_export
from tepat.verivali.odk.central_export import form_paths, submission, write_odk_csv, write_odk_zip
from tepat.verivali.odk.columns import SEPARATORS, field_key, parse_bool, parse_geopoint, parse_timestamp, strip_groups
from tepat.verivali.odk.mapping import RowProblem, cells_of, payload
from tepat.verivali.odk.tables import ExportUnreadable, read_export
from tepat.verivali.odk.xlsform import FormFamily, FormMember, FormSpec, xlsform_bytes

# --- export writers: tepat.verivali.odk.central_export (ODK Central) and kobo_export (KoboToolbox's formpack) ---


def write_kobo_xlsx(path: Path, submissions: list[dict], members=()) -> Path:
    """Kobo's xlsx with "include groups in headers" (`group/field`)."""
    return kobo_export.write_kobo_xlsx(path, submissions, members, kobo_export.KoboOptions(groups_in_headers=True))


def write_kobo_csv(path: Path, submissions: list[dict]) -> Path:
    return kobo_export.write_kobo_csv(path, submissions)


# --- column names ------------------------------------------------------------------------------------------

identifier = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


@given(path=st.lists(st.sampled_from(form.GROUPS), max_size=4), name=identifier, separator=st.sampled_from(SEPARATORS))
def test_a_field_has_the_same_key_under_any_group_path_and_separator(path, name, separator):
    if name.lower() in {g.lower() for g in form.GROUPS}:
        return  # a field named like a group is not in our form
    assert field_key(separator.join([*path, name]), form.GROUPS) == name.lower()


@given(
    path=st.lists(st.sampled_from(form.GROUPS), max_size=3),
    separator=st.sampled_from(SEPARATORS),
    part=st.sampled_from(["latitude", "longitude", "altitude", "precision"]),
)
def test_kobo_geopoint_columns_are_found_under_any_group_path(path, separator, part):
    """formpack writes `_gps_latitude`, or `lokasi/_gps_latitude` with groups in headers (any separator)."""
    column = separator.join([*path, f"_gps_{part}"])
    assert field_key(column, form.GROUPS) == f"gps_{'accuracy' if part == 'precision' else part}"


@given(column=st.text(max_size=40))
def test_field_key_is_idempotent_for_any_header(column):
    once = field_key(column, form.GROUPS)
    assert field_key(once, form.GROUPS) == once


@given(
    path=st.lists(st.sampled_from(form.GROUPS), max_size=3),
    name=st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
    part=st.sampled_from(["Latitude", "Longitude", "Altitude", "Accuracy"]),
)
def test_odk_and_kobo_geopoint_columns_meet(path, name, part):
    odk = field_key("-".join([*path, name, part]), form.GROUPS)
    kobo = field_key(
        "_" + "/".join([*path, name]) + "_" + ("precision" if part == "Accuracy" else part.lower()), form.GROUPS
    )
    assert odk == kobo == f"{name}_{part.lower()}"


@given(st.lists(st.sampled_from(form.GROUPS), min_size=1, max_size=3))
def test_a_bare_group_name_is_not_stripped_to_nothing(path):
    column = "-".join(path)
    assert strip_groups(column, form.GROUPS)  # never empty


def test_metadata_columns_keep_their_names():
    keys = {
        c: field_key(c, form.GROUPS)
        for c in (
            "_id",
            "_uuid",
            "_submission_time",
            "_index",
            "SubmissionDate",
            "KEY",
            "PARENT_KEY",
            "meta-instanceID",
            "meta/instanceID",
            "__version__",
        )
    }
    assert keys == {
        "_id": "_id",
        "_uuid": "_uuid",
        "_submission_time": "_submission_time",
        "_index": "_index",
        "SubmissionDate": "submissiondate",
        "KEY": "key",
        "PARENT_KEY": "parent_key",
        "meta-instanceID": "instanceid",
        "meta/instanceID": "instanceid",
        "__version__": "__version__",
    }


# --- values ------------------------------------------------------------------------------------------------


@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180), accuracy=st.floats(0, 5000))
def test_a_geopoint_reads_back_what_odk_wrote(lat, lon, accuracy):
    point = parse_geopoint(f"{lat!r} {lon!r} 12.0 {accuracy!r}")
    assert point == {"lat": lat, "lon": lon, "accuracy": accuracy}


@pytest.mark.parametrize("text", ["2.9", "91 99.8", "2.9 x", "1 2 3 4 5"])
def test_a_bad_geopoint_is_refused(text):
    with pytest.raises(ValueError):
        parse_geopoint(text)


@given(st.sampled_from(["ya", "Ya", "YES", "1", "true"]), st.sampled_from(["tidak", "Tidak", "no", "0", "FALSE"]))
def test_yes_and_no_in_both_languages(yes, no):
    assert parse_bool(yes) is True and parse_bool(no) is False and parse_bool(" ") is None


def test_anything_else_is_not_a_yes_or_no():
    with pytest.raises(ValueError):
        parse_bool("mungkin")


def test_kobo_submission_time_is_utc_and_odk_keeps_its_offset():
    assert parse_timestamp("2026-11-28T02:15:00") == "2026-11-28T02:15:00+00:00"
    assert parse_timestamp("2026-11-28T02:15:00.123Z") == "2026-11-28T02:15:00.123000+00:00"
    assert parse_timestamp("2026-11-28T09:15:00+07:00") == "2026-11-28T09:15:00+07:00"


def test_every_registry_category_has_one_distinct_choice_name():
    for correction in (*form.FAMILY_CORRECTIONS, *form.MEMBER_CORRECTIONS):
        if correction.kind == "domain":
            choices = form.domain_choices(form.domain_of(correction))
            names = [n for n, _ in choices]
            assert len(set(names)) == len(names) and all(n.replace("_", "").isalnum() for n in names)
    assert dict(form.domain_choices("daya_listrik"))["lebih_2200_va"] == ">2200 VA"


# --- the XLSForm -------------------------------------------------------------------------------------------


def small_spec() -> FormSpec:
    return FormSpec(
        campaign_id=7,
        title="Verivali Uji",
        enumerators=[("pendata", "Pendata Satu"), ("pendata2", "Pendata Dua")],
        kelurahan=[("12.74.05.1010", "PANTAI JOHOR")],
        families=[
            FormFamily(5, "BUDI · Jl. Contoh · RT 001/RW 002", 3, "pendata"),
            FormFamily(6, "ANI · RT -/RW -", 1, "pendata2"),
        ],
        members=[FormMember(50, 5, "Budi (Kepala Keluarga)"), FormMember(51, 5, "Siti (Istri/Suami)")],
        keberadaan=[("terkonfirmasi", "terkonfirmasi"), ("meninggal", "meninggal"), ("lainnya", "lainnya")],
    )


def test_the_xlsform_converts_with_pyxform_and_preloads_the_families():
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    xform = convert(xlsform_bytes(small_spec()), warnings=warnings, file_type=".xlsx").xform
    assert warnings == []
    assert 'id="tepat_verivali_7"' in xform
    assert "BUDI · Jl. Contoh · RT 001/RW 002" in xform and "Siti (Istri/Suami)" in xform
    assert "instance('keluarga')/root/item[pendata= /data/kunjungan/pendata ]" in xform
    assert "instance('anggota')/root/item[keluarga= /data/kunjungan/keluarga  or name='baru']" in xform
    for path in (
        "/data/kunjungan/keberadaan",
        "/data/anggota/nik_perbaikan",
        "/data/lokasi/gps",
        "/data/foto/foto_jamban",
        "/data/skrining/lantai_tanah",
        "/data/meta/instanceID",
    ):
        assert f'nodeset="{path}"' in xform
    assert 'nodeset="/data/foto/foto_atap" type="binary"' in xform
    assert "<value>Kayu/Papan</value>" not in xform and "kayu_papan" in xform  # names in data, labels for people


def test_field_names_are_unique_so_exports_read_back_without_their_groups():
    main, members = form_paths()
    names = [*main, *members]
    assert len({n.lower() for n in names}) == len(names)
    assert not {n.lower() for n in names} & set(form.GROUPS)


# --- reading exports -----------------------------------------------------------------------------------------


def test_an_odk_central_zip_gives_rows_members_and_photos(tmp_path):
    subs = [submission(5, "uuid:a", foto_depan_rumah="1.jpg"), submission(6, "uuid:b")]
    path = write_odk_zip(
        tmp_path / "odk.zip",
        subs,
        [(0, {"anggota_id": "50", "keberadaan_anggota": "meninggal"})],
        media={"1.jpg": b"\xff\xd8jpeg"},
    )
    export = read_export(path)
    assert export.source == "odk" and len(export.main.rows) == 2 and export.media == {"1.jpg": b"\xff\xd8jpeg"}
    assert export.repeats["anggota"].rows[0].cells["PARENT_KEY"] == "uuid:a"


def test_a_kobo_xlsx_gives_rows_and_its_repeat_sheet(tmp_path):
    export = read_export(
        write_kobo_xlsx(tmp_path / "kobo.xlsx", [submission(5, "uuid:a")], [(0, {"anggota_id": "50"})])
    )
    assert export.source == "kobo" and export.main.rows[0].number == 2
    assert export.main.rows[0].cells["_index"] == "1"  # a number cell read back as '1', not '1.0'
    assert export.repeats["anggota"].rows[0].cells["_parent_index"] == "1"


def test_a_kobo_csv_with_semicolons_is_read(tmp_path):
    export = read_export(write_kobo_csv(tmp_path / "kobo.csv", [submission(5, "uuid:a")]))
    cells = cells_of(export.main)[0]
    assert export.source == "kobo" and cells.get("keluarga") == "5" and cells.get("gps_latitude") == "2.9655"


@pytest.mark.parametrize(
    "damage, code",
    [
        (lambda data: data[: len(data) - 25], "row_length"),  # cut in the middle of the last row
        (lambda data: data + b'"unclosed,quote\n', "csv_broken"),
        (lambda data: data.replace(b"terkonfirmasi", "terkonfirmasi\xe9".encode("latin-1"), 1), "encoding"),
        (lambda data: b"", "file_empty"),
        (lambda data: b"\xd0\xcf\x11\xe0rest", "file_type"),
        (lambda data: b"nama,alamat\nBudi,Jl\n", "not_an_export"),
    ],
)
def test_a_broken_csv_is_refused_as_a_whole(tmp_path, damage, code):
    path = write_odk_csv(tmp_path / "odk.csv", [submission(5, "uuid:a"), submission(6, "uuid:b")])
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ExportUnreadable) as problem:
        read_export(path)
    assert problem.value.code == code and problem.value.message_id and problem.value.message_en


def test_a_truncated_xlsx_or_zip_is_refused(tmp_path):
    for path in (
        write_kobo_xlsx(tmp_path / "k.xlsx", [submission(5, "uuid:a")]),
        write_odk_zip(tmp_path / "o.zip", [submission(5, "uuid:a")], media={"1.jpg": b"x" * 5000}),
    ):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(ExportUnreadable) as problem:
            read_export(path)
        assert problem.value.code == "file_unreadable" and "terpotong" in problem.value.message_id


# --- rows to payloads ----------------------------------------------------------------------------------------


def test_a_row_becomes_the_payload_of_the_contract(tmp_path):
    subs = [
        submission(
            5,
            "uuid:a",
            jenis_lantai="kayu_papan",
            daya_listrik="Lebih_2200_VA",
            alamat="Jl. Baru 3",
            memenuhi_kriteria="tidak",
            alasan="sudah bekerja tetap",
            foto_atap="atap.jpg",
        )
    ]
    export = read_export(
        write_odk_zip(
            tmp_path / "o.zip",
            subs,
            [
                (
                    0,
                    {
                        "anggota_id": "baru",
                        "keberadaan_anggota": "terkonfirmasi",
                        "nama_perbaikan": "Bayi",
                        "jenis_kelamin_anggota": "perempuan",
                    },
                )
            ],
        )
    )
    members = cells_of(export.repeats["anggota"])
    data, missing = payload(cells_of(export.main)[0], members, export.media)
    assert missing == ["atap.jpg"]
    assert data["submission_key"] == "uuid:a" and data["family_id"] == 5 and data["started_version"] == "1"
    assert data["fields"] == {"alamat": "Jl. Baru 3", "jenis_lantai": "Kayu/Papan", "daya_listrik": ">2200 VA"}
    assert data["members"] == [
        {
            "member_id": None,
            "keberadaan": "terkonfirmasi",
            "keterangan": "",
            "fields": {"nama": "Bayi", "jenis_kelamin": "Perempuan"},
        }
    ]
    assert data["gps"] == {"lat": 2.9655, "lon": 99.801, "accuracy": 6.5}
    assert data["checklist"] == {"kk_tidak_bekerja": True, "lantai_tanah": False}
    assert data["memenuhi_kriteria"] == "tidak" and data["enumerator"] == "enumerator"
    assert data["submitted_at"] == "2026-11-28T02:15:00+00:00"


def test_a_label_exported_instead_of_a_name_is_accepted_but_a_stray_value_names_its_column(tmp_path):
    export = read_export(
        write_kobo_xlsx(
            tmp_path / "k.xlsx",
            [submission(5, "uuid:a", jenis_atap="Asbes/Seng"), submission(5, "uuid:b", jenis_atap="rumbia")],
        )
    )
    good, bad = cells_of(export.main)
    assert payload(good, [], {})[0]["fields"] == {"jenis_atap": "Asbes/Seng"}
    with pytest.raises(RowProblem) as problem:
        payload(bad, [], {})
    assert (problem.value.row, problem.value.column, problem.value.code) == (
        3,
        "perbaikan/jenis_atap",
        "unknown_choice",
    )
    assert "rumbia" in problem.value.message_id and "asbes_seng" in problem.value.message_en


cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@given(
    headers=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,10}(-[a-z][a-z0-9_]{0,10})?", fullmatch=True),
        min_size=2,
        max_size=6,
        unique=True,
    ),
    data=st.data(),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_cell_text_survives_a_csv_export(tmp_path_factory, headers, data, delimiter):
    """Quotes, separators, line breaks and non-Latin text in a cell come back exactly as written."""
    rows = data.draw(
        st.lists(
            st.lists(cell_text, min_size=len(headers), max_size=len(headers)).filter(
                lambda cells: any(c.strip() for c in cells)
            ),
            max_size=5,
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)  # RFC 4180: CRLF, fields with CR or LF quoted
    writer.writerows([["SubmissionDate", *headers], *[["2026-11-28", *cells] for cells in rows]])
    path = tmp_path_factory.mktemp("csv") / "export.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    export = read_export(path)
    assert [[row.cells[h] for h in headers] for row in export.main.rows] == rows

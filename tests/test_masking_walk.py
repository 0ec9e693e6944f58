"""Every page and download, walked by each masking role over the demo: no full NIK / No KK anywhere.

The URL list comes from the project's resolver, so a new page is walked as soon as it exists: a page
without parameters by itself, a page with parameters once PARAMS says where its objects come from (the
test fails and names the page until then). The analyst walks the same pages as the control: the check
does find full numbers where the role may see them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from tepat.accounts.models import PersonalDataAccess
from tepat.accounts.roles import policy_for

SIXTEEN = re.compile(r"(?<!\d)\d{16}(?!\d)")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
POST_ONLY = {
    "logout",
    "set_language",
    "verivali_meeting_create",
    "verivali_decide",
    "indicators_snapshot_create",
    "target_freeze",
    "verivali_campaign_close",
    "meeting_hold",
    "action_item_close",
    "meeting_decision",
    "meeting_action_item",
    "meeting_attendance",
    "import_confirm",
    "import_revert",
    "admin_user_password",
    "admin_user_status",
    "verivali_handback_sent",
    "meeting_cancel",
    "linkage_decide",
    "linkage_ganda_campaign",
    "api_token_revoke",
}
BINARY_IMAGES = ("image/png", "image/jpeg", "image/webp", "image/gif")


def all_url_names() -> dict[str, str]:
    """name -> route of every page the project serves."""
    found = {}

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "api-v1":
                    continue  # the JSON API answers tokens, not sessions: its own role matrix in tests/test_api.py
                walk(entry, prefix + str(entry.pattern))
            elif entry.name:  # unnamed: static redirects such as /favicon.ico
                found[entry.name] = prefix + str(entry.pattern)

    walk(get_resolver())
    return found


def _objects():
    """Where the objects of each parameterised page come from (a few of each, those with identity numbers first)."""
    from tepat.accounts.models import User
    from tepat.jobs.models import Job
    from tepat.linkage.models import Pair
    from tepat.meetings.models import ActionProgress, Meeting
    from tepat.programs.models import Program, TargetList
    from tepat.registry.models import Family, ImportBatch
    from tepat.verivali.models import Campaign, CampaignFamily, ChangeRequest, Musyawarah, Visit, VisitPhoto

    families = list(Family.objects.filter(verivali_requests__isnull=False).distinct().values_list("pk", flat=True)[:6])
    families += list(Family.objects.order_by("pk").values_list("pk", flat=True)[:3])
    campaigns = list(Campaign.objects.values_list("pk", flat=True))
    meetings = list(Meeting.objects.values_list("pk", flat=True))
    return {
        "family": families,
        "batch": list(ImportBatch.objects.values_list("pk", flat=True)),
        "program": list(Program.objects.values_list("code", flat=True)[:3]),
        "target": list(TargetList.objects.values_list("pk", flat=True)),
        "campaign": campaigns,
        "visit_form": list(CampaignFamily.objects.order_by("pk").values_list("campaign_id", "family_id")[:12]),
        "visit": list(Visit.objects.values_list("pk", flat=True)),
        "photo": list(VisitPhoto.objects.values_list("pk", flat=True)),
        "request": list(ChangeRequest.objects.values_list("pk", flat=True)),
        "musyawarah": list(Musyawarah.objects.values_list("pk", flat=True)),
        "meeting": meetings,
        "evidence": list(ActionProgress.objects.exclude(evidence_path="").values_list("item_id", "pk")),
        "action_item": list(ActionProgress.objects.values_list("item_id", flat=True).distinct()),
        "pair": list(Pair.objects.order_by("pk").values_list("pk", flat=True)[:6]),
        "user": list(User.objects.order_by("pk").values_list("pk", flat=True)[:3]),
        "realisasi_job": list(Job.objects.filter(kind="realisasi").values_list("pk", flat=True)[:3]),
        "odk_job": [(j.params["campaign"], j.pk) for j in Job.objects.filter(kind="odk")[:3]],
        "export_job": list(Job.objects.filter(kind="export").values_list("pk", flat=True)[:6]),
    }


def _params(o: dict) -> dict[str, list[dict]]:
    from tepat.meetings.documents import DOCUMENTS as MEETING_DOCUMENTS
    from tepat.reports.documents import DOCUMENTS as REPORTS

    sheets = ("csv", "xlsx")
    return {
        "family_export": [{"kind": k} for k in sheets],
        "family_detail": [{"pk": p} for p in o["family"]],
        "record_intervention": [{"pk": p} for p in o["family"][:2]],
        "import_status": [{"pk": p} for p in o["batch"]],
        "import_progress": [{"pk": p} for p in o["batch"]],
        "import_report": [{"pk": p, "kind": k} for p in o["batch"] for k in ("json", "xlsx")],
        "program_detail": [{"code": c} for c in o["program"]],
        "rule_preview": [{"code": c} for c in o["program"]],
        "program_edit": [{"code": c} for c in o["program"]],
        "target_detail": [{"pk": p} for p in o["target"]],
        "target_export": [{"pk": p, "kind": k} for p in o["target"] for k in sheets],
        "indicators_chart": [{"kind": k, "fmt": "svg"} for k in ("trend", "comparison")],
        "indicators_table": [{"fmt": f} for f in sheets],
        "indicators_registry_chart": [{"fmt": "svg"}],
        "indicators_registry_table": [{"table": t, "fmt": f} for t in ("desil", "deprivation") for f in sheets],
        "indicators_af_table": [{"fmt": f} for f in sheets],
        "indicators_snapshots_table": [{"fmt": f} for f in sheets],
        "pockets_map": [{"which": w, "kind": "svg"} for w in ("peta", "hotspot")],
        "pockets_ranking": [{"kind": k} for k in sheets],
        "verivali_campaign": [{"pk": p} for p in o["campaign"]],
        "verivali_assign": [{"pk": p} for p in o["campaign"]],
        "verivali_progress_export": [{"pk": p, "kind": k} for p in o["campaign"] for k in sheets],
        "verivali_visit": [{"pk": c, "family_pk": f} for c, f in o["visit_form"]],
        "verivali_proposal": [{"pk": p} for p in o["campaign"]],
        "verivali_visit_done": [{"pk": p} for p in o["visit"]],
        "verivali_photo": [{"pk": p} for p in o["photo"]],
        "verivali_request": [{"pk": p} for p in o["request"]],
        "verivali_ingest": [{"pk": p} for p in o["campaign"]],
        "verivali_xlsform": [{"pk": p} for p in o["campaign"]],
        "verivali_berita_acara": [{"pk": p, "kind": k} for p in o["musyawarah"] for k in ("pdf", "docx")],
        "meeting_detail": [{"pk": p} for p in o["meeting"]],
        "meeting_edit": [{"pk": p} for p in o["meeting"]],
        "meeting_invite": [{"pk": p} for p in o["meeting"]],
        "meeting_minutes": [{"pk": p} for p in o["meeting"]],
        "meeting_tables": [{"pk": p} for p in o["meeting"]],
        "meeting_document": [{"pk": p, "name": n} for p in o["meeting"][:2] for n in MEETING_DOCUMENTS],
        "action_item_detail": [{"pk": p} for p in o["action_item"]],
        "action_evidence": [{"pk": i, "progress": p} for i, p in o["evidence"]],
        "report_download": [{"kind": k, "fmt": f} for k, d in REPORTS.items() for f in d.formats],
        "report_write": [{"kind": k} for k, d in REPORTS.items() if d.text_kind],
        "linkage_review": [{"pk": p} for p in o["pair"]],
        "gaps_export": [{"kind": k} for k in sheets],
        "gaps_drill_export": [{"kind": k} for k in sheets],
        "verivali_handback": [{"pk": p, "kind": k} for p in o["campaign"] for k in sheets],
        "realisasi_report": [{"pk": p, "fmt": f} for p in o["realisasi_job"] for f in sheets],
        "verivali_ingest_report": [{"pk": c, "job": j, "fmt": f} for c, j in o["odk_job"] for f in sheets],
        "admin_user_detail": [{"pk": p} for p in o["user"]],
        "access_log_export": [{"kind": k} for k in sheets],
        "export_status": [{"pk": p} for p in o["export_job"]],
        "export_progress": [{"pk": p} for p in o["export_job"]],
        "export_file": [{"pk": p} for p in o["export_job"]],
    }


def text_of(response) -> str:
    """What a person could read in a response: the page, or the cells / text of a download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    if kind in BINARY_IMAGES:
        return ""
    if kind.endswith("spreadsheetml.sheet"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if kind.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            xml = " ".join(archive.read(n).decode("utf-8", "ignore") for n in archive.namelist() if n.endswith(".xml"))
        return re.sub(r"<[^>]+>", "", xml)
    if kind == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "ignore")


def identity_numbers() -> set[str]:
    """Every full NIK / No KK the database holds, wherever it is kept (registry, corrections, raw visits, import reports)."""
    from tepat.registry.models import Family, ImportBatch, Member
    from tepat.verivali.models import ChangeLine, Visit

    numbers = set(Member.objects.exclude(nik="").values_list("nik", flat=True))
    numbers |= set(Family.objects.exclude(no_kk="").values_list("no_kk", flat=True))
    numbers |= set(Family.objects.values_list("source_key", flat=True))
    for line in ChangeLine.objects.filter(field__in=("nik", "no_kk")):
        numbers |= {str(v) for v in (line.current, line.proposed) if v}
    from tepat.jobs.models import Job

    reports = [*ImportBatch.objects.values_list("report", flat=True), *Job.objects.values_list("result", flat=True)]
    for raw in [*Visit.objects.values_list("raw", flat=True), *reports]:
        numbers |= set(SIXTEEN.findall(json.dumps(raw)))
    return {n for n in numbers if SIXTEEN.fullmatch(n or "")}


@pytest.fixture
def demo(regions, tmp_path):
    """The demo (300 families, users per role, verivali with a musyawarah, rakor, targeting), plus pending
    corrections of a NIK and a No KK and a proposed member with a NIK, the numbers a masked form must hide,
    and two uploads in the history: a realisasi file refusing an unknown NIK and a broken ODK export; two
    linkage pairs in the camat's kecamatan (a duplicate, and that realisasi row with a candidate)."""
    from tepat.accounts.models import User
    from tepat.bootstrap import ensure_database
    from tepat.demo.load import load_demo
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.models import Campaign

    ensure_database()
    load_demo(300, echo=lambda _: None)
    enumerator = User.objects.get(username="pendata")
    campaign = Campaign.objects.get()
    family = (
        campaign.change_requests.filter(status="approved").exclude(family=None).order_by("pk").first().family
    )  # visited again
    family.refresh_from_db()
    head = family.members.filter(is_active=True).order_by("pk").first()
    do_submit_visit(
        campaign,
        {
            "submission_key": "walk-1",
            "family_id": family.pk,
            "started_version": family.version,
            "keberadaan": "terkonfirmasi",
            "memenuhi_kriteria": True,
            "fields": {"no_kk": "1274059912310001"},
            "members": [
                {"member_id": head.pk, "keberadaan": "terkonfirmasi", "fields": {"nik": "1274054107990002"}},
                {
                    "member_id": None,
                    "keberadaan": "terkonfirmasi",
                    "fields": {
                        "nama": "BAYI BARU",
                        "nik": "1274056501260003",
                        "jenis_kelamin": "Perempuan",
                        "hubungan_dengan_kepala_keluarga": "Anak",
                    },
                },
            ],
            "gps": None,
            "checklist": {},
            "photos": [],
        },
        acting_user=enumerator,
        source="web",
    )
    _uploads(campaign, tmp_path)
    _pairs(User.objects.get(role="camat").region)
    return {u.username: u for u in User.objects.all()}


def _pairs(kecamatan) -> None:
    """A duplicate pair and a realisasi pair (the held row of _uploads) for the review page to show."""
    from tepat.linkage.models import Pair
    from tepat.programs.models import HeldRecipient
    from tepat.registry.models import Member

    members = Member.objects.filter(is_active=True, family__kelurahan__parent=kecamatan).exclude(nik="")
    seen, picked = set(), []
    for member in members.select_related("family").order_by("pk"):  # three members of three families
        if member.family_id not in seen and len(picked) < 3:
            seen.add(member.family_id)
            picked.append(member)
    a, b, c = picked
    weights = {"nik": -8.0, "nama": 9.5, "tanggal_lahir": 7.0, "jenis_kelamin": 0.5, "alamat": 2.0, "hubungan": 0.0}
    Pair.objects.create(
        key=f"duplicate:{a.pk}:{b.pk}",
        kind="duplicate",
        method="probabilistic",
        probability=0.93,
        match_weight=8.0,
        weights={**weights, "no_kk": -3.0},
        left_member=a,
        right_member=b,
        left_family=a.family,
        right_family=b.family,
    )
    held = HeldRecipient.objects.get(nik="1274059999990009")  # the realisasi row of _uploads (NIK unknown)
    Pair.objects.create(
        key=f"realisasi:{held.pk}:{c.pk}",
        kind="realisasi",
        method="probabilistic",
        probability=0.81,
        match_weight=2.1,
        weights={**weights, "nik": 0.0, "no_kk": 0.0},
        recipient=held,
        right_member=c,
        right_family=c.family,
    )


def _uploads(campaign, tmp_path) -> None:
    from tepat.accounts.models import User
    from tepat.jobs.run import enqueue

    realisasi = tmp_path / "realisasi.csv"
    realisasi.write_text("kode_program,nik,tanggal,nilai\npkh,1274059999990009,15-03-2026,750000\n", encoding="utf-8")
    job = enqueue(
        "realisasi", acting_user=User.objects.get(username="dinsos"), path=str(realisasi), file_name="realisasi.csv"
    )
    assert [i["code"] for i in job.result["report"]["rejected"]] == ["nik_unknown"]
    broken = tmp_path / "rusak.zip"
    broken.write_bytes(b"PK\x03\x04 cut short")
    enqueue(
        "odk",
        acting_user=User.objects.get(username="analis"),
        campaign=campaign.pk,
        path=str(broken),
        file_name="rusak.zip",
    )


def walk(client, user) -> dict[str, str]:
    """GET every page for `user`; url -> readable text of each answered page (200)."""
    client.force_login(user)
    names = all_url_names()
    params = _params(_objects())
    unknown = [n for n, route in names.items() if "<" in route and n not in params and n not in POST_ONLY]
    assert unknown == [], f"add these pages to PARAMS in {__file__}: {unknown}"
    texts = {}
    for name, route in names.items():
        if name in POST_ONLY:
            continue
        for kwargs in params.get(name, [{}]) if "<" in route else [{}]:
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code == 200:
                texts[url] = (response, text_of(response))
    return texts


@pytest.mark.parametrize("username", ["admin", "camat"])
def test_masking_roles_never_receive_a_full_identity_number(username, client, demo):
    user = demo[username]
    assert not policy_for(user).sees_identity_numbers
    numbers = identity_numbers()
    assert "1274054107990002" in numbers and len(numbers) > 500
    pages = walk(client, user)
    assert len(pages) > (40 if username == "admin" else 20)  # the walk reached the role's pages
    assert len([url for url in pages if re.fullmatch(r"/tautan/\d+/", url)]) == 2  # both pairs reviewed
    leaks = {url: sorted(set(SIXTEEN.findall(text)) & numbers)[:3] for url, (_, text) in pages.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    html = {url: r for url, (r, text) in pages.items() if r["Content-Type"].startswith("text/html")}
    assert [
        u for u, r in html.items() if INLINE_SCRIPT.search(r.content.decode()) or HANDLER.search(r.content.decode())
    ] == []
    assert [u for u, (r, _) in pages.items() if r.get("Cache-Control") != "no-store"] == []
    logged = PersonalDataAccess.objects.filter(user=user)
    assert logged.exists() and not logged.filter(unmasked=True).exists()


def test_the_analyst_walk_finds_full_numbers_so_the_check_can_fail(client, demo):
    numbers = identity_numbers()
    pages = walk(client, demo["analis"])
    seen = {url for url, (_, text) in pages.items() if set(SIXTEEN.findall(text)) & numbers}
    assert any("/kunjungan/" in url for url in seen) and any(url.startswith("/keluarga/") for url in seen)
    assert any(url.endswith(".csv") for url in seen) and any("/verivali/usulan/" in url for url in seen)
    assert len([url for url in seen if re.fullmatch(r"/tautan/\d+/", url)]) == 2  # the pairs show full numbers
    assert not PersonalDataAccess.objects.filter(user=demo["analis"], unmasked=False).exists()

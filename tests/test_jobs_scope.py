"""The realisasi upload history's scope rule (tepat.jobs.scope.uploads_visible_to): an OPD operator also
sees the uploads an analyst made for the agency's own programs, never those for other agencies' programs."""

from __future__ import annotations

from tepat.jobs.models import Job
from tepat.jobs.run import enqueue
from tepat.jobs.scope import uploads_visible_to
from tests.files import write_csv
from tests.test_interventions import HEADER, registry, row  # noqa: F401  (fixture)


def upload(tmp_path, name: str, rows: list[dict], user) -> Job:
    path = write_csv(tmp_path / name, rows, header=HEADER, title=False)
    return enqueue("realisasi", acting_user=user, path=str(path), file_name=name)


def visible(user) -> set[str]:
    return {job.params["file_name"] for job in uploads_visible_to(user, Job.objects.filter(kind="realisasi"))}


def test_an_opd_operator_sees_analyst_uploads_for_its_programs_and_no_others(registry, cast, tmp_path):
    from tepat.accounts.actions import do_create_user
    from tepat.programs.models import Program

    from tepat.accounts.models import Opd

    perkim = Opd.objects.get_or_create(code="perkim", defaults={"name": "Dinas Perumahan"})[0]
    Program.objects.filter(code="rtlh_bsps").update(opd=perkim)  # the shipped owner (cast made only Dinas Sosial)
    builder = do_create_user("perkim", role="opd", opd_code=perkim.code, acting_user=None, password="rahasia-123")[0]
    # the analyst's file for PKH (Dinas Sosial's program) with one bad row; another for RTLH (Perkim's) only
    social = upload(tmp_path, "pkh.csv", [row(), row(nik="1274059999990001")], cast["analyst"])
    assert social.result["report"]["rejected"][0]["code"] == "nik_unknown"
    upload(tmp_path, "rtlh.csv", [row(kode_program="rtlh_bsps")], cast["analyst"])
    upload(tmp_path, "sendiri.csv", [row(tanggal="16-03-2026")], cast["opd"])
    upload(tmp_path, "tak-dikenal.csv", [row(kode_program="tidak_ada")], cast["analyst"])
    assert visible(cast["opd"]) == {"pkh.csv", "sendiri.csv"}
    assert visible(builder) == {"rtlh.csv"}
    assert visible(cast["analyst"]) == {"pkh.csv", "rtlh.csv", "sendiri.csv", "tak-dikenal.csv"}
    assert visible(cast["enumerator"]) == visible(cast["lurah"]) == set()


def test_other_kinds_pass_through_for_their_page_to_scope(registry, cast):
    odk = Job.objects.create(kind="odk", user=cast["analyst"], params={"campaign": 1})
    assert list(uploads_visible_to(cast["opd"], Job.objects.all())) == [odk]

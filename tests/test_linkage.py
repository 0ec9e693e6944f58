"""Linkage (issue 16): generated P3KE + noisy DTSEN imported through the real importer, scored by
splink, reviewed through the audited actions; scope, masking, reversal and the CLI."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from tepat.demo.generate import generate

FAMILIES = 120


@pytest.fixture
def registry(import_file, tmp_path):
    """One synthetic city as P3KE (clean) and DTSEN (identity noise); returns the DTSEN truth."""
    p3ke = generate(FAMILIES, "p3ke-individu", tmp_path / "p3ke.csv", seed=5)
    keluarga = generate(FAMILIES, "dtsen-keluarga", tmp_path / "dtsen-keluarga.csv", seed=5, identity_noise=0.2)
    anggota = generate(FAMILIES, "dtsen-anggota", tmp_path / "dtsen-anggota.csv", seed=5, identity_noise=0.2)
    for result in (p3ke, keluarga, anggota):
        assert import_file(result.path).status == "done"
    return pl.read_csv(anggota.identity_path, schema_overrides={"id_individu": pl.String})


TRAINED: dict = {}  # the model trained by the first test that needs one (EM takes seconds; data are the same)


@pytest.fixture
def linked(registry, cast):
    from tepat.linkage.actions import do_run_linkage
    from tepat.linkage.models import LinkageModel

    report = do_run_linkage(acting_user=cast["analyst"], model=TRAINED.get("model"))
    TRAINED.setdefault("model", LinkageModel.objects.get(version=report.model_version).settings)
    return report


def _truth_pairs(registry_truth: pl.DataFrame, duplicates: bool = False) -> set[tuple[int, int]]:
    """(P3KE member id, DTSEN member id) of the same person, via id_individu (P3KE) and row order (DTSEN);
    duplicates: (DTSEN id, DTSEN id) of the persons the DTSEN file holds twice (two NIKs, one human)."""
    from tepat.registry.models import Member

    from tepat.registry.models import ImportBatch

    p3ke = dict(Member.objects.filter(source="p3ke").values_list("id_individu", "id"))
    dtsen = list(Member.objects.filter(source="dtsen").order_by("id").values_list("id", "nik"))
    members_file = ImportBatch.objects.filter(format="dtsen-anggota").latest("pk")
    rejected = {
        issue["row"] for issue in members_file.report["rejected"]
    }  # no NIK, or their family's head was rejected
    kept = registry_truth.filter(~pl.col("row").is_in(sorted(rejected)))
    assert len(dtsen) == kept.height
    if duplicates:
        rows = pl.DataFrame({"truth": kept["id_individu"], "member": [m for m, _ in dtsen]})
        same = rows.join(rows, on="truth", suffix="_r").filter(pl.col("member") < pl.col("member_r"))
        return set(same.select("member", "member_r").iter_rows())
    return {(p3ke[ident], member) for ident, (member, _) in zip(kept["id_individu"], dtsen)}


def _unordered(pairs) -> set[tuple[int, int]]:
    """Member pairs without their left/right order (which follows the ids the database happened to assign)."""
    return {(min(a, b), max(a, b)) for a, b in pairs}


@pytest.mark.django_db
def test_cross_source_links_are_precise_and_complete_including_differing_niks(registry, linked):
    from tepat.linkage.models import Pair, PairKind

    truth = _truth_pairs(registry)
    found = _unordered(Pair.objects.filter(kind=PairKind.CROSS_SOURCE).values_list("left_member_id", "right_member_id"))
    truth = _unordered(truth)
    correct = found & truth
    assert len(correct) / len(found) >= 0.98
    assert len(correct) / len(truth) >= 0.95
    probabilistic = _unordered(
        Pair.objects.filter(method="probabilistic", kind=PairKind.CROSS_SOURCE).values_list(
            "left_member_id", "right_member_id"
        )
    )
    assert len(probabilistic & truth) >= 20, "true pairs whose NIKs differ are found too"
    assert linked.pairs["cross_source"] == len(found)
    twice = _unordered(_truth_pairs(registry, duplicates=True))
    duplicates = _unordered(
        Pair.objects.filter(kind=PairKind.DUPLICATE).values_list("left_member_id", "right_member_id")
    )
    assert twice and len(duplicates & twice) / len(duplicates) >= 0.8 and duplicates >= twice  # P, R


@pytest.mark.django_db
def test_exact_nik_pairs_are_auto_linked_and_others_wait_with_their_weights(linked):
    from tepat.linkage.models import LinkageModel, Pair, PairDecision, PairStatus

    auto = Pair.objects.filter(auto=True)
    assert (
        auto.exists()
        and not auto.exclude(method="nik").exists()
        and not auto.exclude(status=PairStatus.LINKED).exists()
    )
    assert PairDecision.objects.filter(decision="auto").count() == auto.count()
    pending = Pair.objects.filter(status=PairStatus.PENDING, kind="cross_source")
    assert pending.exists() and not pending.filter(method="nik", probability__gte=0.99).exists()
    pair = pending.first()
    assert set(pair.weights) == {"nik", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "hubungan", "no_kk"}
    model = LinkageModel.objects.get(version=linked.model_version)
    assert model.settings["comparisons"][0]["comparison_levels"][1]["m_probability"] > 0.5


@pytest.mark.django_db
def test_second_run_keeps_decisions_and_versions_the_model(linked, cast):
    from tepat.linkage.actions import do_decide_pair, do_run_linkage
    from tepat.linkage.models import Pair, PairStatus

    pair = Pair.objects.filter(status=PairStatus.PENDING, kind="cross_source").first()
    do_decide_pair(pair, "different", acting_user=cast["analyst"], reason="beda orang tua")
    again = do_run_linkage(acting_user=cast["analyst"])
    assert again.model_version == linked.model_version + 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED and pair.model.version == again.model_version


@pytest.mark.django_db
def test_decisions_are_audited_and_a_cross_source_link_changes_no_record(linked, cast):
    from tepat.linkage.actions import do_decide_pair
    from tepat.linkage.identities import identity_of
    from tepat.linkage.models import Pair, PairStatus
    from tepat.registry.models import Member

    pair = Pair.objects.filter(status=PairStatus.PENDING, kind="cross_source").first()
    before = [
        (m.version, m.is_active) for m in Member.objects.filter(pk__in=[pair.left_member_id, pair.right_member_id])
    ]
    with pytest.raises(ValueError):
        do_decide_pair(pair, "same", acting_user=cast["analyst"], reason="  ")
    history = do_decide_pair(pair, "same", acting_user=cast["analyst"], reason="nama dan tanggal lahir cocok")
    pair.refresh_from_db()
    assert pair.status == PairStatus.LINKED and history.before == "pending" and history.after == "linked"
    assert history.user == cast["analyst"] and history.reason == "nama dan tanggal lahir cocok"
    assert [
        (m.version, m.is_active) for m in Member.objects.filter(pk__in=[pair.left_member_id, pair.right_member_id])
    ] == before
    ids = identity_of([pair.left_member_id, pair.right_member_id])
    assert ids[pair.left_member_id] == ids[pair.right_member_id]


@pytest.mark.django_db
def test_confirmed_duplicate_deactivates_one_member_and_undo_restores_it(linked, cast):
    from tepat.linkage.actions import do_decide_pair, do_undo_pair
    from tepat.linkage.models import Pair, PairKind
    from tepat.registry.models import Change, Member

    members = list(Member.objects.filter(source="p3ke")[:2])
    pair = Pair.objects.create(
        key="duplicate:test",
        kind=PairKind.DUPLICATE,
        method="probabilistic",
        probability=0.7,
        left_member=members[0],
        right_member=members[1],
        left_family=members[0].family,
        right_family=members[1].family,
    )
    history = do_decide_pair(pair, "same", acting_user=cast["lurah"], reason="satu orang dua NIK", keep=members[1].pk)
    members[0].refresh_from_db()
    assert not members[0].is_active and "satu orang dua NIK" in members[0].inactive_reason
    assert history.change.action == "deactivate" and history.change.user == cast["lurah"]
    undo = do_undo_pair(pair, acting_user=cast["analyst"], reason="ternyata kembar")
    members[0].refresh_from_db()
    pair.refresh_from_db()
    assert members[0].is_active and pair.status == "pending" and pair.deactivated is None
    assert undo.change.fields == {"is_active": [False, True]}
    assert Change.objects.filter(member=members[0]).count() == 2


@pytest.mark.django_db
def test_undo_of_an_auto_link_splits_the_identity(linked, cast):
    from tepat.linkage.actions import do_undo_pair
    from tepat.linkage.identities import identity_of
    from tepat.linkage.models import Pair

    pair = Pair.objects.filter(auto=True, kind="cross_source").first()
    assert len(set(identity_of([pair.left_member_id, pair.right_member_id]).values())) == 1
    do_undo_pair(pair, acting_user=cast["analyst"], reason="salah tautan")
    pair.refresh_from_db()
    assert pair.status == "pending" and not pair.auto
    assert len(set(identity_of([pair.left_member_id, pair.right_member_id]).values())) == 2


@pytest.mark.django_db
def test_lurah_sees_only_pairs_touching_their_kelurahan(linked, cast):
    from tepat.accounts.scope import scoped
    from tepat.linkage.models import Pair

    mine = scoped(cast["lurah"], Pair.objects.all())
    assert mine.exists() and mine.count() < Pair.objects.count()
    for pair in mine.select_related("left_family__kelurahan", "right_family__kelurahan"):
        assert "12.74.05.1010" in (pair.left_family.kelurahan.code, pair.right_family.kelurahan.code)
    assert scoped(cast["analyst"], Pair.objects.all()).count() == Pair.objects.count()
    assert not scoped(cast["viewer"], Pair.objects.all()).exists()


@pytest.mark.django_db
def test_masking_roles_see_masked_numbers_and_the_cli_lists_the_issue_fields(linked, cast):
    from tepat.cli import main
    from tepat.linkage.models import Pair
    from tepat.linkage.serialize import pair_row, with_records

    pair = with_records(Pair.objects.filter(kind="cross_source")).first()
    masked, plain = pair_row(pair, cast["camat"]), pair_row(pair, cast["analyst"])
    assert "*" in masked["left"]["nik"] and "*" in masked["right"]["no_kk"]
    assert plain["left"]["nik"] == pair.left_member.nik
    out = CliRunner().invoke(main, ["linkage", "pairs", "--status", "linked", "--kind", "cross_source", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows and {r["status"] for r in rows} == {"linked"} and {r["kind"] for r in rows} == {"cross_source"}
    assert set(rows[0]) == {"id", "kind", "method", "probability", "status", "left", "right"}
    assert set(rows[0]["left"]) == {"source", "nik", "nama", "tanggal_lahir", "no_kk", "id_keluarga"}
    assert {rows[0]["left"]["source"], rows[0]["right"]["source"]} == {"p3ke", "dtsen"}
    assert "*" not in rows[0]["left"]["nik"]


@pytest.mark.django_db
def test_cli_run_reports_pairs_by_kind(registry, cast):
    from tepat.cli import main

    out = CliRunner().invoke(main, ["linkage", "run", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["pairs"]["cross_source"] > 0 and report["pairs"]["family"] > 0 and report["seconds"] > 0


def _realisasi(tmp_path, cast, nik: str, **person):
    """One realisasi row for `nik`; person: nama_penerima, tanggal_lahir, kelurahan as an OPD writes them."""
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.actions import do_import_interventions
    from tepat.programs.catalogue import ensure_catalogue
    from tests.files import write_csv

    ensure_shipped_opds()
    ensure_catalogue(2026)
    header = ["kode_program", "nik", "no_kk", "nama_penerima", "tanggal", "nilai", "status", *person]
    row = {
        "kode_program": "pkh",
        "nik": nik,
        "no_kk": "",
        "nama_penerima": "X",
        "tanggal": "15-03-2026",
        "nilai": "750000",
        "status": "tersalur",
        **person,
    }
    return do_import_interventions(
        write_csv(tmp_path / f"r{nik}.csv", [row], header=header, title=False), acting_user=cast["analyst"]
    )


@pytest.mark.django_db
def test_realisasi_row_in_two_sources_resolves_through_the_link_and_not_after_undo(registry, cast, tmp_path):
    from django.db.models import Count

    from tepat.linkage.actions import do_run_linkage, do_undo_pair
    from tepat.linkage.models import Pair
    from tepat.programs.models import HeldRecipient, Intervention
    from tepat.registry.models import Member

    nik = Member.objects.values("nik").annotate(n=Count("id")).filter(n=2).order_by("nik")[0]["nik"]
    first = _realisasi(tmp_path, cast, nik)
    assert first.rejected[0]["code"] == "nik_ambiguous" and first.held == 1 and first.inserted == 0
    run = do_run_linkage(acting_user=cast["analyst"], model=TRAINED.get("model"))
    assert run.realisasi_resolved == 1  # the held row: its two families are now one linked identity
    held = HeldRecipient.objects.get()
    assert held.intervention.family.source == "dtsen" and held.intervention.member.nik == nik
    HeldRecipient.objects.all().delete()
    Intervention.objects.all().delete()
    report = _realisasi(tmp_path, cast, nik)
    assert report.inserted == 1 and report.held == 0, report.rejected
    assert Intervention.objects.get().family.source == "dtsen"  # the newer register's family
    person = Pair.objects.get(kind="cross_source", left_member__nik=nik)
    family = Pair.objects.get(kind="family", left_family=person.left_family, right_family=person.right_family)
    do_undo_pair(person, acting_user=cast["analyst"], reason="uji")
    Intervention.objects.all().delete()
    assert _realisasi(tmp_path, cast, nik).inserted == 1  # the families are still one linked family
    do_undo_pair(family, acting_user=cast["analyst"], reason="uji")
    Intervention.objects.all().delete()
    assert _realisasi(tmp_path, cast, nik).rejected[0]["code"] == "nik_ambiguous"


@pytest.mark.django_db
def test_unmatched_realisasi_row_gets_a_candidate_and_a_confirmed_link_records_it(registry, cast, tmp_path):
    from tepat.cli import main
    from tepat.linkage.actions import do_decide_pair, do_run_linkage, do_undo_pair
    from tepat.linkage.models import Pair, PairStatus
    from tepat.programs.models import HeldRecipient, InterventionStatus
    from tepat.registry.models import Member

    member = Member.objects.filter(source="p3ke", tanggal_lahir__isnull=False).select_related("family__kelurahan")[7]
    mistyped = member.nik[:-4] + "9999"
    person = {
        "nama_penerima": member.nama.lower(),
        "tanggal_lahir": member.tanggal_lahir.strftime("%d-%m-%Y"),
        "kelurahan": member.family.kelurahan.name,
    }
    report = _realisasi(tmp_path, cast, mistyped, **person)
    assert report.inserted == 0 and report.held == 1 and report.rejected[0]["code"] == "nik_unknown"
    assert _realisasi(tmp_path, cast, mistyped, **person).held == 0  # the same row is not held twice
    held = HeldRecipient.objects.get()
    assert held.kelurahan_id == member.family.kelurahan_id and held.intervention is None
    run = do_run_linkage(acting_user=cast["analyst"], model=TRAINED.get("model"))
    assert run.pairs["realisasi"] >= 1
    pair = Pair.objects.get(kind="realisasi", recipient=held, right_member=member)  # (and its DTSEN record)
    assert pair.probability >= 0.5 and pair.status == PairStatus.PENDING and not pair.auto
    out = CliRunner().invoke(main, ["linkage", "pairs", "--kind", "realisasi", "--json"])
    row = next(r for r in json.loads(out.output) if r["id"] == pair.pk)
    assert row["left"]["source"] == "realisasi" and row["left"]["nik"] == mistyped
    assert row["right"]["nik"] == member.nik
    do_decide_pair(pair, "same", acting_user=cast["analyst"], reason="nama, tanggal lahir dan kelurahan cocok")
    held.refresh_from_db()
    assert held.intervention.family_id == member.family_id and held.intervention.member_id == member.pk
    assert held.intervention.status == InterventionStatus.DELIVERED and held.intervention.amount == 750000
    do_undo_pair(pair, acting_user=cast["analyst"], reason="salah orang")
    held.refresh_from_db()
    assert held.intervention is None
    assert member.interventions.get().status == InterventionStatus.CANCELLED  # cancelled, never deleted


@pytest.mark.django_db
def test_target_list_counts_a_family_linked_across_sources_once(registry, cast):
    from datetime import date

    from tepat.linkage.actions import do_run_linkage
    from tepat.linkage.models import Pair
    from tepat.programs.targeting import ranked

    rule = "jumlah_anggota >= 1"
    before, count_before = ranked(rule, date(2026, 6, 30))
    do_run_linkage(acting_user=cast["analyst"], model=TRAINED.get("model"))
    linked = Pair.objects.filter(kind="family", status="linked")
    assert linked.exists()
    after, count_after = ranked(rule, date(2026, 6, 30))
    assert count_after == count_before - linked.count()
    kept = set(after["family_id"].to_list())
    assert all((p.left_family_id in kept) != (p.right_family_id in kept) for p in linked)


@pytest.mark.django_db
def test_identities_after_single_decisions_equal_a_full_recomputation(linked, cast):
    from tepat.linkage.actions import do_decide_pair, do_undo_pair
    from tepat.linkage.identities import refresh_identities
    from tepat.linkage.models import IdentityMember, Pair

    pending = list(Pair.objects.filter(status="pending", kind="cross_source")[:3])
    for pair in pending:
        do_decide_pair(pair, "same", acting_user=cast["analyst"], reason="cocok")
    do_undo_pair(
        Pair.objects.filter(auto=True, kind="cross_source").first(), acting_user=cast["analyst"], reason="salah"
    )
    incremental = set(IdentityMember.objects.values_list("member_id", "identity"))
    refresh_identities()
    assert set(IdentityMember.objects.values_list("member_id", "identity")) == incremental

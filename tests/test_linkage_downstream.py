"""Convergence measures count a confirmed identity once: two registry records of one family (P3KE and
DTSEN), both eligible and both served, are one eligible and one served family after the link."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.files import family_rows, write_xlsx


@pytest.fixture
def two_records(import_file, cast, tmp_path):
    """Families A and B (one household recorded twice), both eligible for PKH and both served."""
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.actions import do_record_intervention, do_save_rule
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program
    from tepat.registry.models import Family

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", penerima_pkh="Tidak") + family_rows(
        "B", base=2, desil="1", penerima_pkh="Tidak"
    )
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    pkh = Program.objects.get(code="pkh")
    do_save_rule(pkh, "desil <= 2", acting_user=cast["analyst"], reason="uji")
    families = list(Family.objects.order_by("pk"))
    for family in families:
        do_record_intervention(pkh, family, acting_user=cast["opd"], date=dt.date(2026, 5, 1), amount=750000)
    return families


def _pkh(measure) -> dict:
    return measure.summary.filter(measure.summary["program"] == "pkh").to_dicts()[0]


@pytest.mark.django_db
def test_a_linked_family_served_twice_counts_once(two_records, cast):
    from tepat.linkage.actions import do_decide_pair, do_undo_pair
    from tepat.linkage.models import Pair, PairKind
    from tepat.programs.gaps import cached_measure

    a, b = two_records
    before = _pkh(cached_measure(None, "cakupan", None))
    assert (before["eligible"], before["served_eligible"]) == (2, 2)
    assert cached_measure(None, "konvergensi", None).summary["extreme_poor"].sum() == 2
    pair = Pair.objects.create(
        key=f"family:{a.pk}:{b.pk}",
        kind=PairKind.FAMILY,
        method="probabilistic",
        probability=0.97,
        left_family=a,
        right_family=b,
    )
    do_decide_pair(pair, "same", acting_user=cast["analyst"], reason="satu rumah tangga")
    after = _pkh(cached_measure(None, "cakupan", None))  # the cache sees the decision (a version bump)
    assert (after["eligible"], after["served_eligible"]) == (1, 1)
    convergence = cached_measure(None, "konvergensi", None).summary
    assert convergence["extreme_poor"].sum() == 1
    do_undo_pair(pair, acting_user=cast["analyst"], reason="bukan satu rumah tangga")
    undone = _pkh(cached_measure(None, "cakupan", None))
    assert (undone["eligible"], undone["served_eligible"]) == (2, 2)

"""The registry writer: the row, its history and a new registry version together, or none of them."""

from __future__ import annotations

import pytest
from django.db import transaction

from tepat.registry import version, writer
from tepat.registry.actions import do_deactivate_member, do_reactivate_member
from tepat.registry.models import Change, ChangeAction, VersionPart
from tests.verivali_support import PANTAI_JOHOR, make_family


def _registry_version() -> int:
    return version.current()[VersionPart.REGISTRY].number


@pytest.mark.django_db
def test_each_write_stores_the_row_its_history_and_a_new_version_or_nothing(regions, cast):
    member = make_family(PANTAI_JOHOR, "K00001").members.first()
    start = _registry_version()

    left = do_deactivate_member(member, acting_user=cast["admin"], reason="pindah")
    assert (member.is_active, member.inactive_reason, member.version) == (False, "pindah", 2)
    assert (left.action, left.fields, left.user, left.member_id) == (
        ChangeAction.DEACTIVATE,
        {"is_active": [True, False]},
        cast["admin"],
        member.pk,
    )
    back = do_reactivate_member(member, acting_user=None, reason="keputusan dibatalkan")
    assert (member.is_active, member.version, back.fields, back.user) == (True, 3, {"is_active": [False, True]}, None)
    assert _registry_version() == start + 2  # a reactivation is a new version too

    with pytest.raises(RuntimeError), transaction.atomic():
        writer.update(member, {"nama": "Nama Lain"}, why=writer.Why.of(cast["admin"], "salah ketik"))
        raise RuntimeError("the caller's transaction fails after the write")
    member.refresh_from_db()
    assert (member.nama, member.version, _registry_version()) == ("Kepala K00001", 3, start + 2)
    assert Change.objects.filter(member=member).count() == 2


def test_the_bulk_writer_writes_only_family_and_member_tables():
    with pytest.raises(ValueError):
        writer.update_records("registry_change", ["reason"], [])

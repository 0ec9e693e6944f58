"""The demo's verivali round, loaded after a small `tepat demo`: once, through the actions, with its berita acara."""

from __future__ import annotations

from click.testing import CliRunner
from django.conf import settings

from tepat.cli import main
from tepat.registry.models import Family, Member
from tepat.verivali.models import Campaign, ChangeRequest, Musyawarah, RequestStatus, Visit, VisitPhoto


def test_the_demo_campaign_is_in_progress_with_one_musyawarah_and_loads_once(db):
    from tepat.demo.load import ensure_users
    from tepat.demo.verivali import STORIES, load_verivali

    result = CliRunner().invoke(main, ["demo", "--no-serve", "--families", "300"])
    assert result.exit_code == 0, result.output
    users = ensure_users(lambda line: None)

    campaign = Campaign.objects.get()
    assert campaign.families.exists() and not campaign.families.filter(enumerator__isnull=True).exists()
    assert set(campaign.kelurahan.values_list("code", flat=True)) == {"12.74.05.1010"}
    assert not campaign.families.filter(family__desil__gt=2).exists()
    visited = min(len(STORIES), campaign.families.count())
    assert visited >= 5  # the 300-family demo has 5 such families in Pantai Johor; the default demo more
    assert (
        Visit.objects.filter(enumerator__username="pendata").count() == visited + 1 and VisitPhoto.objects.count() == 1
    )
    statuses = {s: ChangeRequest.objects.filter(status=s).count() for s in RequestStatus.values}
    assert statuses["approved"] == 4 and statuses["rejected"] == 1 and statuses["pending"] == visited - 4
    meeting = Musyawarah.objects.get()
    assert meeting.decisions.count() == 5 and meeting.held_by.username == "lurah"
    assert Member.objects.filter(is_active=False, inactive_reason__icontains="meninggal").count() == 1
    assert Family.objects.filter(source="verivali", kepala_keluarga="RAHMAT HIDAYAT").exists()
    written = sorted(p.suffix for p in (settings.TEPAT_HOME / "demo").glob("berita-acara-*"))
    assert written == [".docx", ".pdf"] and "berita acara" in result.output

    again: list[str] = []
    load_verivali(users, again.append)
    assert Campaign.objects.count() == 1 and Visit.objects.count() == visited + 1 and "sudah ada" in again[0]

"""`tepat demo --no-serve` on a fresh home: data through the importer, users per role, targeting; idempotent."""

from __future__ import annotations

from click.testing import CliRunner

from tepat.accounts.models import User
from tepat.cli import main
from tepat.programs.models import Intervention, TargetList
from tepat.registry.models import Family, ImportBatch


def test_the_demo_loads_once_and_reuses_its_data(db):
    first = CliRunner().invoke(main, ["demo", "--no-serve", "--families", "300"])
    assert first.exit_code == 0, first.output
    assert "kata sandi / password" in first.output
    assert {u.role for u in User.objects.all()} == {"admin", "analyst", "opd", "camat", "lurah", "enumerator", "viewer"}
    assert Family.objects.count() > 250 and ImportBatch.objects.get().format == "p3ke-individu"
    assert TargetList.objects.count() == 1 and Intervention.objects.exists()
    assert User.objects.get(username="pendata").assignments.exists()
    second = CliRunner().invoke(main, ["demo", "--no-serve", "--families", "300"])
    assert second.exit_code == 0 and "dipakai ulang" in second.output and "kata sandi / password" not in second.output
    assert ImportBatch.objects.count() == 1 and TargetList.objects.count() == 1

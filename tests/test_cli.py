"""The `tepat` command on a fresh TEPAT_HOME: users, OPDs, passwords, clear errors with exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tepat.accounts.models import AuditEvent, User
from tepat.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.django_db
def test_an_opd_operator_is_created_after_its_opd_and_both_are_audited(regions):
    assert run("opd", "add", "dlh", "Dinas Lingkungan Hidup").exit_code == 0
    assert "dinsos\tDinas Sosial" in run("opd", "list").output  # the shipped agencies are there
    assert run("opd", "add", "dlh", "Lagi").exit_code == 2
    result = run("createuser", "operator1", "--role", "opd", "--opd", "dlh")
    assert result.exit_code == 0 and result.output.startswith("operator1: ")
    assert User.objects.get(username="operator1").opd.name == "Dinas Lingkungan Hidup"
    events = list(AuditEvent.objects.order_by("-at", "-id").values_list("action", "target")[:2])
    assert events == [("user_created", "operator1"), ("opd_created", "dlh")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["createuser", "x", "--role", "lurah"], "region"),
        (["createuser", "x", "--role", "lurah", "--region", "12.74.05"], "kelurahan"),
        (["createuser", "x", "--role", "opd", "--opd", "tidak-ada"], "tidak ada"),
        (["password", "hantu"], "tidak ada"),
    ],
)
def test_bad_user_commands_say_why_and_exit_2(regions, args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_a_password_reset_prints_a_working_password(regions):
    run("createuser", "analis", "--role", "analyst")
    password = run("password", "analis").output.split(": ")[1].strip()
    assert User.objects.get(username="analis").check_password(password)


@pytest.mark.django_db
def test_imports_left_running_by_a_stopped_server_are_marked_interrupted(regions, tmp_path):
    from tepat.registry.actions import mark_interrupted_imports
    from tepat.registry.models import ImportBatch

    from django.conf import settings

    batch = ImportBatch.objects.create(
        file_name="x.csv", status="running", stored_path=str(settings.UPLOAD_DIR / "imports" / "x.csv")
    )
    cli_batch = ImportBatch.objects.create(file_name="y.csv", status="running", stored_path="/data/y.csv")
    assert mark_interrupted_imports() == 1
    cli_batch.refresh_from_db()
    assert cli_batch.status == "running"
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.report["fatal"]["code"] == "interrupted"

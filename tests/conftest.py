from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI replays the same examples every run (derandomized), so a submission's result does not depend on
# luck; local runs keep drawing new examples to find new bugs.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

from tests.files import P3KE_HEADER, person_row  # noqa: F401, E402  (re-exported for tests)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The shipped Tanjungbalai region master is in every test database."""
    from tepat.regions.loading import ensure_shipped_regions

    with django_db_blocker.unblock():
        ensure_shipped_regions()


@pytest.fixture(autouse=True)
def _home(settings, tmp_path):
    from tepat.lru import clear_all

    clear_all()  # in-process caches start cold, as in a fresh process
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.REPORT_DIR = tmp_path / "reports"
    settings.TEPAT_HOME = tmp_path
    settings.TEPAT_IMPORT_RUNNER = "sync"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db):
    """Transactional tests (the browser ones) flush every table, regions included: load them again."""
    from tepat.regions.loading import ensure_shipped_regions

    ensure_shipped_regions()


@pytest.fixture
def cast(regions):
    """One user per role: the city-wide ones, a camat of Datuk Bandar and a lurah of Pantai Johor."""
    from tepat.accounts.actions import do_create_user
    from tepat.accounts.models import Opd

    Opd.objects.get_or_create(code="dinsos", defaults={"name": "Dinas Sosial"})
    spec = {
        "admin": ("admin", None, None),
        "analyst": ("analyst", None, None),
        "opd": ("opd", None, "dinsos"),
        "camat": ("camat", "12.74.05", None),
        "lurah": ("lurah", "12.74.05.1010", None),
        "enumerator": ("enumerator", None, None),
        "viewer": ("viewer", None, None),
        "other_lurah": ("lurah", "12.74.01.1001", None),
    }
    return {
        name: do_create_user(
            name, role=role, region_code=region, opd_code=opd, acting_user=None, password="rahasia-123"
        )[0]
        for name, (role, region, opd) in spec.items()
    }


@pytest.fixture
def import_file(regions):
    """Import a file through the real action; returns the batch."""
    from tepat.registry.actions import create_batch, do_import

    def run(path, user=None, fmt="auto", dry_run=False, allow_missing=False):
        batch = create_batch(path, acting_user=user, requested_format=fmt, dry_run=dry_run, allow_missing=allow_missing)
        return do_import(batch, acting_user=user)

    return run

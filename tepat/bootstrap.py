"""Make a fresh TEPAT_HOME usable: settings, folders, migrations, shipped regions. Idempotent."""

from __future__ import annotations

import os

import django


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepat.settings")
    django.setup()


def ensure_database() -> None:
    """Create and migrate the database when needed, then load the shipped region master."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tepat.secure import make_private, private_dir

    for folder in (settings.TEPAT_HOME, settings.UPLOAD_DIR, settings.REPORT_DIR, settings.STATIC_ROOT):
        private_dir(folder)
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":  # the database file and its WAL companions: for Tepat's user only
        for suffix in ("", "-wal", "-shm"):
            make_private(f"{connection.settings_dict['NAME']}{suffix}")
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.regions.loading import ensure_shipped_regions

    ensure_shipped_regions()
    ensure_shipped_opds()
    from tepat.programs.catalogue import ensure_catalogue

    ensure_catalogue()
    from tepat.indicators.tracker import ensure_public_figures

    ensure_public_figures()

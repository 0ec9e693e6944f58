from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "tepat.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from tepat.jobs.lease import reap_on_first_connection

        connection_created.connect(reap_on_first_connection, dispatch_uid="tepat.jobs.reap")
        register_scope()


def register_scope() -> None:
    from tepat.accounts.scope import register
    from tepat.jobs.models import Job
    from tepat.jobs.scope import uploads_visible_to

    register(Job, uploads_visible_to)

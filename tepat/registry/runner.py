"""Start an import batch as a job in a worker process (or in the request, for tests): tepat.jobs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from tepat.registry.actions import create_batch
from tepat.registry.models import ImportBatch
from tepat.secure import open_private


def store_upload(upload) -> Path:
    """Keep the uploaded file under $TEPAT_HOME/uploads/<sha256 prefix>/ (raw input is never altered)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    folder = Path(settings.UPLOAD_DIR) / "imports" / digest.hexdigest()[:16]
    target = folder / Path(upload.name).name
    with open_private(target) as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def start(upload, *, acting_user, requested_format: str, dry_run: bool, export_date=None) -> ImportBatch:
    """The batch, queued for a worker; its page polls the progress the worker writes on it."""
    path = store_upload(upload)
    batch = create_batch(
        path,
        acting_user=acting_user,
        file_name=upload.name,
        requested_format=requested_format,
        dry_run=dry_run,
        export_date=export_date,
    )
    return run(batch, acting_user=acting_user)


def run(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """Queue a batch (a new upload, or a held one a person confirmed) for a worker; its page polls the progress."""
    from tepat.jobs.run import enqueue

    enqueue("import", acting_user=acting_user, batch=batch)
    batch.refresh_from_db()
    return batch

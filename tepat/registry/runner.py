"""Run an import batch in the background of the web process (or in the request, for tests)."""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from tepat.registry.actions import create_batch, do_import
from tepat.registry.models import BatchStatus, ImportBatch
from tepat.secure import open_private

log = logging.getLogger(__name__)


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
    path = store_upload(upload)
    batch = create_batch(path, acting_user=acting_user, file_name=upload.name, requested_format=requested_format,
                         dry_run=dry_run, export_date=export_date)
    return run(batch, acting_user=acting_user)


def run(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """Run a queued batch (a new upload, or a held one a person confirmed) the configured way."""
    if settings.TEPAT_IMPORT_RUNNER == "sync":
        return do_import(batch, acting_user=acting_user)
    threading.Thread(target=_run, args=(batch.pk, acting_user.pk), daemon=True, name=f"import-{batch.pk}").start()
    return batch


def _run(batch_id: int, user_id: int) -> None:
    from tepat.accounts.models import User

    close_old_connections()
    try:
        do_import(ImportBatch.objects.get(pk=batch_id), acting_user=User.objects.get(pk=user_id))
    except Exception:  # a programming error: record it on the batch so the page stops waiting
        log.exception("import batch %s crashed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, stage="error internal", progress=100)
        raise
    finally:
        close_old_connections()

"""Writes of the pockets app: each in a transaction, with an audit row."""

from __future__ import annotations

import json

from django.db import transaction
from shapely.geometry import mapping

from tepat.accounts.actor import actor_user
from tepat.accounts.models import AuditAction, audit
from tepat.engine.spatial import read_boundaries
from tepat.pockets.models import Boundary, BoundarySet
from tepat.pockets.regions import region_keys
from tepat.regions.models import Region


@transaction.atomic
def do_upload_boundaries(
    data: bytes, *, file_name: str, source: str, acting_user, synthetic: bool = False, code_property: str | None = None
) -> BoundarySet:
    """Store a GeoJSON file's kelurahan polygons as the current set. Raises BoundaryError (nothing
    written) for an invalid file; kelurahan without a polygon are accepted and kept as warnings."""
    boundaries = read_boundaries(data, region_keys(), code_property)
    upload = BoundarySet.objects.create(
        uploaded_by=actor_user(acting_user),
        file_name=file_name[:200],
        source=source[:300] or "-",
        synthetic=synthetic,
        code_property=boundaries.code_property,
        code_kind=boundaries.code_kind,
        warnings=[str(w) for w in boundaries.warnings],
    )
    regions = dict(Region.objects.filter(code__in=list(boundaries.polygons)).values_list("code", "id"))
    Boundary.objects.bulk_create(
        Boundary(boundary_set=upload, region_id=regions[code], geometry=json.dumps(mapping(polygon)))
        for code, polygon in boundaries.polygons.items()
    )
    audit(
        AuditAction.BOUNDARIES_UPLOADED,
        file_name,
        acting_user=acting_user,
        boundary_set=upload.pk,
        synthetic=synthetic,
        polygons=len(boundaries.polygons),
        missing=[r.code for r in boundaries.missing],
    )
    return upload

"""Where the demo happens: the demo settings of the region's city pack (pack.json "demo"), or, for a region
without a pack, settings derived from its region master (first kecamatan and kelurahan by code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tepat.regions.models import Level, Region
from tepat.regions.pack import fill, pack_settings, place_names

GENERIC = {  # a region without a pack: the same roles, named after the region
    "meeting_place": "Aula Bappeda {wilayah}",
    "meeting_chair": "Sekretaris Daerah {wilayah}",
    "bps": "BPS {wilayah}",
}


@dataclass(frozen=True)
class DemoPlace:
    region: str  # the kab/kota (or province) code
    camat: str  # kecamatan of the demo camat
    lurah: str  # kelurahan of the demo lurah, of the assigned families and of the verivali campaign
    meeting_place: str
    meeting_chair: str
    bps: str
    absent: tuple[str, ...]  # kecamatan absent from rakor I and II
    technical: tuple[str, ...]  # kelurahan invited to the technical meeting
    centres: dict[str, tuple[float, float]] = field(default_factory=dict)  # rough kecamatan positions (map only)

    def kecamatan(self):
        return Region.objects.filter(level=Level.KECAMATAN, code__startswith=self.region + ".").order_by("code")

    def kelurahan(self):
        return Region.objects.filter(level=Level.KELURAHAN, code__startswith=self.region + ".").order_by("code")

    def name_of(self, code: str) -> str:
        return Region.objects.filter(code=code).values_list("name", flat=True).first() or code

    def kelurahan_text(self, text: str) -> str:
        """The demo texts say '31 kelurahan' (Tanjungbalai's count): the region's own count instead."""
        count = self.kelurahan().count()
        return text.replace("18 dari 31", f"{round(count * 0.58)} dari {count}").replace(
            "31 kelurahan", f"{count} kelurahan"
        )


def demo_place(code: str) -> DemoPlace:
    """The pack's demo settings on top of the derived ones. Needs the region's kecamatan in the master."""
    derived = _derived(code)
    given = fill({**GENERIC, **pack_settings(code).get("demo", {})}, place_names(code))
    values = {**derived, **given}
    values["centres"] = {k: tuple(v) for k, v in values.get("centres", {}).items()}
    return DemoPlace(region=code, **{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def _derived(code: str) -> dict:
    kecamatan = list(
        Region.objects.filter(level=Level.KECAMATAN, code__startswith=code + ".")
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not kecamatan:
        raise LookupError(
            f"wilayah {code} tidak punya kecamatan di master wilayah / region {code} has no kecamatan in the master"
        )
    busiest = _busiest(code)
    firsts = [
        Region.objects.filter(parent__code=k, level=Level.KELURAHAN)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
        for k in kecamatan[:2]
    ]
    lurah = busiest or firsts[0]
    return {
        "camat": lurah.rsplit(".", 1)[0],
        "lurah": lurah,
        "absent": tuple(kecamatan[-1:]),
        "technical": tuple(dict.fromkeys(c for c in (lurah, *firsts) if c)),
    }


def _busiest(code: str) -> str | None:
    """The region's kelurahan with the most active families (None before the registry holds any). One query."""
    from django.db.models import Count

    from tepat.registry.models import Family

    top = (
        Family.objects.filter(is_active=True, kelurahan__code__startswith=code + ".")
        .values("kelurahan__code")
        .annotate(n=Count("id"))
        .order_by("-n", "kelurahan__code")
        .first()
    )
    return top["kelurahan__code"] if top else None

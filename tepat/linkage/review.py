"""What the review page shows: both records side by side with their differences, and the waterfall of
match weights (prior, then each comparison, ending at the pair's total weight). No HTML here."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tepat.accounts.masking import identity_for, mask_numbers
from tepat.accounts.roles import policy_for
from tepat.linkage.models import Pair, PairKind
from tepat.linkage.serialize import records

# (label, how to read a member/family) for the side-by-side table
FIELDS = [
    (_("Sumber"), lambda m, f: f.get_source_display()),
    (_("Nama"), lambda m, f: m.nama if m else f.kepala_keluarga),
    ("NIK", lambda m, f: m.nik if m else ""),
    (_("Tanggal lahir"), lambda m, f: m.tanggal_lahir.strftime("%d-%m-%Y") if m and m.tanggal_lahir else ""),
    (_("Jenis kelamin"), lambda m, f: m.jenis_kelamin if m else ""),
    (_("Hubungan dengan kepala keluarga"), lambda m, f: m.hubungan_dengan_kepala_keluarga if m else ""),
    ("No KK", lambda m, f: f.no_kk),
    (_("Kelurahan"), lambda m, f: f.kelurahan.name),
    ("RT/RW", lambda m, f: f"{f.rt}/{f.rw}"),
    (_("Alamat"), lambda m, f: f.alamat),
    (_("ID keluarga"), lambda m, f: f.id_keluarga_p3ke or f.source_key),
]
MASKED = {"NIK", "No KK"}
COMPARISON_LABELS = {
    "nik": "NIK",
    "nama": _("Nama"),
    "tanggal_lahir": _("Tanggal lahir"),
    "jenis_kelamin": _("Jenis kelamin"),
    "alamat": _("Kelurahan, RW, RT"),
    "hubungan": _("Hubungan"),
    "no_kk": "No KK",
}


def side_by_side(pair: Pair, user) -> list[dict]:
    """Rows of (label, left, right, differs); NIK / No KK masked for masking roles (compared unmasked)."""
    rows, sees_numbers = [], policy_for(user).sees_identity_numbers
    for label, read in FIELDS:
        left, right = (str(read(*records(pair, s)) or "") for s in ("left", "right"))
        differs = left.strip().upper() != right.strip().upper()
        if label in MASKED:
            left, right = identity_for(user, left), identity_for(user, right)
        elif not sees_numbers:  # a DTSEN family's key is its No KK
            left, right = mask_numbers(left), mask_numbers(right)
        rows.append({"label": label, "left": left, "right": right, "differs": differs})
    return rows


@dataclass
class Bar:
    name: str
    label: str
    weight: float
    start: float
    end: float


def _level_label(model: dict, name: str, weight: float) -> str:
    """The comparison level whose trained weight log2(m/u) is nearest the pair's weight."""
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") != name:
            continue
        best, label = math.inf, ""
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            level_weight = 0.0 if level.get("is_null_level") or not (m and u) else math.log2(m / u)
            if abs(level_weight - weight) < best:
                best, label = abs(level_weight - weight), level.get("label_for_charts", "")
        return label
    return ""


def waterfall(pair: Pair) -> list[Bar]:
    """Prior, one bar per comparison (cumulative), then the total. Empty for family pairs."""
    if pair.kind == PairKind.FAMILY or not isinstance(pair.weights, dict) or "nik" not in pair.weights:
        return []
    model = pair.model.settings if pair.model else {}
    p = model.get("probability_two_random_records_match") or 1e-6
    prior = math.log2(p / (1 - p))
    bars, total = [Bar("prior", str(_("Peluang awal (prior)")), prior, 0.0, prior)], prior
    for name, weight in pair.weights.items():
        bars.append(
            Bar(
                name,
                f"{COMPARISON_LABELS.get(name, name)}: {_level_label(model, name, weight)}",
                weight,
                total,
                total + weight,
            )
        )
        total += weight
    bars.append(Bar("total", str(_("Bobot akhir")), total, 0.0, total))
    return bars


def waterfall_svg(bars: list[Bar], width: int = 640, row: int = 24, label_width: int = 330) -> dict:
    """Geometry for an inline SVG (attributes only: no style, no script, CSP-safe)."""
    if not bars:
        return {}
    low = min(0.0, *(min(b.start, b.end) for b in bars))
    high = max(0.0, *(max(b.start, b.end) for b in bars))
    plot = width - label_width - 60
    scale = plot / ((high - low) or 1.0)
    x = lambda v: label_width + (v - low) * scale  # noqa: E731
    items = [
        {
            "y": i * row + 4,
            "ty": i * row + 17,
            "x": round(x(min(b.start, b.end)), 1),
            "w": max(1.0, round(abs(b.end - b.start) * scale, 1)),
            "label": b.label,
            "weight": f"{b.weight:+.1f}",
            "tx": round(x(max(b.start, b.end)) + 4, 1),
            "kind": "total"
            if b.name == "total"
            else ("prior" if b.name == "prior" else ("pos" if b.weight >= 0 else "neg")),
        }
        for i, b in enumerate(bars)
    ]
    return {"width": width, "height": len(bars) * row + 8, "zero": round(x(0.0), 1), "items": items}

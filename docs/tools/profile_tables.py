"""Print the per-format column tables of docs/formats.md from the shipped JSON profiles.

    TEPAT_HOME=/tmp/tepat-docs .venv/bin/python docs/tools/profile_tables.py > /tmp/tables.md

Paste the output into docs/formats.md when a profile changes (the doc is committed text).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepat.settings")

import django

django.setup()

from tepat.registry.importer.load import family_fields, member_fields  # noqa: E402
from tepat.registry.importer.profiles import load_domains, load_profiles, normalize_header  # noqa: E402


def destination(profile, canonical: str, fams: list[str], mems: list[str]) -> str:
    """Where the importer puts a canonical column of this profile."""
    if canonical in profile.ignored:
        return "ignored"
    places = []
    if canonical == profile.family_key:
        places.append("Family.source_key" if profile.has_families else "links the member to its Family (source_key)")
    if canonical == profile.region_column:
        places.append("Family.kelurahan (matched on Kemendagri digits, else BPS code)")
    if profile.desil and canonical == profile.desil.column:
        places.append(f"Family.desil (scale `{profile.desil.scale}`, {profile.desil.min}-{profile.desil.max})")
    if profile.desil and canonical in profile.desil.also:
        places.append(f"Family.{canonical} ({profile.desil.min}-{profile.desil.max})")
    if canonical in profile.asset_columns:
        places.append(f'Family.aset["{canonical}"]')
    if (
        profile.has_families
        and canonical in fams
        and canonical not in ("kelurahan_id", "desil")
        and canonical not in (profile.desil.also if profile.desil else ())
    ):
        places.append(f"Family.{canonical}")
    if profile.has_members and canonical == "nik":
        places.append("Member.source_key + Member.nik")
    elif profile.has_members and canonical in mems:
        places.append(f"Member.{canonical}" + (" (head)" if profile.head_from_row else ""))
    if profile.level == "individu" and canonical == "nama":
        places.append("Family.kepala_keluarga (from the head's row)")
    if profile.head_from_row and canonical == "kepala_keluarga":
        places.append("Member.nama of the head when `nama` is empty")
    return "; ".join(places) or "read, not stored"


def table(profile) -> str:
    # the fields a file of this format writes when it carries every column of the profile;
    # a file without a column leaves that field alone (load.family_fields / member_fields take `present`)
    present = frozenset(name for name in profile.columns if name not in profile.ignored)
    fams = family_fields(profile, present) if profile.has_families else []
    mems = member_fields(profile, present) if profile.has_members else []
    domains, _ = load_domains()
    lines = [
        "| canonical field | accepted headers (normalised) | required | domain | stored in |",
        "|---|---|---|---|---|",
    ]
    for canonical, spellings in profile.columns.items():
        headers = ", ".join(
            f"`{normalize_header(s)}`" for s in dict.fromkeys(normalize_header(x) for x in [*spellings, canonical])
        )
        lines.append(
            f"| `{canonical}` | {headers} | {'yes' if canonical in profile.required else ''} | "
            f"{'yes' if canonical in domains else ''} | {destination(profile, canonical, fams, mems)} |"
        )
    lines.append("")
    lines.append(
        "Family fields a file with all these columns speaks for: " + (", ".join(f"`{f}`" for f in fams) or "none") + "."
    )
    lines.append(
        "Member fields a file with all these columns speaks for: "
        + (", ".join(f"`{f}`" for f in (["family_id", *mems] if mems else [])) or "none")
        + "."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    for name, profile in load_profiles().items():
        print(f"### `{name}`\n\n{table(profile)}\n")

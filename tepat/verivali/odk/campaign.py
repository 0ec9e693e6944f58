"""What a campaign's XLSForm preloads: its assigned families, their active members, enumerators, kelurahan.

Three queries whatever the campaign's size. Labels hold names, address and RT/RW only, never a NIK
or No KK (see xlsform.py).
"""

from __future__ import annotations

from tepat.registry.models import Member
from tepat.verivali.odk.xlsform import FormFamily, FormMember, FormSpec


def family_label(family) -> str:
    where = f"RT {family.rt or '-'}/RW {family.rw or '-'}"
    return " · ".join(part for part in (family.kepala_keluarga or "(tanpa nama)", family.alamat, where) if part)


def member_label(member) -> str:
    return f"{member.nama or '(tanpa nama)'} ({member.hubungan_dengan_kepala_keluarga or 'anggota'})"


def campaign_form_spec(campaign) -> FormSpec:
    from tepat.verivali.models import Keberadaan

    rows = list(
        campaign.families.filter(enumerator__isnull=False)
        .select_related("family", "enumerator")
        .order_by("family__rw", "family__rt", "family__kepala_keluarga", "family_id")
    )
    families = [FormFamily(r.family_id, family_label(r.family), r.family.version, r.enumerator.username) for r in rows]
    members = Member.objects.filter(family_id__in=[f.id for f in families], is_active=True).order_by("family_id", "id")
    enumerators = sorted({(r.enumerator.username, r.enumerator.get_full_name() or r.enumerator.username) for r in rows})
    return FormSpec(
        campaign_id=campaign.pk,
        title=f"Verivali {campaign.name}",
        enumerators=list(enumerators),
        kelurahan=[(k.code, k.name) for k in campaign.kelurahan.order_by("code")],
        families=families,
        members=[FormMember(m.pk, m.family_id, member_label(m)) for m in members],
        keberadaan=[(value, str(label)) for value, label in Keberadaan.choices],
    )

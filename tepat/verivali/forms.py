"""Forms of the verivali pages, and the phone visit form's POST turned into the visit payload (README.md)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tepat.accounts.masking import mask
from tepat.accounts.roles import Role, policy_for
from tepat.regions.models import Level, Region
from tepat.registry.fields import IDENTITY_FIELDS
from tepat.verivali.models import Campaign, Keberadaan, Musyawarah, PhotoKind
from tepat.verivali.payload import FAMILY_CORRECTABLE, MEMBER_CORRECTABLE, checklist_items, domains

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.ModelForm):
    kelurahan = forms.ModelMultipleChoiceField(
        Region.objects.filter(level=Level.KELURAHAN).select_related("parent"),
        label=_("Kelurahan"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Campaign
        fields = ["name", "period_start", "period_end", "max_desil", "selection", "status"]
        widgets = {"period_start": DATE_INPUT, "period_end": DATE_INPUT, "selection": forms.Textarea(attrs={"rows": 2})}


def enumerators():
    return get_user_model().objects.filter(role=Role.ENUMERATOR, is_active=True).order_by("username")


class AssignForm(forms.Form):
    enumerator = forms.ModelChoiceField(enumerators(), label=_("Pendata"))
    kelurahan = forms.ModelChoiceField(Region.objects.none(), label=_("Kelurahan"), required=False)
    rt = forms.CharField(label="RT", max_length=5, required=False)
    rw = forms.CharField(label="RW", max_length=5, required=False)
    family_ids = forms.CharField(label=_("atau ID keluarga (pisahkan dengan koma/spasi)"), required=False)
    reassign = forms.BooleanField(
        label=_("Alihkan juga keluarga yang sudah ditugaskan ke pendata lain"), required=False
    )
    reason = forms.CharField(label=_("Alasan pengalihan"), max_length=255, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enumerator"].queryset = enumerators()
        self.fields["kelurahan"].queryset = campaign.kelurahan.all()

    def clean_family_ids(self) -> list[int] | None:
        text = self.cleaned_data["family_ids"].replace(",", " ").split()
        if not text:
            return None
        bad = [t for t in text if not t.isdigit()]
        if bad:
            raise forms.ValidationError(_("Bukan ID keluarga: %(values)s") % {"values": ", ".join(bad[:5])})
        return [int(t) for t in text]


class MusyawarahForm(forms.ModelForm):
    class Meta:
        model = Musyawarah
        fields = ["held_on", "place", "attendees", "notes"]
        widgets = {
            "held_on": DATE_INPUT,
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(choices=[(APPROVE, _("Setujui")), (REJECT, _("Tolak"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Usulan"))
    reason = forms.CharField(label=_("Alasan"), max_length=255, required=False)
    musyawarah = forms.ModelChoiceField(Musyawarah.objects.none(), label=_("Musyawarah"), required=False)

    def __init__(self, *args, requests, meetings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(r.pk, r.pk) for r in requests]
        self.fields["musyawarah"].queryset = meetings


# --- the phone visit form ----------------------------------------------------------------------------------

FIELD_LABELS = {
    "kepala_keluarga": _("Nama kepala keluarga"),
    "no_kk": _("No KK"),
    "alamat": _("Alamat"),
    "rt": "RT",
    "rw": "RW",
    "kepemilikan_rumah": _("Kepemilikan rumah"),
    "jenis_atap": _("Jenis atap"),
    "jenis_dinding": _("Jenis dinding"),
    "jenis_lantai": _("Jenis lantai"),
    "luas_lantai": _("Luas lantai (m²)"),
    "sumber_penerangan": _("Sumber penerangan"),
    "daya_listrik": _("Daya listrik"),
    "bahan_bakar_memasak": _("Bahan bakar memasak"),
    "sumber_air_minum": _("Sumber air minum"),
    "fasilitas_bab": _("Fasilitas BAB (jamban)"),
    "memiliki_simpanan": _("Memiliki simpanan"),
    "nama": _("Nama"),
    "nik": "NIK",
    "jenis_kelamin": _("Jenis kelamin"),
    "tanggal_lahir": _("Tanggal lahir"),
    "hubungan_dengan_kepala_keluarga": _("Hubungan dengan kepala keluarga"),
    "status_kawin": _("Status kawin"),
    "pendidikan": _("Pendidikan"),
    "pekerjaan": _("Pekerjaan"),
    "status_bekerja": _("Status bekerja"),
    "disabilitas": _("Disabilitas"),
    "penyakit_kronis": _("Penyakit kronis"),
    "latitude": _("Lintang (GPS)"),
    "longitude": _("Bujur (GPS)"),
    "is_active": _("Status di registri"),
}
# Groups of the family corrections on the phone form, in order.
FAMILY_GROUPS = (
    (_("Identitas dan alamat"), ("kepala_keluarga", "no_kk", "alamat", "rt", "rw")),
    (_("Rumah"), ("kepemilikan_rumah", "jenis_atap", "jenis_dinding", "jenis_lantai", "luas_lantai")),
    (
        _("Air, sanitasi dan energi"),
        (
            "sumber_air_minum",
            "fasilitas_bab",
            "sumber_penerangan",
            "daya_listrik",
            "bahan_bakar_memasak",
            "memiliki_simpanan",
        ),
    ),
)
MEMBER_FORM_FIELDS = ("nama", "nik", "jenis_kelamin", "tanggal_lahir", "hubungan_dengan_kepala_keluarga", "pekerjaan")
NEW_MEMBER_FIELDS = ("nama", "nik", "jenis_kelamin", "tanggal_lahir", "hubungan_dengan_kepala_keluarga")


def masks(user) -> bool:
    """Whether the visit form shows this user NIK / No KK masked (docs/roles.md: admin and camat)."""
    return user is not None and not policy_for(user).sees_identity_numbers


def shown_value(name: str, value, masked: bool) -> str:
    """A registry value as the form shows it: ISO dates, and NIK / No KK masked for a masking role.

    The form sends back what it showed; `_changed` compares with this same text on the server, so an
    untouched masked number is no correction and the full number never reaches the browser."""
    text = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return mask(text) if masked and name in IDENTITY_FIELDS else text


def input_for(name: str, value, prefix: str, masked: bool = False) -> dict:
    """What the template needs to draw one correctable field: name, label, value, choices or type."""
    current = shown_value(name, value, masked)
    entry = {"name": f"{prefix}{name}", "field": name, "label": FIELD_LABELS.get(name, name), "value": current}
    if name in domains():
        choices = list(domains()[name])
        entry["choices"] = choices if current in choices or not current else [current, *choices]
    elif name == "tanggal_lahir":
        entry["type"] = "date"
    elif name in ("nik", "no_kk", "rt", "rw", "luas_lantai"):
        entry["type"] = "text"
        entry["inputmode"] = "decimal" if name == "luas_lantai" else "numeric"
    if name in IDENTITY_FIELDS:
        entry["pattern"] = "[0-9]{16}"
    if masked and name in IDENTITY_FIELDS and current:
        entry["masked"] = True  # the browser accepts the masked text unchanged, or a full new number
        entry["pattern"] += "|" + current.replace("*", "[*]")
    return entry


def family_inputs(family, masked: bool = False) -> list[tuple[str, list[dict]]]:
    return [
        (title, [input_for(n, getattr(family, n) if family else None, "f_", masked) for n in names])
        for title, names in FAMILY_GROUPS
    ]


def member_inputs(member, masked: bool = False) -> list[dict]:
    return [input_for(n, getattr(member, n), f"m{member.pk}_", masked) for n in MEMBER_FORM_FIELDS]


def new_member_inputs() -> list[dict]:
    return [input_for(n, None, "new_") for n in NEW_MEMBER_FIELDS]


def form_context(family, user=None) -> dict:
    masked = masks(user)
    return {
        "keberadaan_choices": Keberadaan.choices,
        "photo_kinds": PhotoKind.choices,
        "checklist": checklist_items(),
        "family_groups": family_inputs(family, masked),
        "new_member_inputs": new_member_inputs(),
        "members": [(m, member_inputs(m, masked)) for m in family.members.filter(is_active=True).order_by("pk")]
        if family
        else [],
    }


def _changed(post, prefix: str, names, record, masked: bool = False) -> dict:
    """Only the fields the enumerator changed, compared on the server with the value the form showed
    (`shown_value`: masked NIK / No KK for a masking role, so the original never travels to the browser)."""
    found = {}
    for name in names:
        key = f"{prefix}{name}"
        if key not in post:
            continue
        value = post.get(key, "").strip()
        shown = shown_value(name, getattr(record, name) if record is not None else None, masked)
        if value != shown and (record is not None or value):
            found[name] = value
    return found


def visit_payload(post, files, family, *, kelurahan_code: str = "", user=None) -> dict:
    """The phone form's POST and files as the visit payload (the same contract the ODK ingest fills).
    `user`: the one who filled it in; for a masking role NIK / No KK were shown masked (see `_changed`)."""
    masked = masks(user)
    payload = {
        "submission_key": post.get("submission_key", ""),
        "family_id": family.pk if family else None,
        "started_version": post.get("started_version") or None,
        "keberadaan": post.get("keberadaan", ""),
        "keterangan": post.get("keterangan", ""),
        "memenuhi_kriteria": post.get("memenuhi_kriteria", ""),
        "alasan": post.get("alasan", ""),
        "fields": _changed(post, "f_", FAMILY_CORRECTABLE, family, masked),
        "members": _members(post, family, masked) + _new_members(post),
        "gps": _gps(post),
        "checklist": {item.code: f"cl_{item.code}" in post for item in checklist_items()},
        "photos": [
            {"kind": kind, "name": upload.name, "content": upload.read()}
            for kind in PhotoKind.values
            for upload in files.getlist(f"photo_{kind}")
        ],
        "submitted_at": None,
    }
    if family is None:
        payload["kelurahan"] = kelurahan_code or post.get("kelurahan", "")
    return payload


def _members(post, family, masked: bool = False) -> list[dict]:
    if family is None:
        return []
    found = []
    for member in family.members.filter(is_active=True).order_by("pk"):
        keberadaan = post.get(f"m{member.pk}_keberadaan", Keberadaan.TERKONFIRMASI)
        fields = _changed(post, f"m{member.pk}_", MEMBER_CORRECTABLE, member, masked)
        if fields or keberadaan != Keberadaan.TERKONFIRMASI:
            found.append(
                {
                    "member_id": member.pk,
                    "keberadaan": keberadaan,
                    "keterangan": post.get(f"m{member.pk}_keterangan", ""),
                    "fields": fields,
                }
            )
    return found


def _new_members(post) -> list[dict]:
    columns = {name: post.getlist(f"new_{name}") for name in NEW_MEMBER_FIELDS}
    rows = max((len(v) for v in columns.values()), default=0)
    found = []
    for index in range(rows):
        fields = {
            name: values[index].strip()
            for name, values in columns.items()
            if index < len(values) and values[index].strip()
        }
        if fields:
            found.append({"member_id": None, "keberadaan": Keberadaan.TERKONFIRMASI, "fields": fields})
    return found


def _gps(post) -> dict | None:
    if not post.get("gps_lat") or not post.get("gps_lon"):
        return None
    return {"lat": post["gps_lat"], "lon": post["gps_lon"], "accuracy": post.get("gps_accuracy") or None}

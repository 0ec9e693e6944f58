"""Forms of the meeting pages. Writes go through tepat.meetings.actions; these only parse and check input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tepat.accounts.models import Opd
from tepat.meetings.actions import EVIDENCE_SUFFIXES, Guest
from tepat.meetings.models import ActionStatus, Meeting
from tepat.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def parse_guests(text: str) -> list[Guest]:
    """One guest per line: `Instansi; Nama; Jabatan` (name and position optional). Raises ValidationError naming the line."""
    guests = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if not parts[0] or len(parts) > 3:
            raise forms.ValidationError(
                gettext(
                    "Baris %(n)s: tulis 'Instansi; Nama; Jabatan' (instansi wajib) / line %(n)s: write 'Institution; Name; Position'"
                )
                % {"n": number}
            )
        guests.append(Guest(*parts))
    return guests


class InviteesForm(forms.Form):
    opds = forms.ModelMultipleChoiceField(
        Opd.objects.order_by("name"), required=False, label=_("OPD"), widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.filter(level__in=["kecamatan", "kelurahan"]).order_by("code"),
        required=False,
        label=_("Camat / lurah"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    guests = forms.CharField(
        required=False,
        label=_("Narasumber / undangan lain (satu per baris: Instansi; Nama; Jabatan)"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "BPS Kota Tanjungbalai; Nama; Statistisi Ahli Muda"}),
    )

    def clean_guests(self) -> list[Guest]:
        return parse_guests(self.cleaned_data["guests"])

    def invitees(self) -> dict:
        data = self.cleaned_data
        return {"opds": list(data["opds"]), "regions": list(data["regions"]), "guests": data["guests"]}


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["type", "title", "date", "start_time", "end_time", "place", "chair", "agenda", "letter_number"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME, "agenda": forms.Textarea(attrs={"rows": 5})}


class NewMeetingForm(MeetingForm, InviteesForm):
    """Create: the meeting and its first invitees (every OPD and every camat ticked by default)."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. rapat ganda karena salah input, atau rapat tidak jadi diadakan."),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Notulen"), required=False, widget=forms.Textarea(attrs={"rows": 10}))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Keputusan / kesepakatan"), widget=forms.Textarea(attrs={"rows": 2}))


class ActionItemForm(forms.Form):
    what = forms.CharField(label=_("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(Opd.objects.order_by("name"), label=_("OPD penanggung jawab"))
    due = forms.DateField(label=_("Batas waktu"), widget=DATE)
    decision = forms.ModelChoiceField(None, required=False, label=_("Keputusan"))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = meeting.decisions.all()


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("Perkembangan"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Bukti (opsional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(EVIDENCE_SUFFIXES))}),
    )


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tutup sebagai"),
        choices=[(ActionStatus.DONE, ActionStatus.DONE.label), (ActionStatus.DROPPED, ActionStatus.DROPPED.label)],
    )
    note = forms.CharField(label=_("Catatan (wajib bila dibatalkan)"), required=False)

    def __init__(self, *args, may_drop: bool = True, **kwargs):
        kwargs.setdefault("auto_id", "close_%s")  # shown beside the progress form, whose `note` has id_note
        super().__init__(*args, **kwargs)
        if not may_drop:
            self.fields["status"].choices = [(ActionStatus.DONE, ActionStatus.DONE.label)]

"""Verivali pages (tepat/web/views/verivali/)."""

from django.urls import path

from tepat.web.views import verivali_ingest
from tepat.web.views.verivali import campaigns, decisions, handback, visits

urlpatterns = [
    path("verivali/", campaigns.campaign_list, name="verivali_campaigns"),
    path("verivali/baru/", campaigns.campaign_create, name="verivali_campaign_create"),
    path("verivali/<int:pk>/", campaigns.campaign_detail, name="verivali_campaign"),
    path("verivali/<int:pk>/tugaskan/", campaigns.campaign_assign, name="verivali_assign"),
    path("verivali/<int:pk>/tutup/", campaigns.campaign_close, name="verivali_campaign_close"),
    path("verivali/<int:pk>/progres.<str:kind>", campaigns.progress_export, name="verivali_progress_export"),
    path("verivali/<int:pk>/kirim-balik.<str:kind>", handback.handback_download, name="verivali_handback"),
    path("verivali/<int:pk>/kirim-balik/terkirim/", handback.handback_sent, name="verivali_handback_sent"),
    path("verivali/tugas/", visits.my_families, name="verivali_my_families"),
    path("verivali/<int:pk>/kunjungan/<int:family_pk>/", visits.visit_form, name="verivali_visit"),
    path("verivali/<int:pk>/usulan-baru/", visits.proposal_form, name="verivali_proposal"),
    path("verivali/kunjungan/<int:pk>/", visits.visit_done, name="verivali_visit_done"),
    path("verivali/foto/<int:pk>/", visits.photo, name="verivali_photo"),
    path("verivali/musyawarah/", decisions.musyawarah_page, name="verivali_musyawarah"),
    path("verivali/musyawarah/catat/", decisions.meeting_create, name="verivali_meeting_create"),
    path("verivali/musyawarah/putuskan/", decisions.decide, name="verivali_decide"),
    path("verivali/usulan/<int:pk>/", decisions.request_detail, name="verivali_request"),
    # ODK/Kobo files and the berita acara (views and work by the ODK/documents side: tepat/verivali/odk, documents.py)
    path("verivali/<int:pk>/unggah/", verivali_ingest.ingest_page, name="verivali_ingest"),
    path(
        "verivali/<int:pk>/unggah/<int:job>/laporan.<str:fmt>",
        verivali_ingest.ingest_report,
        name="verivali_ingest_report",
    ),
    path("verivali/<int:pk>/xlsform.xlsx", verivali_ingest.xlsform_download, name="verivali_xlsform"),
    path(
        "verivali/musyawarah/<int:pk>/berita-acara.<str:kind>",
        verivali_ingest.berita_acara_download,
        name="verivali_berita_acara",
    ),
]

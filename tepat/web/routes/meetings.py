"""Meetings (rakor) and their follow-up: tepat/web/views/meetings.py."""

from django.urls import path

from tepat.web.views import meetings

urlpatterns = [
    path("rapat/", meetings.meeting_list, name="meeting_list"),
    path("rapat/unduh.xlsx", meetings.meeting_export, name="meeting_export"),
    path("rapat/baru/", meetings.meeting_create, name="meeting_create"),
    path("rapat/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("rapat/<int:pk>/ubah/", meetings.meeting_edit, name="meeting_edit"),
    path("rapat/<int:pk>/undangan/", meetings.meeting_invite, name="meeting_invite"),
    path("rapat/<int:pk>/kehadiran/", meetings.meeting_attendance, name="meeting_attendance"),
    path("rapat/<int:pk>/notulen/", meetings.meeting_minutes, name="meeting_minutes"),
    path("rapat/<int:pk>/terlaksana/", meetings.meeting_hold, name="meeting_hold"),
    path("rapat/<int:pk>/batal/", meetings.meeting_cancel, name="meeting_cancel"),
    path("rapat/<int:pk>/keputusan/", meetings.meeting_decision, name="meeting_decision"),
    path("rapat/<int:pk>/tindak-lanjut/", meetings.meeting_action_item, name="meeting_action_item"),
    path("rapat/<int:pk>/unduh.xlsx", meetings.meeting_tables, name="meeting_tables"),
    path("rapat/<int:pk>/dokumen/<str:name>", meetings.meeting_document, name="meeting_document"),
    path("tindak-lanjut/", meetings.action_items, name="action_items"),
    path("tindak-lanjut/unduh.xlsx", meetings.action_items_export, name="action_items_export"),
    path("tindak-lanjut/<int:pk>/", meetings.action_item_detail, name="action_item_detail"),
    path("tindak-lanjut/<int:pk>/tutup/", meetings.action_item_close, name="action_item_close"),
    path("tindak-lanjut/<int:pk>/bukti/<int:progress>/", meetings.action_evidence, name="action_evidence"),
]

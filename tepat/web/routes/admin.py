"""Accountability pages for the admin (`manages_users`): users and the access log."""

from django.urls import path

from tepat.web.views import admin_log, admin_users

urlpatterns = [
    path("pengguna/", admin_users.user_list, name="admin_users"),
    path("pengguna/baru/", admin_users.user_create, name="admin_user_create"),
    path("pengguna/<int:pk>/", admin_users.user_detail, name="admin_user_detail"),
    path("pengguna/<int:pk>/sandi/", admin_users.user_password, name="admin_user_password"),
    path("pengguna/<int:pk>/status/", admin_users.user_status, name="admin_user_status"),
    path("log-akses/", admin_log.access_log, name="access_log"),
    path("log-akses/unduh.<str:kind>", admin_log.access_log_export, name="access_log_export"),
]

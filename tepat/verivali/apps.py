from django.apps import AppConfig


class VerivaliConfig(AppConfig):
    name = "tepat.verivali"
    verbose_name = "Verifikasi dan validasi"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tepat.accounts"
    verbose_name = "Pengguna"

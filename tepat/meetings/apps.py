from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tepat.meetings"
    verbose_name = "Rapat koordinasi"

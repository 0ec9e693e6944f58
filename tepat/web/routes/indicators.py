from django.urls import path

from tepat.web.views import indicators

urlpatterns = [
    path("indikator/", indicators.indicator_targets, name="indicators"),
]

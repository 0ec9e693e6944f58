from django.urls import path

from tepat.web.views import pockets

urlpatterns = [
    path("kantong/", pockets.pockets_page, name="pockets"),
    path("kantong/peta-<str:which>.<str:kind>", pockets.pockets_map, name="pockets_map"),
    path("kantong/peringkat.<str:kind>", pockets.pockets_ranking, name="pockets_ranking"),
    path("kantong/batas/", pockets.boundary_upload, name="boundary_upload"),
]

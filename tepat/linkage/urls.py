from django.urls import path

from tepat.linkage import views

urlpatterns = [
    path("tautan/", views.queue, name="linkage_queue"),
    path("tautan/<int:pk>/", views.review, name="linkage_review"),
    path("tautan/<int:pk>/putuskan/", views.decide, name="linkage_decide"),
    path("tautan/kampanye-ganda/", views.ganda_campaign, name="linkage_ganda_campaign"),
]

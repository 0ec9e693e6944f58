"""`/api/v1/` (the docs page, ours; then Ninja's operations and `openapi.json`) and the token page."""

from __future__ import annotations

from django.urls import path

from tepat.api import views
from tepat.api.api import api

urlpatterns = [
    path("akun/token/", views.tokens, name="api_tokens"),
    path("akun/token/<int:pk>/cabut/", views.revoke, name="api_token_revoke"),
    path("api/v1/docs", views.docs, name="api_docs"),
    path("api/v1/", api.urls),
]

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("tuixuan.core.urls")),
    path("registry/", include("tuixuan.registry.urls")),
]

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "election"
urlpatterns: list[URLPattern | URLResolver] = []

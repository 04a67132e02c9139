from __future__ import annotations

from django.apps import AppConfig


class NominationConfig(AppConfig):
    name = "tuixuan.nomination"
    label = "nomination"
    verbose_name = "推荐提名"

from __future__ import annotations

from django.apps import AppConfig


class ElectionConfig(AppConfig):
    name = "tuixuan.election"
    label = "election"
    verbose_name = "选举"

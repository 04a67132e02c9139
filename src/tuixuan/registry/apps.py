from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tuixuan.registry"
    label = "registry"
    verbose_name = "党组织与党员"

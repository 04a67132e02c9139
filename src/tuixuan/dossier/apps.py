from __future__ import annotations

from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "tuixuan.dossier"
    label = "dossier"
    verbose_name = "全程纪实"

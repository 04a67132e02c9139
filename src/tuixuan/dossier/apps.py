from __future__ import annotations

from django.apps import AppConfig


class DossierConfig(AppConfig):
    """The reading side of the record: books, unit forms, exports, accountability views."""

    name = "tuixuan.dossier"
    label = "dossier"
    verbose_name = "全程纪实（一人一册）"

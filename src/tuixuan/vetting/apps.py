from __future__ import annotations

from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "tuixuan.vetting"
    label = "vetting"
    verbose_name = "考察审查"

    def ready(self) -> None:
        # The registry announces changes to members and outside lists with a signal; vetting
        # listens and re-checks the open cases of the persons concerned (the registry never
        # imports vetting).
        from tuixuan.vetting import receivers  # noqa: F401

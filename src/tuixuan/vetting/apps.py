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
        from tuixuan.core.next_steps import register_waiting
        from tuixuan.vetting import next_steps, receivers  # noqa: F401

        register_waiting(next_steps.waiting_for)

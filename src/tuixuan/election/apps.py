from __future__ import annotations

from django.apps import AppConfig


class ElectionConfig(AppConfig):
    name = "tuixuan.election"
    label = "election"
    verbose_name = "选举"

    def ready(self) -> None:
        # Models are loaded only once the app registry is ready, hence the import here.
        from tuixuan.core.next_steps import register_waiting
        from tuixuan.election import next_steps, record_state
        from tuixuan.record.verification import register_state_check

        register_state_check(record_state.check)
        register_waiting(next_steps.waiting_for)

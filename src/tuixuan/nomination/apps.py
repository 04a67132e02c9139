from __future__ import annotations

from django.apps import AppConfig


class NominationConfig(AppConfig):
    name = "tuixuan.nomination"
    label = "nomination"
    verbose_name = "推荐提名"

    def ready(self) -> None:
        # Models are loaded only once the app registry is ready, hence the import here.
        from tuixuan.core.next_steps import register_waiting
        from tuixuan.nomination import next_steps, record_state
        from tuixuan.record.verification import register_state_check

        register_state_check(record_state.check)
        register_waiting(next_steps.waiting_for)

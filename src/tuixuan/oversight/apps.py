from __future__ import annotations

from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "tuixuan.oversight"
    label = "oversight"
    verbose_name = "监督检查"

    def ready(self) -> None:
        # Models are loaded only once the app registry is ready, hence the import here.
        from tuixuan.core.next_steps import register_waiting
        from tuixuan.oversight import alerts, next_steps
        from tuixuan.record.services import event_committed

        register_waiting(next_steps.waiting_for)
        event_committed.connect(alerts.on_event_committed, dispatch_uid="oversight.alerts")

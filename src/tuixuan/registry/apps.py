from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tuixuan.registry"
    label = "registry"
    verbose_name = "党组织与党员"

    def ready(self) -> None:
        # Models are loaded only once the app registry is ready, hence the import here.
        from tuixuan.record.verification import register_state_check
        from tuixuan.registry import record_state

        register_state_check(record_state.check)

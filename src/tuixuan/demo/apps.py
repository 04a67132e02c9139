from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: a realistic city built through the services, and the `demo` command.

    It sits at the top: it uses every app, and no app uses it."""

    name = "tuixuan.demo"
    label = "demo"
    verbose_name = "演示数据"

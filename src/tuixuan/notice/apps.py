from __future__ import annotations

from django.apps import AppConfig


class NoticeConfig(AppConfig):
    name = "tuixuan.notice"
    label = "notice"
    verbose_name = "公示和预备人选"

    def ready(self) -> None:
        # What waits for whom in 公示, 二下 and 报批: the home page and the 下一步 box.
        from tuixuan.core.next_steps import register_waiting
        from tuixuan.notice.next_steps import waiting_for

        register_waiting(waiting_for)

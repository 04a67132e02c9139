"""``tuixuan checkpoint``: write a keyed checkpoint of every chain head (run it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tuixuan.record.checkpoints import write_checkpoints


class Command(BaseCommand):
    help = "为每条纪实链的链尾写入带密钥的检查点（建议每日运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = write_checkpoints(reason="command")
        for c in made:
            self.stdout.write(f"检查点：纪实链 {c.chain} 第 {c.seq} 条，链尾哈希 {c.head_hash}")
        self.stdout.write(f"共写入 {len(made)} 个检查点。")

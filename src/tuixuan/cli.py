"""The ``tuixuan`` console command: Django management commands with friendlier names."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuixuan.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        args = ["help", "--commands"] if not args or args[0] != "help" or len(args) == 1 else args
        if args == ["help", "--commands"]:
            print("用法: tuixuan <子命令> [参数]\n")
            print("常用子命令: migrate, serve, worker, demo, import-orgs, import-members,")
            print("           import-list, export-members, count, verify-record, purge-files,")
            print("           bench\n")
    else:
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tuixuan", *args])


if __name__ == "__main__":
    main()

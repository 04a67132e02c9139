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
            print("           import-list, export-members, count, verify-record, checkpoint,")
            print("           db-roles, backup, restore, purge-files, user, bench\n")
    else:
        args[0] = args[0].replace("-", "_")
        if args[0] == "migrate":
            _migrate_as_owner()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tuixuan", *args])


def _migrate_as_owner() -> None:
    """With DATABASE_OWNER_URL set, migrations run as the owner role and grant the role of
    DATABASE_URL (the application's) what it needs and no more."""
    owner_url = os.environ.get("DATABASE_OWNER_URL", "")
    if not owner_url:
        return
    from urllib.parse import unquote, urlsplit

    app_user = unquote(urlsplit(os.environ.get("DATABASE_URL", "")).username or "")
    owner_user = unquote(urlsplit(owner_url).username or "")
    if app_user and app_user != owner_user:
        os.environ["TUIXUAN_DB_APP_ROLE"] = app_user
    os.environ["DATABASE_URL"] = owner_url


if __name__ == "__main__":
    main()

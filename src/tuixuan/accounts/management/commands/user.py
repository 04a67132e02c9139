from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuixuan.accounts import services
from tuixuan.accounts.user_import import ROLE_NAMES, read_users
from tuixuan.core.errors import DomainError
from tuixuan.core.models import Organisation, Role, User
from tuixuan.core.passwords import temporary_password
from tuixuan.registry.importing.common import ImportFileError


class Command(BaseCommand):
    help = "账户管理：create 新建、import 批量导入、unlock 解除锁定、reset 重置密码、disable 停用"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--actor",
            default="",
            help="以该用户的身份和权限操作（默认：系统，不受角色限制）",
        )
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建一个账户，打印一次性初始密码")
        create.add_argument("--username", required=True)
        create.add_argument("--name", default="", help="姓名")
        create.add_argument("--role", required=True, help="角色（中文名称或代码）")
        create.add_argument("--org", required=True, help="组织代码")
        create.add_argument("--phone", default="")
        create.add_argument("--department", default="")
        imp = sub.add_parser("import", help="从 .xlsx/.csv 批量导入，打印每个账户的初始密码")
        imp.add_argument("file", type=Path)
        for name, text in (
            ("unlock", "解除该用户在所有地址的登录锁定"),
            ("reset", "重置密码（打印一次性密码，登录后须修改）"),
            ("disable", "停用账户"),
            ("enable", "重新启用账户"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("username")
            if name == "disable":
                p.add_argument("--reason", required=True, help="停用原因")
        addr = sub.add_parser("unlock-address", help="解除一个客户端地址的登录锁定")
        addr.add_argument("address")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._user(options["actor"]) if options["actor"] else None
        action = options["action"]
        try:
            if action == "create":
                self._create(actor, options)
            elif action == "import":
                self._import(actor, options["file"])
            elif action == "unlock-address":
                services.login_address_unlock(actor=actor, address=options["address"])
                self.stdout.write(f"已解除地址 {options['address']} 的登录锁定。")
            else:
                self._one(actor, action, options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str) -> User:
        user = User.objects.select_related("organisation").filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        return user

    def _create(self, actor: User | None, options: dict[str, Any]) -> None:
        role = ROLE_NAMES.get(options["role"])
        if role is None:
            raise CommandError(f"无法识别的角色“{options['role']}”；可用：{'、'.join(Role.values)}")
        org = Organisation.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"组织代码“{options['org']}”不存在。")
        password = temporary_password()
        user = services.user_create(
            actor=actor,
            username=options["username"],
            password=password,
            role=role,
            organisation=org,
            display_name=options["name"],
            department=options["department"],
            phone=options["phone"],
        )
        self.stdout.write(f"已创建 {user.username}（{role.label}，{org.name}）")
        self.stdout.write(f"初始密码（仅显示一次，首次登录须修改）：{password}")

    def _import(self, actor: User | None, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows, errors = read_users(path, actor=actor)
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有 {len(errors)} 处错误，未导入任何账户。")
        created = services.users_import(actor=actor, rows=rows, source=path.name)
        self.stdout.write("用户名\t姓名\t角色\t组织代码\t初始密码")
        for user, password in created:
            org = user.organisation.code if user.organisation else ""
            self.stdout.write(
                f"{user.username}\t{user.display_name}\t{user.get_role_display()}\t{org}\t{password}"
            )
        self.stderr.write(f"已导入 {len(created)} 个账户；初始密码仅显示这一次。")

    def _one(self, actor: User | None, action: str, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        if action == "unlock":
            services.user_unlock(actor=actor, user=user)
            self.stdout.write(f"已解除 {user.username} 的登录锁定。")
        elif action == "reset":
            password = services.user_reset_password(actor=actor, user=user)
            self.stdout.write(f"{user.username} 的新密码（仅显示一次，登录后须修改）：{password}")
        elif action == "disable":
            services.user_set_active(actor=actor, user=user, active=False, reason=options["reason"])
            self.stdout.write(f"已停用 {user.username}。")
        else:
            services.user_set_active(actor=actor, user=user, active=True)
            self.stdout.write(f"已启用 {user.username}。")

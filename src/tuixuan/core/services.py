"""State changes of users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from tuixuan.core.errors import ValidationFailedError
from tuixuan.core.models import Role, User
from tuixuan.dossier.events import EventType
from tuixuan.dossier.services import record, writes_events
from tuixuan.registry.models import Organisation


@writes_events(EventType.USER_CREATED)
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role | str,
    organisation: Organisation,
    display_name: str = "",
    department: str = "",
) -> User:
    """Create a login bound to one role and one organisation subtree."""
    role = Role(role)
    if role == Role.DEPARTMENT_REVIEWER and not department:
        raise ValidationFailedError("联审部门审查人必须指定所属部门。")
    candidate = User(username=username, display_name=display_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationFailedError("；".join(exc.messages)) from exc
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationFailedError(f"用户名“{username}”已存在。")
        user = User.objects.create_user(
            username=username,
            password=password,
            role=role,
            organisation=organisation,
            display_name=display_name,
            department=department,
        )
        record(
            event_type=EventType.USER_CREATED,
            actor=actor,
            summary=f"创建用户 {username}（{role.label}，{organisation.name}）",
            subject_type="user",
            subject_id=user.pk,
            organisation=organisation,
            inputs={
                "username": username,
                "role": role.value,
                "organisation": organisation.code,
                "department": department,
            },
        )
    return user

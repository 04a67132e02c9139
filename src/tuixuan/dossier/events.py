"""The one enumeration of record event types. Add new types here, never elsewhere."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    # registry
    ORGANISATIONS_IMPORTED = "registry.organisations_imported", _("导入党组织")
    MEMBERS_IMPORTED = "registry.members_imported", _("导入党员")
    OUTSIDE_LIST_IMPORTED = "registry.outside_list_imported", _("导入外部名单")
    MEMBER_CHANGED = "registry.member_changed", _("党员信息变更")
    # core
    USER_CREATED = "core.user_created", _("创建用户")
    USER_ROLE_CHANGED = "core.user_role_changed", _("变更用户角色")

"""The member list's filters, shared by the list page and the member export job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from tuixuan.core import access
from tuixuan.core.models import Organisation, User
from tuixuan.registry import access as member_access
from tuixuan.registry.models import Gender, Member, MemberType, RightsStatus


class MemberFilter(forms.Form):
    q = forms.CharField(label="姓名/拼音首字母/身份证号", required=False, max_length=64)
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    member_type = forms.ChoiceField(
        label="党员类型", required=False, choices=[("", "全部"), *MemberType.choices]
    )
    rights_status = forms.ChoiceField(
        label="表决权状态", required=False, choices=[("", "全部"), *RightsStatus.choices]
    )
    gender = forms.ChoiceField(
        label="性别", required=False, choices=[("", "全部"), *Gender.choices]
    )
    flag = forms.ChoiceField(
        label="标记",
        required=False,
        choices=[
            ("", "全部"),
            ("is_floating", "流动党员"),
            ("is_retired", "离退休"),
            ("is_lost_contact", "失联"),
            ("is_abroad", "出国境"),
        ],
    )


def filtered_members(user: User, data: Any) -> tuple[QuerySet[Member], MemberFilter, Organisation]:
    form = MemberFilter(data)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    qs = member_access.members_in_scope(user)
    org_id = cleaned.get("org")
    org = user.organisation
    if org is None:
        raise PermissionDenied("当前用户未绑定党组织。")
    if org_id:
        org = access.get_organisation_for_user(user, org_id)
        qs = qs.filter(organisation__path__startswith=org.path)
    q = (cleaned.get("q") or "").strip()
    if q:
        if q.isascii() and q.isalpha():
            qs = qs.filter(name_initials__startswith=q.lower())
        elif len(q) >= 6 and q[:6].isdigit():
            qs = qs.filter(citizen_id__startswith=q.upper())
        else:
            qs = qs.filter(Q(name__contains=q))
    for field in ("member_type", "rights_status", "gender"):
        if cleaned.get(field):
            qs = qs.filter(**{field: cleaned[field]})
    if cleaned.get("flag"):
        qs = qs.filter(**{cleaned["flag"]: True})
    return qs, form, org

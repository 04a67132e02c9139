from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或公民身份号码"), required=False, max_length=64)


class BatchExportForm(forms.Form):
    """A unit (organisation code, its subtree) or a campaign, not both."""

    org = forms.CharField(label=_("党组织代码（含下级）"), required=False, max_length=64)
    campaign = forms.IntegerField(label=_("推选工作编号"), required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org = (data.get("org") or "").strip()
        campaign = data.get("campaign")
        if bool(org) == (campaign is not None):
            raise forms.ValidationError(_("请填写党组织代码或推选工作编号，二者选一。"))
        data["org"] = org
        return data

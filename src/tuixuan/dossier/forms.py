from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或公民身份号码"), required=False, max_length=64)


class BatchExportForm(forms.Form):
    """A unit (organisation code, its subtree) or a campaign chosen from the user's, not both."""

    org = forms.CharField(label=_("党组织代码（含下级）"), required=False, max_length=64)
    campaign = forms.TypedChoiceField(
        label=_("推选工作"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(
        self, *args: Any, campaigns: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 -- narrows the type
        field.choices = [("", _("（不按推选工作）")), *campaigns]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org = (data.get("org") or "").strip()
        campaign = bool(self.data.get("campaign"))
        if bool(org) == campaign:
            raise forms.ValidationError(_("请填写党组织代码或选择推选工作，二者选一。"))
        data["org"] = org
        return data

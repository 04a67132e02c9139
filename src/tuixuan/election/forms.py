from __future__ import annotations

from django import forms

from tuixuan.election.models import BodyType, ExclusionReason, ProfileChoice, StaffRole
from tuixuan.election.services import REMOVAL_REASONS


class ElectionForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=128)
    body_type = forms.ChoiceField(label="会议类型", choices=BodyType.choices)
    profile = forms.ChoiceField(label="选举规则", choices=ProfileChoice.choices)
    seats = forms.IntegerField(label="应选名额", min_value=1, max_value=5000)
    meeting_date = forms.DateField(
        label="会议日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CandidatesForm(forms.Form):
    lines = forms.CharField(
        label="候选人（每行一人：姓名，可在后面用逗号加身份证号以关联党员，再加备注）",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ExclusionForm(forms.Form):
    reason = forms.ChoiceField(label="原因", choices=ExclusionReason.choices)
    approval = forms.CharField(label="批准情况", max_length=255)


class StaffForm(forms.Form):
    role = forms.ChoiceField(label="职责", choices=StaffRole.choices)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    username = forms.CharField(label="系统账号（总监票人必填）", max_length=150, required=False)


class MethodForm(forms.Form):
    text = forms.CharField(label="选举办法（大会表决通过的文本）", widget=forms.Textarea)


class IssueForm(forms.Form):
    issued = forms.IntegerField(label="发出选票张数", min_value=1)


class PrintForm(forms.Form):
    copies = forms.IntegerField(label="印制张数", min_value=1, max_value=100_000)


class BatchForm(forms.Form):
    ballot_count = forms.IntegerField(label="本批选票张数", min_value=1, max_value=10_000)


class DecideForm(forms.Form):
    seq = forms.IntegerField(min_value=1)
    marks = forms.CharField(max_length=20_000)
    void = forms.BooleanField(label="裁定为废票", required=False)
    reason = forms.CharField(label="裁定理由", max_length=255, required=False)


class RemovalForm(forms.Form):
    reason = forms.ChoiceField(label="原因", choices=[(r, r) for r in REMOVAL_REASONS])
    detail = forms.CharField(label="具体情况", max_length=200, required=False)

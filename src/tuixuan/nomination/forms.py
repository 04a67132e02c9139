"""Forms for the fixed fields; the per-person tables (totals, participation, 二上 views) are
read from the POST by small parsers in the views, each bad cell named."""

from __future__ import annotations

from django import forms

from tuixuan.nomination.models import EntryMode

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    meeting_place = forms.CharField(label="会议地点", max_length=128, required=False)
    presider = forms.CharField(label="主持人", max_length=64)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    accountable_person = forms.CharField(label="责任人（支部书记）", max_length=64)
    mode = forms.ChoiceField(label="录入方式", choices=EntryMode.choices)
    survey_total = forms.IntegerField(label="满意度测评人数", min_value=0, initial=0)
    survey_satisfied = forms.IntegerField(label="满意", min_value=0, initial=0)
    survey_basic = forms.IntegerField(label="基本满意", min_value=0, initial=0)
    survey_dissatisfied = forms.IntegerField(label="不满意", min_value=0, initial=0)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（系统模板）")


class LateForm(forms.Form):
    late_reason = forms.CharField(
        label="逾期受理理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 2}))
    # The report's version when the page was shown: a correction made on counts that have
    # moved since is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class OrgRecommendForm(forms.Form):
    candidate = forms.IntegerField(label="党员", widget=forms.HiddenInput)
    accountable_person = forms.CharField(label="责任人", max_length=64)
    late_reason = forms.CharField(
        label="逾期受理理由（超过二上截止日期时由上级党组织填写）", max_length=200, required=False
    )
    reason = forms.CharField(
        label="推荐理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    decision = forms.CharField(label="研究决定", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)


class ExemptionForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    decision = forms.CharField(label="决定内容", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)


class FeedbackForm(forms.Form):
    meeting_date = forms.DateField(label="会议日期", widget=DATE)
    members_due = forms.IntegerField(label="应到会党员", min_value=0)
    members_present = forms.IntegerField(label="实到会党员", min_value=0)
    accountable_person = forms.CharField(label="责任人", max_length=64)

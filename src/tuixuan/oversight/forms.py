"""Oversight's forms, drawn and handled through ``tuixuan.core.forms``."""

from __future__ import annotations

from django import forms

from tuixuan.campaign.models import ActivityKind
from tuixuan.core.forms import OnceForm
from tuixuan.oversight.models import FindingKind


class ReportSendForm(forms.Form):
    recipient = forms.CharField(label="报送对象", max_length=128, initial="召集机关领导小组")


class FindingForm(OnceForm):
    kind = forms.ChoiceField(label="类别", choices=FindingKind.choices)
    title = forms.CharField(label="标题", max_length=128)
    text = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 5}))
    due_on = forms.DateField(label="答复期限", widget=forms.DateInput(attrs={"type": "date"}))
    person = forms.CharField(
        label="涉及人员（公民身份号码，可不填）", max_length=18, required=False
    )
    event = forms.IntegerField(
        label="涉及环节（纪实事件编号，可不填）", required=False, min_value=1
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}))
    accountable_person = forms.CharField(label="责任人", max_length=64)


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(OnceForm):
    organisation = forms.TypedChoiceField(label="开展单位", coerce=int)
    kind = forms.ChoiceField(label="类别", choices=ActivityKind.choices)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="主题", max_length=128)
    participants = forms.IntegerField(label="参加人数", min_value=1)
    note = forms.CharField(label="情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="材料（会议记录、照片等，可不传）", required=False)

    def __init__(
        self, *args: object, organisations: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 -- narrows the type
        field.choices = organisations


class SurveyForm(forms.Form):
    held_on = forms.DateField(label="测评日期", widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(label="参加测评人数", min_value=0)
    satisfied = forms.IntegerField(label="满意", min_value=0)
    basic = forms.IntegerField(label="基本满意", min_value=0)
    dissatisfied = forms.IntegerField(label="不满意", min_value=0)
    reason = forms.CharField(
        label="更正理由（更正已录入的结果时填写）", required=False, max_length=255
    )

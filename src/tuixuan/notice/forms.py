"""Forms of the notice pages; the per-person votes and reasons are fields made per person."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from tuixuan.core.forms import OnceForm
from tuixuan.core.models import User
from tuixuan.notice import domain

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def _choices(labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class NoticeForm(forms.Form):
    scope = forms.ChoiceField(label="公示范围", choices=_choices(domain.SCOPE_LABELS))
    channels = forms.MultipleChoiceField(
        label="公示渠道",
        choices=[(c, c) for c in domain.CHANNELS],
        widget=forms.CheckboxSelectMultiple,
    )
    working_days = forms.IntegerField(label="公示期（工作日）", min_value=1)
    contact_phone = forms.CharField(label="受理电话", max_length=32)
    contact_address = forms.CharField(label="通信地址", max_length=255)


class PublishForm(forms.Form):
    published_on = forms.DateField(label="发布日期", widget=DATE)


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(label="延长后的公示期（工作日）", min_value=1)
    reason = forms.CharField(label="延长理由", widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ext_%s")
        super().__init__(*args, **kwargs)


class ObjectionForm(OnceForm):
    entry = forms.TypedChoiceField(label="被反映人", coerce=int)
    received_on = forms.DateField(label="收到日期", widget=DATE)
    channel = forms.ChoiceField(label="反映方式", choices=_choices(domain.CHANNEL_LABELS))
    anonymous = forms.BooleanField(label="匿名反映", required=False)
    complainant = forms.CharField(label="反映人", max_length=64, required=False)
    complainant_contact = forms.CharField(label="反映人联系方式", max_length=64, required=False)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label="材料（扫描件、照片等，可不上传）", required=False)

    def __init__(self, *args: Any, entries: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["entry"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 -- narrows the type
        field.choices = [(pk, name) for pk, name in entries]


class AssignForm(forms.Form):
    handler = forms.TypedChoiceField(label="承办人", coerce=int)
    assigned_on = forms.DateField(label="交办日期", widget=DATE)

    def __init__(self, *args: Any, handlers: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handler"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 -- narrows the type
        field.choices = [
            (u.pk, f"{u.display_name or u.username}（{u.get_role_display()}）") for u in handlers
        ]


class InvestigateForm(forms.Form):
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 5}))
    investigated_on = forms.DateField(label="核查完成日期", widget=DATE)


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label="办结结论", choices=_choices(domain.CONCLUSION_LABELS))
    disqualification = forms.ChoiceField(label="一票否决情形（结论为属实时）", required=False)
    concluded_on = forms.DateField(label="办结日期", widget=DATE)

    def __init__(self, *args: Any, reasons: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "con_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["disqualification"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 -- narrows the type
        field.choices = [("", "—"), *((r, r) for r in reasons)]


class DecisionForm(forms.Form):
    """二下: the meeting, and one vote field per person (blank: not voted on)."""

    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    decision = forms.CharField(label="研究决定", widget=TEXT)
    accountable_person = forms.CharField(label="责任人", max_length=64)
    adopted_suggestion = forms.BooleanField(
        widget=forms.HiddenInput, required=False, label="采用建议名单"
    )

    def __init__(self, *args: Any, persons: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = list(persons)
        for pk, name in persons:
            self.fields[f"v_{pk}"] = forms.IntegerField(
                label=f"{name} 同意票", min_value=0, required=False
            )

    def votes(self) -> dict[int, int]:
        return {
            pk: int(self.cleaned_data[f"v_{pk}"])
            for pk, _name in self.persons
            if self.cleaned_data.get(f"v_{pk}") is not None
        }


class PlacementForm(forms.Form):
    citizen_id = forms.CharField(label="公民身份号码", max_length=18)
    placed_on = forms.DateField(label="提名日期", widget=DATE)
    reason = forms.CharField(label="提名理由", widget=TEXT)
    post = forms.CharField(label="现任职务", max_length=128, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "pl_%s")
        super().__init__(*args, **kwargs)


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label="报批日期", widget=DATE)
    method = forms.CharField(label="产生方法", widget=TEXT)
    principles = forms.CharField(label="把握的原则", widget=TEXT)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label="审批意见", choices=_choices(domain.OUTCOME_LABELS))
    reviewed_on = forms.DateField(label="审批日期", widget=DATE)
    reason = forms.CharField(label="意见（退回须写明理由）", widget=TEXT, required=False)

    def __init__(self, *args: Any, persons: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rv_%s")
        super().__init__(*args, **kwargs)
        self.persons = list(persons)
        for pk, name in persons:
            self.fields[f"r_{pk}"] = forms.CharField(
                label=f"对{name}的退回意见", max_length=2000, required=False
            )

    def person_reasons(self) -> dict[int, str]:
        return {pk: str(self.cleaned_data.get(f"r_{pk}") or "") for pk, _n in self.persons}

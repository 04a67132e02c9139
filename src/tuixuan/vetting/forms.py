"""Forms of the vetting pages. Fixed fields only; the tables (evaluation counts, votes per
person, cases ticked) are read from the POST by small parsers in the views, each bad cell
named beside its table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from tuixuan.core.forms import OnceForm
from tuixuan.vetting import domain

DATE = forms.DateInput(attrs={"type": "date"})


def _choices(items: Sequence[str]) -> list[tuple[str, str]]:
    return [(i, i) for i in items]


class _Prefixed(forms.Form):
    """Several forms share a page: each gets ids of its own (``auto_id``)."""

    key = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.key}_%s" if self.key else "id_%s")
        super().__init__(*args, **kwargs)


class TeamForm(OnceForm):
    name = forms.CharField(label="考察组名称", max_length=64)
    leader = forms.TypedChoiceField(label="组长", coerce=int)
    members = forms.TypedMultipleChoiceField(label="组员（账号）", coerce=int, required=False)
    outside = forms.CharField(
        label="组外成员",
        required=False,
        help_text="每行一人：姓名，职务（可不填）",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    formed_on = forms.DateField(label="组建日期", widget=DATE)

    def __init__(self, *args: Any, inspectors: Sequence[tuple[int, str]] = (), **kwargs: Any):
        kwargs.setdefault("auto_id", "team_%s")
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "请选择"), *inspectors]  # type: ignore[attr-defined]
        self.fields["members"].choices = list(inspectors)  # type: ignore[attr-defined]


class TeamChangeForm(_Prefixed):
    leader = forms.TypedChoiceField(label="组长", coerce=int)
    members = forms.TypedMultipleChoiceField(label="组员（账号）", coerce=int, required=False)
    outside = forms.CharField(
        label="组外成员",
        required=False,
        help_text="每行一人：姓名，职务（可不填）",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label="调整理由", max_length=500)

    def __init__(
        self, *args: Any, inspectors: Sequence[tuple[int, str]] = (), key: str = "", **kwargs: Any
    ):
        self.key = f"tc{key}"
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = list(inspectors)  # type: ignore[attr-defined]
        self.fields["members"].choices = list(inspectors)  # type: ignore[attr-defined]


class NoticeForm(OnceForm):
    issued_on = forms.DateField(label="发布日期", widget=DATE)
    starts_on = forms.DateField(label="考察开始日期", widget=DATE)
    ends_on = forms.DateField(label="考察结束日期", widget=DATE)
    scope = forms.CharField(
        label="预告范围", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    contact_person = forms.CharField(label="联系人", max_length=64)
    contact_phone = forms.CharField(label="联系电话", max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "notice_%s")
        super().__init__(*args, **kwargs)


class TalkNoteForm(OnceForm):
    category = forms.ChoiceField(label="谈话对象类别", choices=_choices(domain.TALK_CATEGORIES))
    talked_on = forms.DateField(label="谈话日期", widget=DATE)
    interviewee = forms.CharField(label="谈话对象", max_length=64)
    note = forms.CharField(label="谈话记录", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class EvaluationForm(_Prefixed):
    key = "ev"
    held_on = forms.DateField(label="测评日期", widget=DATE)
    due = forms.IntegerField(label="应参加测评人数", min_value=0)
    participants = forms.IntegerField(label="实参加测评人数", min_value=0)
    counts = forms.CharField(required=False, widget=forms.HiddenInput)
    """Carries the errors of the grade table (the cells are drawn by the template)."""


class ImportForm(_Prefixed):
    key = "imp"
    file = forms.FileField(label="Excel 文件（系统生成的表）")


class ReportForm(_Prefixed):
    key = "rep"
    material = forms.CharField(label="考察材料", widget=forms.Textarea(attrs={"rows": 14}))
    opinion = forms.ChoiceField(
        label="考察组意见",
        choices=[(o.value, label) for o, label in domain.OPINION_LABELS.items()],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="意见理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(_Prefixed):
    key = "sign"
    signed_on = forms.DateField(label="签署日期", widget=DATE)


class CheckForm(_Prefixed):
    item = forms.ChoiceField(label="核查项目")
    checked_on = forms.DateField(label="核查日期", widget=DATE)
    checked_by = forms.CharField(label="核查人", max_length=64)
    finding = forms.ChoiceField(
        label="核查结论",
        choices=[(f.value, label) for f, label in domain.FINDING_LABELS.items()],
    )
    detail = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disqualification = forms.ChoiceField(label="认定一票否决情形", required=False)
    attachment = forms.FileField(label="附件（可不传）", required=False)

    def __init__(
        self,
        *args: Any,
        items: Sequence[str] = (),
        reasons: Sequence[str] = (),
        key: str = "chk",
        **kwargs: Any,
    ):
        self.key = key
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = _choices(items)  # type: ignore[attr-defined]
        self.fields["disqualification"].choices = [  # type: ignore[attr-defined]
            ("", "不认定"),
            *_choices(reasons),
        ]


class CadreCheckForm(_Prefixed):
    key = "cad"
    item = forms.ChoiceField(label="四必项目", choices=_choices(domain.FOUR_MUSTS))
    done_on = forms.DateField(label="完成日期", widget=DATE)
    done_by = forms.CharField(label="经办人", max_length=64)
    finding = forms.ChoiceField(
        label="结论", choices=[(f.value, label) for f, label in domain.FINDING_LABELS.items()]
    )
    detail = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disqualification = forms.ChoiceField(label="认定一票否决情形", required=False)

    def __init__(self, *args: Any, reasons: Sequence[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["disqualification"].choices = [  # type: ignore[attr-defined]
            ("", "不认定"),
            *_choices(reasons),
        ]


class RequestForm(OnceForm):
    department = forms.ChoiceField(label="联审部门")
    sent_on = forms.DateField(label="发函日期", widget=DATE)
    working_days = forms.IntegerField(label="回复时限（工作日）", min_value=1, max_value=30)
    cases = forms.TypedMultipleChoiceField(
        label="考察对象", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        departments: Sequence[str] = (),
        cases: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        kwargs.setdefault("auto_id", "req_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _choices(departments)  # type: ignore[attr-defined]
        self.fields["cases"].choices = list(cases)  # type: ignore[attr-defined]


class RemindForm(_Prefixed):
    reminded_on = forms.DateField(label="催办日期", widget=DATE)
    note = forms.CharField(label="催办说明", required=False, max_length=500)

    def __init__(self, *args: Any, key: str = "", **kwargs: Any):
        self.key = f"rem{key}"
        super().__init__(*args, **kwargs)


class ReplyForm(_Prefixed):
    outcome = forms.ChoiceField(
        label="审查意见",
        choices=[(r.value, label) for r, label in domain.REPLY_LABELS.items()],
    )
    detail = forms.CharField(
        label="具体情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reviewer = forms.CharField(label="审查人", max_length=64)
    replied_on = forms.DateField(label="回复日期", widget=DATE)
    disqualification = forms.ChoiceField(label="认定一票否决情形", required=False)

    def __init__(
        self, *args: Any, reasons: Sequence[str] = (), key: str = "", **kwargs: Any
    ) -> None:
        self.key = f"rep{key}"
        super().__init__(*args, **kwargs)
        self.fields["disqualification"].choices = [  # type: ignore[attr-defined]
            ("", "不认定"),
            *_choices(reasons),
        ]


class CollectiveForm(_Prefixed):
    """A collective decision: day, attendance, what was decided, who answers for it."""

    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    reason = forms.CharField(label="解除理由", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)

    def __init__(self, *args: Any, key: str = "", **kwargs: Any) -> None:
        self.key = f"lift{key}"
        super().__init__(*args, **kwargs)


class DecisionForm(_Prefixed):
    key = "dec"
    decided_on = forms.DateField(label="研究日期", widget=DATE)
    attendance_due = forms.IntegerField(label="应到会人数", min_value=0)
    attendance_present = forms.IntegerField(label="实到会人数", min_value=0)
    decision = forms.CharField(label="研究决定", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)
    votes = forms.CharField(required=False, widget=forms.HiddenInput)
    """Carries the errors of the votes table."""


class ExemptionForm(_Prefixed):
    key = "ex"
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    decision = forms.CharField(label="决定内容", widget=forms.Textarea(attrs={"rows": 2}))
    accountable_person = forms.CharField(label="责任人", max_length=64)


class SetAsideForm(_Prefixed):
    """不予考虑: a reason from the campaign's list, the detail, the day."""

    key = "aside"
    reason = forms.ChoiceField(label="理由")
    detail = forms.CharField(
        label="具体说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(label="决定日期", widget=DATE)

    def __init__(self, *args: Any, reasons: Sequence[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _choices(reasons)  # type: ignore[attr-defined]


class WithdrawForm(_Prefixed):
    """本人退出: the reason, the detail, the day."""

    key = "wd"
    reason = forms.ChoiceField(label="理由", choices=_choices(domain.WITHDRAWAL_REASONS))
    detail = forms.CharField(
        label="具体说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    withdrawn_on = forms.DateField(label="退出日期", widget=DATE)
